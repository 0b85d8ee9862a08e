// Issue 11 items 3-5 for TypeScript/JavaScript: span-not-ended only for spans that do not escape
// and leave some path without end(), with that path's statement; updateName judged like a name;
// the try/finally fix applied to the text and re-analysed.
import assert from 'node:assert/strict';
import type { Range, SpanSite, TextEdit } from '../../../server/src/analysis/types';
import { WorkspaceAnalyzer } from '../../../server/src/analysis/workspace';
import { defaults } from './fixtures';

async function analyze(text: string, file = '/ws/app.ts'): Promise<WorkspaceAnalyzer> {
  const a = await WorkspaceAnalyzer.create(defaults(), ['/ws']);
  a.updateFile(file, text);
  return a;
}

const site = (a: WorkspaceAnalyzer, name: string, file = '/ws/app.ts'): SpanSite => {
  const s = a.sitesOf(file).find((x) => x.name?.value === name);
  assert.ok(s, `no site ${name}`);
  return s;
};

/** 1-based line and the source text a range covers. */
function at(text: string, r: Range | undefined): [number, string] {
  assert.ok(r);
  const lines = text.split('\n');
  const line = lines[r.start.line];
  return [r.start.line + 1, r.start.line === r.end.line ? line.slice(r.start.character, r.end.character) : line.slice(r.start.character)];
}

function applyEdits(text: string, edits: TextEdit[]): string {
  const offset = (p: { line: number; character: number }) => text.split('\n').slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  let out = text;
  for (const e of [...edits].sort((x, y) => offset(y.range.start) - offset(x.range.start))) {
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  }
  return out;
}

const HEADER = "import { context, trace, SpanStatusCode, type Span } from '@opentelemetry/api';\nconst tracer = trace.getTracer('orders');\n";

const ESCAPING = `${HEADER}
const kSpan = Symbol('span');
const spans: Span[] = [];
function finishLater(span: Span): void { setTimeout(() => span.end(), 10); }

export class OrderConsumer {
  private active = new Map<string, Span>();
  private current?: Span;

  returned(): Span {
    const span = tracer.startSpan('orders.returned');
    span.setAttribute('k', 'v');
    return span;
  }

  returnedConditionally(ok: boolean) {
    const span = tracer.startSpan('orders.maybe');
    return ok ? span : undefined;
  }

  field(): void {
    const span = tracer.startSpan('orders.field');
    this.current = span;
  }

  map(id: string): void {
    const span = tracer.startSpan('orders.map');
    this.active.set(id, span);
  }

  array(): void {
    const span = tracer.startSpan('orders.array');
    spans.push(span);
  }

  symbolKey(req: Record<symbol, unknown>): void {
    const span = tracer.startSpan('orders.symbol');
    req[kSpan] = span;
  }

  intoContext(next: () => void): void {
    const span = tracer.startSpan('orders.context');
    context.with(trace.setSpan(context.active(), span), next);
  }

  handedOver(): void {
    const span = tracer.startSpan('orders.handed');
    finishLater(span);
  }

  onFinish(res: { once(e: string, f: () => void): void }): void {
    const span = tracer.startSpan('orders.on_finish');
    res.once('finish', () => {
      span.setStatus({ code: SpanStatusCode.OK });
      span.end();
    });
  }

  promise(work: Promise<void>): Promise<void> {
    const span = tracer.startSpan('orders.promise');
    return work.finally(() => span.end());
  }

  activeWithReference(handler: (span: Span) => void): void {
    tracer.startActiveSpan('orders.reference', handler);
  }

  activeEscapes(): Span {
    return tracer.startActiveSpan('orders.active_escape', (span) => span);
  }
}
`;

const LEAKING = `${HEADER}
export async function load(id: string, db: { find(id: string): Promise<unknown> }) {
  const span = tracer.startSpan('orders.load');
  const order = await db.find(id);
  if (!order) return null;
  span.end();
  return order;
}

export function validate(input: unknown) {
  const span = tracer.startSpan('orders.validate');
  if (typeof input !== 'object') throw new TypeError('bad input');
  span.end();
}

export function oneBranch(flag: boolean) {
  const span = tracer.startSpan('orders.one_branch');
  if (flag) {
    span.end();
  }
}

export function consumeAll(messages: string[]) {
  for (const m of messages) {
    const span = tracer.startSpan('orders.consume');
    if (!m) continue;
    span.end();
  }
}

export function contextButOwned(ok: boolean) {
  const span = tracer.startSpan('orders.owned');
  const ctx = trace.setSpan(context.active(), span);
  if (!ok) return ctx;
  span.end();
  return ctx;
}

export function activeCallback(ok: boolean) {
  return tracer.startActiveSpan('orders.active', (span) => {
    if (!ok) {
      return false;
    }
    span.end();
    return true;
  });
}
`;

describe('TypeScript span-not-ended: escapes and leaks', () => {
  it('takes a span that escapes for ended elsewhere (returned, field, map, array, context, call, closure, callback)', async () => {
    const a = await analyze(ESCAPING);
    const sites = a.sitesOf('/ws/app.ts');
    assert.equal(sites.length, 12);
    assert.deepEqual(sites.filter((s) => s.ended !== true).map((s) => s.name?.value), []);
    assert.deepEqual(a.findingsOf('/ws/app.ts').filter((f) => f.rule === 'span-not-ended'), []);
  });

  it('reports the return, throw, continue or closing brace where a path leaves without ending the span', async () => {
    const a = await analyze(LEAKING);
    const expected: [string, number, string][] = [
      ['orders.load', 7, 'if (!order) return null;'.slice(12)],
      ['orders.validate', 14, "throw new TypeError('bad input');"],
      ['orders.one_branch', 23, '}'],
      ['orders.consume', 28, 'continue;'],
      ['orders.owned', 36, 'return ctx;'],
      ['orders.active', 44, 'return false;'],
    ];
    for (const [name, line, text] of expected) {
      const s = site(a, name);
      assert.equal(s.ended, false, name);
      assert.deepEqual(at(LEAKING, s.leak), [line, text], name);
    }
    const findings = a.findingsOf('/ws/app.ts').filter((f) => f.rule === 'span-not-ended');
    assert.equal(findings.length, expected.length);
    assert.ok(findings.every((f) => f.related?.length === 1), 'the leaking path is related information');
  });

  it('ends the span in a finally block: the fix applied and re-analysed leaves no finding', async () => {
    const a = await analyze(LEAKING);
    for (const name of ['orders.load', 'orders.validate', 'orders.one_branch', 'orders.owned', 'orders.active', 'orders.consume']) {
      const fix = site(a, name).endFix;
      assert.ok(fix, name);
      assert.equal(fix.title, "End 'span' in a finally block");
      const fixed = applyEdits(LEAKING, fix.edits);
      const b = await analyze(fixed);
      assert.deepEqual(b.problemsOf('/ws/app.ts'), [], `${name}: the fixed text parses`);
      assert.equal(site(b, name).ended, true, `${name} after the fix:\n${fixed}`);
      const still = b.sitesOf('/ws/app.ts').filter((s) => s.ended === false).map((s) => s.name?.value);
      assert.equal(still.length, 5, name);
    }
    const load = applyEdits(LEAKING, site(a, 'orders.load').endFix!.edits);
    assert.ok(load.includes([
      '  const span = tracer.startSpan(\'orders.load\');',
      '  try {',
      '    const order = await db.find(id);',
      '    if (!order) return null;',
      '    return order;',
      '  } finally {',
      '    span.end();',
      '  }',
    ].join('\n')), load);
  });
});

describe('TypeScript renames (updateName)', () => {
  it('collects span.updateName(...) values with their parts, and flags only unbounded ones', async () => {
    const text = `${HEADER}
export function route(req: { method: string; url: string; route?: { path: string } }, span0: Span) {
  return tracer.startActiveSpan('http.request', (span) => {
    span.updateName(\`\${req.method} \${req.route?.path}\`);
    span.setAttribute('http.route', req.route?.path ?? '').updateName(\`\${req.method} \${req.url}\`);
    span0.updateName('not.this.span');
    span.end();
  });
}
`;
    const a = await analyze(text);
    const s = site(a, 'http.request');
    assert.deepEqual(s.renames?.map((r) => [r.text, r.parts?.map((p) => p.bound)]), [
      ['`${req.method} ${req.route?.path}`', ['bounded', 'bounded']],
      ['`${req.method} ${req.url}`', ['bounded', 'unbounded']],
    ]);
    const dynamic = a.findingsOf('/ws/app.ts').filter((f) => f.rule === 'dynamic-span-name');
    assert.deepEqual(dynamic.map((f) => at(text, f.range)), [[7, '`${req.method} ${req.url}`']]);
  });
  it('reads attributes assigned to a local attributes object before it is passed (socket.io emit)', async () => {
    const text = [
      "import { trace, SpanKind } from '@opentelemetry/api';",
      "const tracer = trace.getTracer('socket.io');",
      'export function emit(socket: { name?: string }, ev: string) {',
      "  const attributes: Record<string, unknown> = { 'messaging.system': 'socket.io', 'socket.io.event_name': ev };",
      '  const namespace = socket.name;',
      "  if (namespace) attributes['messaging.destination'] = namespace;",
      "  const span = tracer.startSpan('send', { kind: SpanKind.PRODUCER, attributes });",
      '  span.end();',
      '}',
      'export function noDestination(ev: string) {',
      "  const attrs: Record<string, unknown> = { 'messaging.system': 'socket.io' };",
      "  attrs.event = ev;",
      "  const span = tracer.startSpan('receive', { kind: SpanKind.CONSUMER, attributes: attrs });",
      '  span.end();',
      '}',
    ].join('\n');
    const a = await analyze(text);
    const missing = a.findingsOf('/ws/app.ts').filter((f) => f.rule === 'messaging-missing-destination').map((f) => f.range.start.line + 1);
    assert.deepEqual(missing, [13]);
    assert.ok(site(a, 'send').attributes.some((x) => x.key === 'messaging.destination'));
  });
  it('finds a tracer chosen by `??` and leaves a no-parameter callback that reads the active span to the context (LangSmith)', async () => {
    const text = `const otel = require('./singletons/otel.js');
export function wrap(name: string, tracer?: { startActiveSpan: Function }) {
  const api = otel.getOTELTrace();
  return (fn: () => unknown) => {
    const resolvedTracer = tracer ?? api.getTracer('langsmith');
    return resolvedTracer.startActiveSpan('langsmith.run', () => {
      const spanId = api.getActiveSpan()?.spanContext()?.spanId;
      return spanId ? fn() : undefined;
    });
  };
}
export function bare(tracer?: { startActiveSpan: Function }) {
  const t = tracer || require('@opentelemetry/api').trace.getTracer('bare');
  t.startActiveSpan('bare.run', () => undefined);
}`;
    const a = await analyze(text);
    assert.deepEqual(a.sitesOf('/ws/app.ts').map((x) => x.name?.value), ['langsmith.run', 'bare.run']);
    assert.deepEqual(a.findingsOf('/ws/app.ts').filter((f) => f.rule === 'span-not-ended').map((f) => f.range.start.line + 1), [14]);
  });
});
