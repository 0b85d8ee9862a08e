// Traces at the LSP boundary (the built language server over real JSON-RPC): otelFlowMap/traces
// answers the map's trace list and the CodeLens / hover question "the failing or slowest recent
// trace through span name X of service Y"; otelFlowMap/trace answers one trace with each span's
// code line (the analyzer's site in the workspace, else the span's code.* attributes mapped into it).

import assert from 'node:assert/strict';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SitesRequest, TraceRequest, TracesRequest } from '../../common/src/lspMethods';
import type { SpanSiteSummary } from '../../common/src/sites';
import type { TraceDetail, TraceList } from '../../common/src/traces';
import { startServer, stopServer, type Session } from './lspServer';
import { makeSpan, postTraces, protoBody, recordSpans, waitFor } from './support';

const PAY_TS = "import { trace } from '@opentelemetry/api';\n\nexport function pay(): void {\n  trace.getTracer('pay').startSpan('payments.authorize').end();\n}\n";

describe('LSP: recent traces and one trace with code lines (real JSON-RPC)', function () {
  this.timeout(60_000);
  let storage: string;
  let ws: string;
  let s: Session;
  let failing: string;
  let slow: string;

  before(async () => {
    storage = mkdtempSync(join(tmpdir(), 'ofm-lsp-traces-'));
    ws = mkdtempSync(join(tmpdir(), 'ofm-lsp-traces-ws-'));
    mkdirSync(join(ws, 'src'));
    writeFileSync(join(ws, 'src', 'pay.ts'), PAY_TS);
    writeFileSync(join(ws, 'src', 'audit.ts'), 'export const audit = 1;\n');
    s = await startServer({ grpcPort: 0, httpPort: 0 }, storage, ws);
    const listening = await waitFor('listening status', () => s.statuses.find((x) => x.state === 'listening'));
    await waitFor('the workspace site', async () => (await s.conn.sendRequest<SpanSiteSummary[]>(SitesRequest.method)).some((x) => x.name === 'payments.authorize'), 30_000);
    const spans = recordSpans('lsp-pay', (t) => {
      const root = makeSpan(t, { name: 'POST /pay', kind: SpanKind.SERVER, durationMs: 20 });
      const authorize = t.startSpan('payments.authorize', { startTime: Date.now() }, trace.setSpan(context.active(), root));
      authorize.recordException({ name: 'FraudSuspected', message: 'velocity limit hit' });
      authorize.setStatus({ code: 2 });
      authorize.end();
      makeSpan(t, { name: 'audit.write', parent: root, attributes: { 'code.file.path': '/opt/svc/src/audit.ts', 'code.line.number': 1 } });
      failing = root.spanContext().traceId;
      // A slower trace through the same span name, without an error.
      const slowRoot = makeSpan(t, { name: 'POST /pay', kind: SpanKind.SERVER, durationMs: 900 });
      makeSpan(t, { name: 'payments.authorize', parent: slowRoot, durationMs: 850 });
      slow = slowRoot.spanContext().traceId;
    });
    assert.equal((await postTraces(listening.http!, protoBody(spans), { 'content-type': 'application/x-protobuf' })).status, 200);
    await waitFor('both traces', async () => (await s.conn.sendRequest<TraceList>(TracesRequest.method, { service: 'lsp-pay' })).traces.length === 2);
  });

  after(async () => {
    if (s) await stopServer(s);
    rmSync(storage, { recursive: true, force: true });
    rmSync(ws, { recursive: true, force: true });
  });

  it('the failing and the slowest recent trace through a span name of a service', async () => {
    const ask = async (order: string) => (await s.conn.sendRequest<TraceList>(TracesRequest.method, { service: 'lsp-pay', name: 'payments.authorize', order, limit: 1 })).traces.map((t) => t.traceId);
    assert.deepEqual(await ask('errors'), [failing]);
    assert.deepEqual(await ask('slowest'), [slow]);
    const junk = await s.conn.sendRequest<TraceList>(TracesRequest.method, { service: 42, status: 'bogus', limit: 'x' });
    assert.equal(junk.traces.length, 2, 'malformed filters are left out, not applied');
  });

  it('one trace: the exception, and the code line of each span from the analyzer or from code.* attributes', async () => {
    const detail = await s.conn.sendRequest<TraceDetail>(TraceRequest.method, { traceId: failing });
    const authorize = detail.spans.find((x) => x.name === 'payments.authorize');
    assert.ok(authorize);
    assert.equal(authorize.events[0].attributes['exception.message'], 'velocity limit hit');
    assert.deepEqual(authorize.code, { file: 'src/pay.ts', line: 4, column: 3, source: 'static' });
    assert.deepEqual(detail.spans.find((x) => x.name === 'audit.write')?.code, { file: 'src/audit.ts', line: 1, source: 'runtime' });
    assert.equal(await s.conn.sendRequest(TraceRequest.method, { traceId: 'ab'.repeat(16) }), null);
    assert.equal(await s.conn.sendRequest(TraceRequest.method, { traceId: '../../etc/passwd' }), null);
  });
});
