// Issue 15's check against the real receiver and worker: a span with an `exception` event sent by
// the OTel JS SDK's OTLP/protobuf exporter (and one posted as raw OTLP/JSON) is listed by
// GET /api/traces?service=… on the receiver's read API, GET /api/traces/{id} returns the event
// with its message and the log record sent with that trace and span id; the same API's guards;
// an imported OTLP JSON file (with its exception) lands in the same store.

import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceDetail, TraceList } from '../../common/src/traces';
import type { TelemetryHost } from '../../server/src/telemetry/host';
import { jsonBody, makeSpan, postTraces, recordSpans, startHost, tracerFor, waitFor } from './support';

const JSON_CT = { 'content-type': 'application/json' };

/** node:http, not fetch: fetch will not send another Host header. */
function getJson<T>(http: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const [hostname, port] = http.split(':');
  return new Promise((resolve, reject) => {
    request({ host: hostname, port: Number(port), path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as T }));
    }).on('error', reject).end();
  });
}

/** One OTLP/JSON log record on a span (the trace view's logs beside spans). */
function logBody(service: string, traceId: string, spanId: string, body: string): string {
  return JSON.stringify({
    resourceLogs: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeLogs: [{ logRecords: [{ timeUnixNano: String(Date.now() * 1e6), severityNumber: 17, body: { stringValue: body }, traceId, spanId, attributes: [{ key: 'order.id', value: { stringValue: '8731' } }] }] }],
    }],
  });
}

describe('receiver: the trace store and GET /api/traces', function () {
  this.timeout(60_000);
  let host: TelemetryHost;
  let http: string;

  before(async () => {
    ({ host, http } = await startHost());
  });
  after(() => host?.dispose());

  it('an exception event sent by the JS SDK (OTLP/protobuf) is listed by service, and its trace has the event, its message and the log of its span', async () => {
    const exporter = new OTLPTraceExporter({ url: `http://${http}/v1/traces` });
    const { tracer, provider } = tracerFor('api-checkout', exporter);
    const root = tracer.startSpan('POST /checkout', { kind: SpanKind.SERVER });
    const child = makeSpan(tracer, { name: 'charge card', kind: SpanKind.INTERNAL, parent: root, attributes: { 'code.file.path': '/srv/app/src/pay.ts', 'code.line.number': 12 } });
    root.recordException({ name: 'CardDeclined', message: 'card 4242 declined', stack: 'CardDeclined: card 4242 declined\n    at pay (/srv/app/src/pay.ts:12:5)' });
    root.setStatus({ code: 2, message: 'payment failed' });
    root.end();
    await provider.forceFlush();
    const traceId = root.spanContext().traceId;
    const spanId = root.spanContext().spanId;
    const logs = await fetch(`http://${http}/v1/logs`, { method: 'POST', headers: JSON_CT, body: logBody('api-checkout', traceId, spanId, 'charge refused by the bank') });
    assert.equal(logs.status, 200);

    const list = await waitFor('the trace in the list', async () => {
      const { body } = await getJson<TraceList>(http, '/api/traces?service=api-checkout');
      return body.traces.length ? body : undefined;
    });
    assert.deepEqual(list.traces.map((t) => [t.traceId, t.rootName, t.rootService, t.spanCount, t.errorCount]), [[traceId, 'POST /checkout', 'api-checkout', 2, 1]]);
    assert.equal((await getJson<TraceList>(http, '/api/traces?service=api-checkout&status=error')).body.traces.length, 1);
    assert.equal((await getJson<TraceList>(http, '/api/traces?service=someone-else')).body.traces.length, 0);

    const { status, body: trace } = await getJson<TraceDetail>(http, `/api/traces/${traceId}`);
    assert.equal(status, 200);
    const span = trace.spans.find((s) => s.spanId === spanId)!;
    assert.equal(span.status, 'error');
    assert.equal(span.statusMessage, 'payment failed');
    const exception = span.events.find((e) => e.name === 'exception');
    assert.ok(exception, JSON.stringify(span.events));
    assert.equal(exception.attributes['exception.type'], 'CardDeclined');
    assert.equal(exception.attributes['exception.message'], 'card 4242 declined');
    assert.match(String(exception.attributes['exception.stacktrace']), /at pay \(\/srv\/app\/src\/pay\.ts:12:5\)/);
    assert.equal(trace.spans.find((s) => s.spanId === child.spanContext().spanId)?.parentSpanId, spanId);
    assert.deepEqual(trace.logs.map((l) => [l.spanId, l.severity, l.body, l.attributes['order.id']]), [[spanId, 'ERROR', 'charge refused by the bank', '8731']]);
    await provider.shutdown();
  });

  it('a raw OTLP/JSON post with an exception event and a link: the same shapes', async () => {
    const spans = recordSpans('api-json', (t) => {
      const earlier = makeSpan(t, { name: 'enqueue' });
      const s = t.startSpan('process order', { kind: SpanKind.CONSUMER, links: [{ context: earlier.spanContext(), attributes: { 'messaging.batch': true } }] });
      s.recordException({ name: 'TimeoutError', message: 'stock service timed out' });
      s.end();
    });
    assert.equal((await postTraces(http, jsonBody(spans), JSON_CT)).status, 200);
    const consumer = spans.find((s) => s.name === 'process order')!;
    const traceId = consumer.spanContext().traceId;
    const trace = await waitFor('the JSON trace', async () => {
      const res = await getJson<TraceDetail>(http, `/api/traces/${traceId}`);
      return res.status === 200 ? res.body : undefined;
    });
    const span = trace.spans.find((s) => s.name === 'process order')!;
    assert.equal(span.kind, 'consumer');
    assert.equal(span.events[0].attributes['exception.message'], 'stock service timed out');
    assert.deepEqual(span.links.map((l) => [l.spanId, l.attributes['messaging.batch']]), [[spans.find((s) => s.name === 'enqueue')!.spanContext().spanId, true]]);
    const byName = await getJson<TraceList>(http, '/api/traces?service=api-json&name=process%20order&order=slowest&limit=1');
    assert.deepEqual(byName.body.traces.map((t) => t.traceId), [traceId]);
  });

  it('an unknown trace id is a 404 JSON error, a malformed one a 400; other Host names and methods are refused', async () => {
    const unknown = await getJson<{ error: string }>(http, `/api/traces/${'ab'.repeat(16)}`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error, /no trace/);
    assert.equal((await getJson(http, '/api/traces/not-a-trace-id')).status, 400);
    assert.equal((await getJson(http, '/api/traces', { host: `evil.example:${http.split(':')[1]}` })).status, 403);
    assert.equal((await fetch(`http://${http}/api/traces`, { method: 'POST', body: '{}' })).status, 405);
  });

  it('needs the bearer token when one is set', async () => {
    const secured = await startHost({ authToken: 's3cret' });
    try {
      assert.equal((await getJson(secured.http, '/api/traces')).status, 401);
      assert.equal((await getJson(secured.http, `/api/traces/${'ab'.repeat(16)}`)).status, 401);
      assert.equal((await getJson(secured.http, '/api/traces', { authorization: 'Bearer s3cret' })).status, 200);
    } finally {
      await secured.host.dispose();
    }
  });

  it('an imported OTLP JSON file fills the trace store, exception included', async () => {
    const spans = recordSpans('api-file', (t) => {
      const s = t.startSpan('nightly import');
      s.recordException({ name: 'ParseError', message: 'line 7 is not CSV' });
      s.setStatus({ code: 2 });
      s.end();
    });
    const dir = mkdtempSync(join(tmpdir(), 'ofm-trace-api-'));
    try {
      const path = join(dir, 'ci-trace.json');
      writeFileSync(path, jsonBody(spans));
      assert.equal((await host.importTraces(path, 1024 * 1024)).spans, 1);
      const { traces } = await host.traces({ service: 'api-file', status: 'error' });
      assert.equal(traces.length, 1);
      const trace = await host.trace(traces[0].traceId);
      assert.equal(trace?.spans[0].events[0].attributes['exception.message'], 'line 7 is not CSV');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('evictions of a flood show as collapsed trace-cap in the stats, and the newest traces stay', async () => {
    // 2,100 traces in requests of 300: past the store's 2,000.
    for (let batch = 0; batch < 7; batch++) {
      const spans = recordSpans('api-flood', (t) => {
        for (let i = 0; i < 300; i++) makeSpan(t, { name: `job ${batch}` });
      });
      assert.equal((await postTraces(http, jsonBody(spans), JSON_CT)).status, 200);
    }
    const stats = await waitFor('trace-cap counted', async () => {
      const g = await host.graph();
      return (g.stats.collapsed?.['trace-cap'] ?? 0) > 0 ? g.stats : undefined;
    });
    assert.ok((stats.collapsed?.['trace-cap'] ?? 0) >= 100, JSON.stringify(stats.collapsed));
    const newest = await host.traces({ service: 'api-flood', limit: 200 });
    assert.ok(newest.traces.some((t) => t.rootName === 'job 6'));
    assert.ok((await host.traces({ limit: 200 })).traces.length <= 200);
  });
});
