// Spans a caller gets from the project's own span-starting helpers (LanguageFrontEnd.helperSpansOf):
// the helper's `tracer.startSpan` is the site; the caller owns the span, so span-not-ended is
// judged at the helper call. Shapes from services that wrap their tracer in a small module.
import assert from 'node:assert/strict';
import type { Finding, SpanSite } from '../../../server/src/analysis/types';
import { WorkspaceAnalyzer } from '../../../server/src/analysis/workspace';
import { defaults } from './fixtures';

async function workspace(files: Record<string, string>): Promise<WorkspaceAnalyzer> {
  const a = await WorkspaceAnalyzer.create(defaults(), ['/ws']);
  for (const [f, text] of Object.entries(files)) a.updateFile(f, text);
  return a;
}

type FrontEnd = { helperSpansOf(file: string): SpanSite[] };
const frontEnd = (a: WorkspaceAnalyzer, ext = '.ts') => (a as unknown as { byExtension: Map<string, FrontEnd> }).byExtension.get(ext)!;
const notEnded = (findings: Finding[]) => findings.filter((f) => f.rule === 'span-not-ended').map((f) => [f.range.start.line + 1, f.related?.[0]?.range.start.line !== undefined ? f.related[0].range.start.line + 1 : undefined]);

const TRACING = `import { trace, SpanKind, type Span } from '@opentelemetry/api';

const tracer = trace.getTracer('orders-service');

export function startRequestSpan(route: string): Span {
  return tracer.startSpan(\`HTTP \${route}\`, { kind: SpanKind.SERVER });
}

export const startJobSpan = (job: { kind: string }) => tracer.startSpan(\`job \${job.kind}\`);

export async function startDbSpan(operation: string): Promise<Span> {
  const span = tracer.startSpan(operation, { kind: SpanKind.CLIENT });
  span.setAttribute('db.system', 'postgresql');
  return span;
}

export function formatRoute(route: string): string {
  return route.toLowerCase();
}
`;

const HANDLERS = `import { SpanStatusCode } from '@opentelemetry/api';
import { startRequestSpan, startJobSpan, startDbSpan as dbSpan } from './tracing';
import * as tracing from './tracing';

export async function getOrder(req: { params: { id: string } }, db: { find(id: string): Promise<unknown> }) {
  const span = startRequestSpan('/orders/:id');
  const order = await db.find(req.params.id);
  if (!order) {
    return { status: 404 };
  }
  span.end();
  return order;
}

export async function runJob(job: { kind: string; run(): Promise<void> }) {
  const span = startJobSpan(job);
  try {
    await job.run();
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw err;
  } finally {
    span.end();
  }
}

export async function query(sql: string, pool: { query(q: string): Promise<unknown> }) {
  const span = await dbSpan('SELECT');
  const rows = await pool.query(sql);
  span.end();
  return rows;
}

export function listOrders(queue: { push(s: unknown): void }) {
  const span = tracing.startRequestSpan('/orders');
  queue.push(span);
}

export function nested() {
  const span = tracing.startRequestSpan('/nested');
  if (Math.random() > 0.5) throw new Error('boom');
  span.end();
}

export function notAHelper() {
  const route = tracing.formatRoute('/x');
  return route;
}
`;

describe('TypeScript spans from project helpers (helperSpansOf)', () => {
  it('judges a helper span at the call: a leak on an early return or throw, none when ended in finally or escaping', async () => {
    const a = await workspace({ '/ws/src/tracing.ts': TRACING, '/ws/src/handlers.ts': HANDLERS });
    const spans = frontEnd(a).helperSpansOf('/ws/src/handlers.ts');
    assert.deepEqual(spans.map((s) => [s.headRange!.start.line + 1, s.ended]), [[6, false], [16, true], [28, true], [35, true], [40, false]]);
    assert.deepEqual(spans.map((s) => s.name), [undefined, undefined, undefined, undefined, undefined], 'not span sites: no name of their own');
    // Line 6 leaks through `return { status: 404 }` (line 9); line 40 through the throw (line 41).
    assert.deepEqual(notEnded(a.findingsOf('/ws/src/handlers.ts')), [[6, 9], [40, 41]]);
    assert.deepEqual(a.sitesOf('/ws/src/handlers.ts'), [], 'helper calls are not span sites');
    // The helpers' own sites return their span: nothing to end there.
    assert.deepEqual(a.sitesOf('/ws/src/tracing.ts').map((s) => s.ended), [true, true, true]);
    assert.deepEqual(notEnded(a.findingsOf('/ws/src/tracing.ts')), []);
  });

  it('offers the try/finally fix at the helper call; applied and re-analysed, the finding is gone', async () => {
    const a = await workspace({ '/ws/src/tracing.ts': TRACING, '/ws/src/handlers.ts': HANDLERS });
    const finding = a.findingsOf('/ws/src/handlers.ts').find((f) => f.rule === 'span-not-ended' && f.range.start.line === 5)!;
    const fix = finding.fixes[0];
    assert.ok(fix, 'a fix is offered');
    const lines = HANDLERS.split('\n');
    const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
    let text = HANDLERS;
    for (const e of [...fix.edits].sort((x, y) => offset(y.range.start) - offset(x.range.start))) text = text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
    a.updateFile('/ws/src/handlers.ts', text);
    assert.deepEqual(notEnded(a.findingsOf('/ws/src/handlers.ts')).map(([line]) => line), [43], 'only the other leak is left');
  });

  it('follows compiled CommonJS calls and this-methods, and ignores functions that only share a name', async () => {
    const a = await workspace({
      '/ws/dist/tracing.js': [
        '"use strict";',
        'const api_1 = require("@opentelemetry/api");',
        'const tracer = api_1.trace.getTracer("billing");',
        'function startChargeSpan(customer) {',
        '    return tracer.startSpan("billing.charge", { attributes: { customer } });',
        '}',
        'exports.startChargeSpan = startChargeSpan;',
      ].join('\n'),
      '/ws/dist/billing.js': [
        '"use strict";',
        'const tracing_1 = require("./tracing");',
        'class Billing {',
        '    startRefundSpan() {',
        '        const span = api.trace.getTracer("billing").startSpan("billing.refund");',
        '        return span;',
        '    }',
        '    async charge(customer, amount) {',
        '        const span = (0, tracing_1.startChargeSpan)(customer);',
        '        if (amount <= 0) return false;',
        '        span.end();',
        '        return true;',
        '    }',
        '    refund() {',
        '        const span = this.startRefundSpan();',
        '        span.end();',
        '    }',
        '}',
        'const api = require("@opentelemetry/api");',
        'exports.Billing = Billing;',
      ].join('\n'),
      '/ws/dist/other.js': [
        '"use strict";',
        'function startChargeSpan() { return { end() {} }; }',
        'function run() {',
        '    const span = startChargeSpan();',
        '    return 1;',
        '}',
      ].join('\n'),
    });
    assert.deepEqual(frontEnd(a, '.js').helperSpansOf('/ws/dist/billing.js').map((s) => [s.headRange!.start.line + 1, s.ended]), [[9, false], [15, true]]);
    assert.deepEqual(notEnded(a.findingsOf('/ws/dist/billing.js')), [[9, 10]]);
    assert.deepEqual(frontEnd(a, '.js').helperSpansOf('/ws/dist/other.js'), [], 'a local function of the same name is not the helper');
  });

  it('finds a helper imported under another name in a file that only calls the alias', async () => {
    const a = await workspace({
      '/ws/src/tracing.ts': TRACING,
      '/ws/src/repo.ts': "import { startDbSpan as dbSpan } from './tracing';\nexport async function count(ok: boolean) {\n  const span = await dbSpan('SELECT');\n  if (!ok) return 0;\n  span.end();\n  return 1;\n}\n",
    });
    assert.deepEqual(notEnded(a.findingsOf('/ws/src/repo.ts')), [[3, 4]]);
  });

  it('forgets helper spans when the helper stops returning its span', async () => {
    const a = await workspace({ '/ws/src/tracing.ts': TRACING, '/ws/src/handlers.ts': HANDLERS });
    assert.equal(frontEnd(a).helperSpansOf('/ws/src/handlers.ts').length, 5);
    a.updateFile('/ws/src/tracing.ts', TRACING.replace("return tracer.startSpan(`HTTP ${route}`, { kind: SpanKind.SERVER });", "tracer.startSpan(`HTTP ${route}`).end();\n  return trace.getActiveSpan()!;"));
    assert.deepEqual(frontEnd(a).helperSpansOf('/ws/src/handlers.ts').map((s) => s.headRange!.start.line + 1), [16, 28]);
  });
});
