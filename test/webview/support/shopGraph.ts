// A demo-like shop topology for the layout and filter tests: parallel reads and writes between
// one pair, calls both ways, a failing edge, a queue, externals, and code sites for the spans.
import { emptyGraph, type Graph } from '../../../common/src/graph';
import type { SpanSiteSummary } from '../../../common/src/sites';
import { edge, node } from './graphs';

export function shopGraph(): Graph {
  const g = emptyGraph();
  g.nodes = [
    node('service:web', 'service', 9000, 300),
    node('service:checkout', 'service', 7000, 20),
    node('service:payments', 'service', 3000, 150),
    node('service:inventory', 'service', 4000),
    node('service:notifications', 'service', 2500),
    node('service:billing', 'service', 20),
    node('database:postgresql:shop', 'database', 6000, 0, 'postgresql'),
    node('database:postgresql:inventory', 'database', 3000, 0, 'postgresql'),
    node('database:redis:cache', 'database', 2000, 0, 'redis'),
    node('queue:kafka:orders.placed', 'queue', 2400, 0, 'kafka'),
    node('external:api.stripe.com', 'external', 2000),
    node('external:smtp.sendgrid.net', 'external', 1200),
  ];
  g.nodes.find((n) => n.id === 'service:web')!.attributes = { 'deployment.environment': ['staging'] };
  g.edges = [
    edge('service:web', 'calls', 'service:checkout', 4000, 260, ['POST /checkout']),
    edge('service:checkout', 'calls', 'service:web', 300, 0, ['GET /session']),
    edge('service:checkout', 'reads', 'database:postgresql:shop', 2000, 0, ['SELECT shop']),
    edge('service:checkout', 'writes', 'database:postgresql:shop', 1900, 0, ['INSERT orders']),
    edge('service:checkout', 'calls', 'service:payments', 1800, 120, ['POST /charge']),
    edge('service:checkout', 'calls', 'service:inventory', 1800, 10, ['POST /reserve']),
    edge('service:checkout', 'publishes', 'queue:kafka:orders.placed', 1800, 0, ['orders.placed publish']),
    edge('service:inventory', 'reads', 'database:postgresql:inventory', 1800, 0, ['SELECT stock']),
    edge('service:inventory', 'writes', 'database:postgresql:inventory', 1700, 0, ['UPDATE stock']),
    edge('service:inventory', 'reads', 'database:redis:cache', 1800, 0, ['GET stock']),
    edge('service:payments', 'calls', 'external:api.stripe.com', 1800, 90, ['POST /v1/charges']),
    edge('service:notifications', 'consumes', 'queue:kafka:orders.placed', 1800, 0, ['orders.placed process']),
    edge('service:notifications', 'calls', 'external:smtp.sendgrid.net', 1200, 0, ['smtp send']),
    edge('service:billing', 'writes', 'database:postgresql:shop', 20, 0, ['INSERT invoices']),
  ];
  g.edges.find((e) => e.id === 'service:web|calls|service:checkout')!.attributes = { 'http.route': ['/checkout'] };
  g.stats.spansPerSecond = 120;
  return g;
}

const site = (file: string, line: number, name: string, attributes: SpanSiteSummary['attributes'] = {}): SpanSiteSummary => ({ file, line, column: 5, language: 'typescript', name, flow: null, step: null, scope: null, kind: null, attributes });

export function shopSites(): SpanSiteSummary[] {
  return [
    site('services/checkout.ts', 12, 'INSERT orders'),
    site('services/checkout.ts', 30, 'POST /charge', { 'http.route': '/charge' }),
    site('services/checkout.ts', 44, 'orders.placed publish'),
    site('services/payments.ts', 8, 'POST /v1/charges'),
  ];
}
