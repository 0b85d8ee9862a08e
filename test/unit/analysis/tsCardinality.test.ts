// Issue 11 item 2: a dynamic name is judged by what its parts can be, not by being dynamic.
// Shapes from real Node instrumentation and services: Express/Fastify/Koa middleware naming
// spans `${method} ${route}`, database clients `${operation} ${collection}`, messaging
// `${destination} publish`, helpers that forward a name to the tracer.
import assert from 'node:assert/strict';
import type { NamePart, SpanSite } from '../../../server/src/analysis/types';
import { mayCall } from '../../../server/src/analysis/typescript/callSites';
import { WorkspaceAnalyzer } from '../../../server/src/analysis/workspace';
import { defaults } from './fixtures';

async function workspace(files: Record<string, string>): Promise<WorkspaceAnalyzer> {
  const a = await WorkspaceAnalyzer.create(defaults(), ['/ws']);
  for (const [f, text] of Object.entries(files)) a.updateFile(f, text);
  return a;
}

const brief = (parts: NamePart[] | undefined) => (parts ?? []).map((p) => `${p.text}:${p.bound}${p.param ? `@${p.param.index}` : ''}`);
const siteNamed = (sites: SpanSite[], text: string) => {
  const s = sites.find((x) => x.name?.text.includes(text));
  assert.ok(s, `no site named like ${text}`);
  return s;
};

const HTTP_MIDDLEWARE = `import { trace, SpanKind, type Span } from '@opentelemetry/api';
import type { Request, Response, NextFunction } from 'express';
import { randomUUID } from 'node:crypto';

const tracer = trace.getTracer('http-middleware', '1.0.0');

export function tracing(req: Request, res: Response, next: NextFunction): void {
  const span = tracer.startSpan(\`\${req.method} \${req.route?.path ?? 'unknown'}\`, { kind: SpanKind.SERVER });
  res.on('finish', () => span.end());
  next();
}

export function rawPath(req: Request, res: Response, next: NextFunction): void {
  const { method, originalUrl } = req;
  const span = tracer.startSpan(\`\${method} \${originalUrl}\`);
  res.on('finish', () => span.end());
  next();
}

export function fastifyHook(request: { method: string; routeOptions: { url: string } }, reply: unknown, done: () => void): void {
  const span = tracer.startSpan(\`\${request.method} \${request.routeOptions.url}\`);
  span.end();
  done();
}

export function withRequestId(req: Request): Span {
  return tracer.startSpan(\`request \${randomUUID()} at \${Date.now()}\`);
}

export function fromUrl(href: string): Span {
  return tracer.startSpan(new URL(href).pathname);
}
`;

const DB_CLIENT = `import { trace, SpanKind } from '@opentelemetry/api';
import { DbOperation, Collections, QUEUE_PREFIX } from './names';

const tracer = trace.getTracer('db-client');
const READ_OPS = ['find', 'count', 'aggregate'] as const;

export class MongoInstrumentation {
  query(operation: DbOperation, collection: string, filter: object) {
    return tracer.startActiveSpan(\`\${operation} \${collection}\`, { kind: SpanKind.CLIENT }, (span) => {
      try {
        return JSON.stringify(filter);
      } finally {
        span.end();
      }
    });
  }

  reads() {
    for (const op of READ_OPS) {
      const span = tracer.startSpan(\`mongodb.\${op}\`);
      span.end();
    }
  }

  publish(kind: 'orders' | 'refunds', urgent: boolean) {
    let verb: string;
    switch (kind) {
      case 'orders': verb = 'send'; break;
      default: verb = 'forward';
    }
    const span = tracer.startSpan(\`\${QUEUE_PREFIX}.\${kind} \${urgent ? 'priority' : 'bulk'} \${verb} \${this.constructor.name}\`);
    span.setAttribute('coordimap.flow.name', \`orders.\${Collections.Orders}\`);
    span.end();
  }
}
`;

const NAMES = `export type DbOperation = 'find' | 'insert' | 'update' | 'delete';
export enum Collections { Orders = 'orders', Users = 'users' }
export const QUEUE_PREFIX = process.env.QUEUE_PREFIX ?? 'app';
`;

describe('TypeScript name parts: bounded vs unbounded', () => {
  it('marks HTTP method and route templates bounded, raw paths, clocks and random values unbounded', async () => {
    const a = await workspace({ '/ws/mw.ts': HTTP_MIDDLEWARE });
    const sites = a.sitesOf('/ws/mw.ts');
    assert.deepEqual(brief(siteNamed(sites, 'req.route').name?.parts), ['req.method:bounded', "req.route?.path ?? 'unknown':bounded"]);
    assert.deepEqual(brief(siteNamed(sites, 'originalUrl').name?.parts), ['method:bounded', 'originalUrl:unbounded']);
    assert.deepEqual(brief(siteNamed(sites, 'routeOptions').name?.parts), ['request.method:bounded', 'request.routeOptions.url:bounded']);
    const random = siteNamed(sites, 'randomUUID').name?.parts ?? [];
    assert.deepEqual(random.map((p) => [p.bound, p.reason]), [['unbounded', 'a random value'], ['unbounded', 'a clock reading']]);
    assert.equal(siteNamed(sites, 'new URL').name?.parts?.[0].bound, 'unbounded');
    // Findings: only the names with an unbounded part.
    const flagged = a.findingsOf('/ws/mw.ts').filter((f) => f.rule === 'dynamic-span-name').map((f) => f.range.start.line + 1);
    assert.deepEqual(flagged, [15, 27, 31]);
  });

  it('follows literal unions, enums and constants imported from another module, switches, ternaries and loops over literals', async () => {
    const a = await workspace({ '/ws/db.ts': DB_CLIENT, '/ws/names.ts': NAMES });
    const sites = a.sitesOf('/ws/db.ts');
    const query = siteNamed(sites, 'operation');
    assert.deepEqual(brief(query.name?.parts), ['operation:bounded', 'collection:unknown@1']);
    assert.equal(query.name?.parts?.[0].reason, 'a literal union');
    assert.equal(query.name?.parts?.[0].type, 'DbOperation');
    assert.equal(query.name?.parts?.[1].type, 'string');
    assert.deepEqual(query.enclosing, { name: 'query', method: true });
    assert.deepEqual(brief(siteNamed(sites, 'mongodb.').name?.parts), ['op:bounded']);
    const publish = siteNamed(sites, 'QUEUE_PREFIX');
    assert.deepEqual(publish.name?.parts?.map((p) => p.bound), ['bounded', 'bounded', 'bounded', 'bounded', 'bounded']);
    assert.equal(publish.enclosing, undefined, 'no parameter left to judge at call sites');
    // The enum member is constant: the flow name is not dynamic at all.
    assert.equal(publish.attributes[0].value.value, 'orders.orders');
    assert.deepEqual(a.findingsOf('/ws/db.ts').filter((f) => f.rule.startsWith('dynamic')), []);
  });

  it('judges a name parameter at the calls of the helper, two levels up and across files', async () => {
    const a = await workspace({
      '/ws/tracing.ts': [
        "import { trace, type Span } from '@opentelemetry/api';",
        "const tracer = trace.getTracer('shop');",
        'export function withSpan<T>(name: string, fn: (span: Span) => T): T {',
        '  return tracer.startActiveSpan(name, (span) => {',
        '    try {',
        '      return fn(span);',
        '    } finally {',
        '      span.end();',
        '    }',
        '  });',
        '}',
      ].join('\n'),
      '/ws/orders.ts': [
        "import { withSpan } from './tracing';",
        "import * as tracing from './tracing';",
        'export function loadOrder(orderId: string) {',
        '  return withSpan(`orders.load.${orderId}`, () => orderId);',
        '}',
        'export function step(stepName: string, cacheKey: string) {',
        '  tracing.withSpan(`orders.${stepName}`, () => undefined);',
        '  return withSpan(cacheKey, () => undefined);',
        '}',
        'export function checkout(userId: string) {',
        "  step('validate', 'k');",
        '  step(`pay.${userId}`, \'k\');',
        '}',
      ].join('\n'),
    });
    const helper = a.sitesOf('/ws/tracing.ts')[0];
    assert.deepEqual(helper.enclosing, { name: 'withSpan', method: false });
    assert.deepEqual(brief(helper.name?.parts), ['name:unknown@0']);
    assert.deepEqual(a.findingsOf('/ws/tracing.ts').filter((f) => f.rule === 'dynamic-span-name'), [], 'nothing to fix in the helper itself');

    const fe = (a as unknown as { byExtension: Map<string, { callsTo(f: string, c: object, i: number): import('../../../server/src/analysis/types').PassedArgument[] }> }).byExtension.get('.ts')!;
    const calls = fe.callsTo('/ws/orders.ts', { name: 'withSpan', method: false }, 0);
    assert.deepEqual(calls.map((c) => [c.value.text, c.enclosing?.name, brief(c.value.parts).join(' ')]), [
      ['`orders.load.${orderId}`', 'loadOrder', 'orderId:unknown@0'],
      ['`orders.${stepName}`', 'step', 'stepName:unknown@0'],
      ['cacheKey', 'step', 'cacheKey:unknown@1'],
    ]);
    // As a method, only `x.withSpan(...)` shapes count (here the namespace call).
    assert.deepEqual(fe.callsTo('/ws/orders.ts', { name: 'withSpan', method: true }, 0).map((c) => c.value.text), ['`orders.${stepName}`']);
    assert.deepEqual(fe.callsTo('/ws/tracing.ts', { name: 'nowhere', method: false }, 0), []);

    const findings = a.findingsOf('/ws/orders.ts').filter((f) => f.rule === 'dynamic-span-name');
    const lines = findings.map((f) => f.range.start.line + 1).sort((x, y) => x - y);
    // orderId (line 4) and cacheKey (line 8) say what they are; `pay.${userId}` passed to step (line 12).
    assert.deepEqual(lines, [4, 8, 12]);
    assert.ok(findings.every((f) => f.related?.some((r) => r.file === '/ws/tracing.ts')));
  });

  it('rejects files that mention a helper name but never call it, without parsing', () => {
    const span = { name: 'span', method: true };
    assert.equal(mayCall("const span = tracer.startSpan('a');\nspan.end();", span), false);
    assert.equal(mayCall('this.telemetry.span<Order>(`load ${id}`, fn)', span), true);
    assert.equal(mayCall('otel?.span (name)', span), true);
    const withSpan = { name: 'withSpan', method: false };
    assert.equal(mayCall('export const withSpanName = 1; x.withSpan', withSpan), false);
    assert.equal(mayCall('return tracing.withSpan(name, fn)', withSpan), true);
    assert.equal(mayCall('await withSpan(name, fn)', withSpan), true);
  });

  it('forgets cached calls when the file or a constant it used changes', async () => {
    const a = await workspace({
      '/ws/c.ts': "export const NAME = 'orders.list';",
      '/ws/use.ts': "import { NAME } from './c';\nimport { withSpan } from './h';\nexport function list() { return withSpan(NAME); }\n",
    });
    const fe = (a as unknown as { byExtension: Map<string, { callsTo(f: string, c: object, i: number): import('../../../server/src/analysis/types').PassedArgument[] }> }).byExtension.get('.ts')!;
    assert.equal(fe.callsTo('/ws/use.ts', { name: 'withSpan', method: false }, 0)[0].value.value, 'orders.list');
    a.updateFile('/ws/c.ts', 'export const NAME = `orders.${Date.now()}`;');
    assert.equal(fe.callsTo('/ws/use.ts', { name: 'withSpan', method: false }, 0)[0].value.constant, false);
    a.updateFile('/ws/use.ts', "import { withSpan } from './h';\nexport function list() { return 1; }\n");
    assert.deepEqual(fe.callsTo('/ws/use.ts', { name: 'withSpan', method: false }, 0), []);
  });

  it('judges a let grown by += over every piece (a mapped item index in the name)', async () => {
    const mapped = `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
export function run(task: string, mapIndex: number, retry: boolean) {
  let name = \`task_run.\${task}\`;
  if (mapIndex >= 0) name += \`[\${mapIndex}]\`;
  tracer.startSpan(name).end();
  let label = 'jobs.run';
  if (retry) label += '.retry';
  tracer.startSpan(label).end();
}`;
    const a = await workspace({ '/ws/mapped.ts': mapped });
    const dynamic = a.findingsOf('/ws/mapped.ts').filter((f) => f.rule === 'dynamic-span-name').map((f) => f.range.start.line + 1);
    assert.deepEqual(dynamic, [6]);
  });
});
