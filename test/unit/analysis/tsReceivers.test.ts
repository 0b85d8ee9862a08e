// Issue 11 item 1: a call is a span site only when its receiver is an OpenTelemetry tracer.
import assert from 'node:assert/strict';
import { WorkspaceAnalyzer } from '../../../server/src/analysis/workspace';
import { defaults } from './fixtures';

async function sitesOf(files: Record<string, string>, file: string): Promise<(string | undefined)[]> {
  const a = await WorkspaceAnalyzer.create(defaults(), ['/ws']);
  for (const [f, text] of Object.entries(files)) a.updateFile(f, text);
  return a.sitesOf(file).map((s) => s.name?.text);
}

describe('TypeScript tracer receivers (OpenTelemetry only)', () => {
  it('gives no site for look-alike SDKs named like tracers (dd-trace, OpenTracing, Sentry, Elastic APM)', async () => {
    const text = [
      "import { trace } from '@opentelemetry/api';",
      "import ddTracer from 'dd-trace';",
      "import * as opentracing from 'opentracing';",
      "import { Tracer as OtTracer } from 'opentracing';",
      "import apm from 'elastic-apm-node';",
      "const tracer = require('dd-trace').init({ service: 'orders' });",
      'const globalTracer = opentracing.globalTracer();',
      "const otel = trace.getTracer('orders');",
      'export function handle(jaeger: OtTracer, req: { method: string }) {',
      "  const a = tracer.startSpan('web.request');",
      "  const b = ddTracer.startSpan('dd.direct');",
      "  const c = globalTracer.startSpan('ot.global');",
      "  const d = jaeger.startSpan('ot.typed');",
      "  const e = apm.startSpan('apm.span');",
      "  const f = opentracing.globalTracer().startSpan('ot.chained');",
      "  const g = otel.startSpan('orders.handle');",
      '  for (const s of [a, b, c, d, e, f, g]) s.finish?.();',
      '  g.end();',
      '}',
    ].join('\n');
    assert.deepEqual(await sitesOf({ '/ws/app.ts': text }, '/ws/app.ts'), ["'orders.handle'"]);
  });

  it('counts a receiver known only by name only when the file imports OpenTelemetry', async () => {
    const body = "export function run(this: { tracer: unknown }) {\n  const span = this.tracer.startSpan('orders.run');\n  span.end();\n}\n";
    assert.deepEqual(await sitesOf({ '/ws/plain.ts': body }, '/ws/plain.ts'), []);
    const withOtel = `import { SpanStatusCode } from '@opentelemetry/api';\n${body}void SpanStatusCode;\n`;
    assert.deepEqual(await sitesOf({ '/ws/otel.ts': withOtel }, '/ws/otel.ts'), ["'orders.run'"]);
  });

  it('follows a tracer imported from a workspace module to the getTracer call that made it (with its scope)', async () => {
    const files = {
      '/ws/tracing.ts': "import { trace } from '@opentelemetry/api';\nexport const tracer = trace.getTracer('payments');\n",
      '/ws/dd.ts': "import tracer from 'dd-trace';\nexport const ddTracer = tracer.init();\n",
      '/ws/pay.ts': [
        "import { tracer } from './tracing';",
        "import { ddTracer } from './dd';",
        'export function pay() {',
        "  const s = tracer.startSpan('payments.charge');",
        "  const d = ddTracer.startSpan('dd.charge');",
        '  s.end();',
        '  d.finish();',
        '}',
      ].join('\n'),
    };
    const a = await WorkspaceAnalyzer.create(defaults(), ['/ws']);
    for (const [f, text] of Object.entries(files)) a.updateFile(f, text);
    const sites = a.sitesOf('/ws/pay.ts');
    assert.deepEqual(sites.map((s) => [s.name?.text, s.scope]), [["'payments.charge'", 'payments']]);
  });

  it('keeps a local class with its own startSpan out, but not a class implementing Tracer', async () => {
    const text = [
      "import { trace, type Tracer } from '@opentelemetry/api';",
      'class Stopwatch { startSpan(name: string) { return { end: () => name }; } }',
      'class LoggingTracer implements Tracer {',
      '  constructor(private readonly inner: Tracer) {}',
      "  startSpan(name: string) { return this.inner.startSpan(name); }",
      "  startActiveSpan(): never { throw new Error('unused'); }",
      '}',
      'const stopwatchTracer = new Stopwatch();',
      "stopwatchTracer.startSpan('not.a.span').end();",
      "new LoggingTracer(trace.getTracer('x')).startSpan('wrapped.call').end();",
    ].join('\n');
    // `this.inner.startSpan(name)` is a site; `new LoggingTracer(...)` named like a tracer is unresolved, the file imports OTel.
    assert.deepEqual(await sitesOf({ '/ws/t.ts': text }, '/ws/t.ts'), ['name', "'wrapped.call'"]);
  });
  it('follows this.m() and a local function to the tracer they return (Next.js getTracerInstance)', async () => {
    const text = [
      'let api;',
      "try { api = require('@opentelemetry/api'); } catch (err) { api = require('next/dist/compiled/@opentelemetry/api'); }",
      'const { trace } = api;',
      "function makeTracer() { return trace.getTracer('app'); }",
      'class NextTracerImpl {',
      "  getTracerInstance() { return trace.getTracer('next.js', '16.5.0'); }",
      "  getClient() { return require('dd-trace').init(); }",
      '  startSpan(type, options) {',
      '    return this.getTracerInstance().startSpan(type, options);',
      '  }',
      '  other() {',
      "    const d = this.getClient().startSpan('dd.span');",
      "    const s = makeTracer().startSpan('app.work');",
      '    d.finish();',
      '    s.end();',
      '  }',
      '}',
      'module.exports = { NextTracerImpl };',
    ].join('\n');
    assert.deepEqual(await sitesOf({ '/ws/tracer.js': text }, '/ws/tracer.js'), ['type', "'app.work'"]);
  });
});
