// The contract's inference rules (contract.md §2–3) one by one, on the pure topology engine.

import assert from 'node:assert/strict';
import { insertStep } from '../../../server/src/telemetry/topology/flows';
import { LatencyHistogram } from '../../../server/src/telemetry/topology/histogram';
import { Topology } from '../../../server/src/telemetry/topology/topology';
import { SpanKind, type AttrValue, type DecodedSpan } from '../../../server/src/telemetry/otlp/span';
import { spanAttributes } from '../../support/spans';

let seq = 0;
function span(over: Partial<DecodedSpan> & { attrs?: Record<string, AttrValue> }): DecodedSpan {
  seq++;
  const { attrs, ...rest } = over;
  return {
    traceId: 'a'.repeat(32), spanId: seq.toString(16).padStart(16, '0'), parentSpanId: '', name: 'op', kind: SpanKind.INTERNAL,
    startMs: 1_000 + seq, durationMs: 10, error: false, service: 'svc', scope: 'scope', attributes: spanAttributes(attrs ?? {}), links: [],
    ...rest,
  };
}

const newTopology = (caps = {}) => new Topology({ attributePrefix: 'coordimap.flow.', pairWaitMs: 1_000, caps });
const edgeIds = (t: Topology) => t.graph().edges.map((e) => e.id).sort();

describe('topology engine', () => {
  it('db spans: reads/writes from current and older keys, from SQL text, table as detail, no calls edge', () => {
    const t = newTopology();
    t.ingest([
      span({ kind: SpanKind.CLIENT, attrs: { 'db.system.name': 'postgresql', 'db.namespace': 'shop', 'db.operation.name': 'SELECT', 'db.collection.name': 'orders' } }),
      span({ kind: SpanKind.CLIENT, attrs: { 'db.system': 'postgresql', 'db.name': 'shop', 'db.operation': 'insert', 'db.sql.table': 'items' } }),
      span({ kind: SpanKind.INTERNAL, attrs: { 'db.system': 'mysql', 'db.statement': 'UPDATE t SET x=1' } }),
      span({ kind: SpanKind.CLIENT, attrs: { 'db.system.name': 'redis', 'db.system': 'ignored', 'db.operation.name': 'GET' } }),
    ], 0);
    t.expire(10_000);
    assert.deepEqual(edgeIds(t), [
      'service:svc|reads|database:postgresql:shop',
      'service:svc|reads|database:redis:redis',
      'service:svc|writes|database:mysql:mysql',
      'service:svc|writes|database:postgresql:shop',
    ]);
    const g = t.graph();
    assert.deepEqual(g.edges.find((e) => e.relation === 'reads' && e.target.includes('shop'))!.details, ['orders']);
    assert.equal(g.nodes.find((n) => n.id === 'database:postgresql:shop')!.system, 'postgresql');
  });

  it('messaging: the operation decides over the kind; without it PRODUCER publishes and CONSUMER consumes', () => {
    const t = newTopology();
    t.ingest([
      span({ service: 'api', kind: SpanKind.CLIENT, attrs: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders', 'messaging.operation.type': 'send' } }),
      span({ service: 'worker', kind: SpanKind.CLIENT, attrs: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders', 'messaging.operation': 'receive' } }),
      span({ service: 'api2', kind: SpanKind.PRODUCER, attrs: { 'messaging.system': 'nats', 'messaging.destination.name': 'subj' } }),
      span({ service: 'w2', kind: SpanKind.CONSUMER, attrs: { 'messaging.system': 'nats', 'messaging.destination.name': 'subj' } }),
    ], 0);
    t.expire(10_000);
    assert.deepEqual(edgeIds(t), [
      'service:api2|publishes|queue:nats:subj',
      'service:api|publishes|queue:kafka:orders',
      'service:w2|consumes|queue:nats:subj',
      'service:worker|consumes|queue:kafka:orders',
    ]);
  });

  it('pairs a client with its server half arriving later, in another request, with the server first too', () => {
    const t = newTopology();
    const client = span({ service: 'web', kind: SpanKind.CLIENT, attrs: { 'server.address': 'api.internal' } });
    t.ingest([span({ service: 'api', kind: SpanKind.SERVER, parentSpanId: client.spanId, error: true })], 0);
    t.ingest([client], 500);
    const c2 = span({ service: 'web', kind: SpanKind.CLIENT, traceId: 'b'.repeat(32) });
    t.ingest([c2], 600);
    t.ingest([span({ service: 'api', kind: SpanKind.SERVER, traceId: 'b'.repeat(32), parentSpanId: c2.spanId })], 900);
    t.expire(10_000);
    const e = t.graph().edges.find((x) => x.id === 'service:web|calls|service:api')!;
    assert.equal(e.count, 2);
    assert.equal(e.errors, 1, 'an error on the server half counts on the edge');
    assert.ok(!edgeIds(t).some((id) => id.includes('external:')), 'paired clients do not also go to an external node');
  });

  it('falls back to an external peer after the bounded wait, by the key order of the contract', () => {
    const t = newTopology();
    t.ingest([
      span({ kind: SpanKind.CLIENT, attrs: { 'peer.service': 'old-peer', 'server.address': 'x' } }),
      span({ kind: SpanKind.CLIENT, attrs: { 'service.peer.name': 'payments', 'peer.service': 'old' } }),
      span({ kind: SpanKind.CLIENT, attrs: { 'http.host': 'example.com' } }),
    ], 0);
    assert.deepEqual(edgeIds(t), [], 'nothing before the wait ends');
    t.expire(999);
    assert.deepEqual(edgeIds(t), []);
    t.expire(1_001);
    assert.deepEqual(edgeIds(t), ['service:svc|calls|external:example.com', 'service:svc|calls|external:old-peer', 'service:svc|calls|external:payments']);
  });

  it('an INTERNAL span without db/messaging attributes yields no edge; a same-service pair is a self-edge', () => {
    const t = newTopology();
    const c = span({ kind: SpanKind.CLIENT });
    t.ingest([span({ kind: SpanKind.INTERNAL }), c, span({ kind: SpanKind.SERVER, parentSpanId: c.spanId })], 0);
    t.expire(5_000);
    // contract §2a: a service's CLIENT span paired with its own SERVER span is a self-edge.
    assert.deepEqual(edgeIds(t), ['service:svc|calls|service:svc']);
    assert.equal(t.graph().nodes.length, 1);
  });

  it('latency quantiles from the histogram are within a few percent', () => {
    const t = newTopology();
    const spans: DecodedSpan[] = [];
    for (let i = 1; i <= 1000; i++) spans.push(span({ kind: SpanKind.CLIENT, durationMs: i, attrs: { 'db.system': 'redis', 'db.operation': 'get' } }));
    t.ingest(spans, 0);
    t.expire(10_000); // CLIENT spans wait for a server half first (contract §2a)
    const e = t.graph().edges[0];
    assert.equal(e.count, 1000);
    for (const [got, want] of [[e.p50Ms, 500], [e.p95Ms, 950], [e.p99Ms, 990]]) assert.ok(Math.abs(got - want) / want < 0.05, `${got} vs ${want}`);
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.record(1);
    b.record(100);
    a.merge(b);
    assert.equal(a.total, 2);
    assert.ok(Math.abs(a.quantile(1) - 100) < 5);
    assert.equal(LatencyHistogram.fromJSON(a.toJSON()).quantile(1), a.quantile(1));
  });

  it('flows: steps, transitions within a run ordered by start time even out of order, runs counted', () => {
    const t = newTopology();
    const f = (step: string, run: string, startMs: number, service = 'svc') =>
      span({ service, startMs, attrs: { 'coordimap.flow.name': 'checkout.place_order', 'coordimap.flow.step': step, 'coordimap.flow.run_id': run } });
    t.ingest([f('checkout.pay', 'r1', 30), f('checkout.validate', 'r1', 10, 'api')], 0);
    t.ingest([f('checkout.reserve', 'r1', 20, 'inventory'), f('checkout.validate', 'r2', 10), f('checkout.reserve', 'r2', 20)], 0);
    const flow = t.graph().flows[0];
    assert.equal(flow.runs, 2);
    const tr = Object.fromEntries(flow.transitions.map((x) => [`${x.from}>${x.to}`, x.count]));
    assert.deepEqual(tr, { 'checkout.validate>checkout.reserve': 2, 'checkout.reserve>checkout.pay': 1 });
    assert.deepEqual(flow.steps.find((s) => s.name === 'checkout.reserve')!.services, ['inventory', 'svc']);
  });

  it('a consumer without a run id joins its producer run through a span link or its parent', () => {
    const t = newTopology();
    const producer = span({ startMs: 10, attrs: { 'coordimap.flow.name': 'order.ship', 'coordimap.flow.step': 'order.publish', 'coordimap.flow.run_id': 'o-1' } });
    const consumer = span({ startMs: 20, traceId: 'c'.repeat(32), links: [{ traceId: producer.traceId, spanId: producer.spanId }], attrs: { 'coordimap.flow.name': 'order.ship', 'coordimap.flow.step': 'order.consume' } });
    const child = span({ startMs: 30, traceId: 'c'.repeat(32), parentSpanId: consumer.spanId, attrs: { 'coordimap.flow.name': 'order.ship', 'coordimap.flow.step': 'order.store' } });
    t.ingest([producer, consumer, child], 0);
    const flow = t.graph().flows[0];
    assert.equal(flow.runs, 1);
    assert.deepEqual(flow.transitions.map((x) => `${x.from}>${x.to}`).sort(), ['order.consume>order.store', 'order.publish>order.consume']);
  });

  it('insertStep keeps transitions exact for any arrival order', () => {
    const counts = new Map<string, number>();
    const steps: { t: number; step: string }[] = [];
    for (const e of [{ t: 3, step: 'c' }, { t: 1, step: 'a' }, { t: 2, step: 'b' }, { t: 2.5, step: 'b' }]) {
      insertStep(steps, e, (from, to, d) => counts.set(`${from}>${to}`, (counts.get(`${from}>${to}`) ?? 0) + d));
    }
    assert.deepEqual([...counts].filter(([, n]) => n !== 0).sort(), [['a>b', 1], ['b>c', 1]]);
  });

  it('caps distinct span names, steps and edges, and counts what it collapsed', () => {
    const t = newTopology({ spanNames: 100, stepsPerFlow: 10, edges: 5 });
    const spans: DecodedSpan[] = [];
    for (let i = 0; i < 10_000; i++) spans.push(span({ name: `order.${i}`, attrs: { 'coordimap.flow.name': 'f.x', 'coordimap.flow.step': `s${i}` } }));
    for (let i = 0; i < 20; i++) spans.push(span({ kind: SpanKind.CLIENT, attrs: { 'db.system': 'redis', 'db.name': `db${i}`, 'db.operation': 'get' } }));
    t.ingest(spans, 0);
    t.expire(10_000);
    const g = t.graph();
    assert.equal(t.names.stats().length, 101, 'the cap, plus the one "(other)" entry the rest count in');
    assert.equal(t.names.stats().find((n) => n.name === '(other)')?.count, 10_000 + 20 - 100);
    assert.equal(g.flows[0].steps.length, 10);
    assert.ok(g.flows[0].steps.some((s) => s.name === '(other)'));
    assert.equal(g.edges.length, 5);
    const collapsed = g.stats.collapsed ?? {};
    assert.ok(collapsed['span-name-cap'] > 0 && collapsed['step-cap'] > 0 && collapsed['edge-cap'] === 15, JSON.stringify(g.stats));
    assert.equal(g.stats.spansDropped, 0, 'every span is still counted');
  });

  it('deltas carry only what changed; serialize/restore round-trips the graph', () => {
    const t = newTopology();
    t.ingest([span({ kind: SpanKind.CLIENT, attrs: { 'db.system': 'redis', 'db.operation': 'get', 'code.filepath': '/srv/app/src/a.ts', 'code.lineno': 12 } })], 0);
    t.expire(10_000);
    const d1 = t.takeDelta()!;
    assert.equal(d1.edges.length, 1);
    assert.equal(t.takeDelta(), undefined);
    const copy = newTopology();
    copy.restore(JSON.parse(JSON.stringify(t.serialize())));
    // Keys name items within one delta stream only (a restored worker starts a new stream with a reset).
    const withoutStats = (g: ReturnType<Topology['graph']>) => ({ nodes: g.nodes.map(({ key: _, ...n }) => n), edges: g.edges.map(({ key: _, ...e }) => e), flows: g.flows });
    assert.deepEqual(withoutStats(copy.graph()), withoutStats(t.graph()));
    assert.deepEqual(copy.names.stats()[0].codeRefs, [{ file: '/srv/app/src/a.ts', line: 12 }]);
    copy.restore({ version: 1, nodes: 'junk', edges: [null, { id: 5 }] });
    t.clear();
    assert.equal(t.takeDelta()!.reset, true);
  });
});
