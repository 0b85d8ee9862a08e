// `serve`'s traces end to end: the built CLI with a workspace the analyzer scans, fed by the OTel
// JS SDK's OTLP/protobuf exporter. GET /api/traces lists the failing trace, GET /api/traces/{id}
// has its exception and each span's code line (the analyzer's site, else the span's code.*
// attributes), the map's requestTraces / requestTrace over POST /api/message answer the same;
// and `serve --mcp --token` mounts the MCP tools at /mcp behind the token and Host checks.

import assert from 'node:assert/strict';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ToWebview } from '../../common/src/protocol';
import type { TraceDetail, TraceList } from '../../common/src/traces';
import { makeSpan, tracerFor, waitFor } from './support';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const PAY_TS = "import { trace } from '@opentelemetry/api';\n\nexport function pay(): void {\n  trace.getTracer('pay').startSpan('payments.authorize').end();\n}\n";

async function spawnServe(args: string[]): Promise<{ proc: ChildProcess; addr: { http: string; ui: string } }> {
  const proc = spawn(process.execPath, [CLI, 'serve', '--grpc-port', '0', '--http-port', '0', '--ui-port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return { proc, addr: JSON.parse(line) as { http: string; ui: string } };
}

/** node:http, so that a test can send another Host header (fetch will not). */
function call(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('otel-flow-map serve: traces and /mcp', function () {
  this.timeout(90_000);
  let serve: ChildProcess;
  let addr: { http: string; ui: string };
  let workspace: string;
  let traceId: string;
  const TOKEN = 'tr4ces';
  const auth = { authorization: `Bearer ${TOKEN}` };

  before(async () => {
    if (!existsSync(CLI)) throw new Error(`build first: ${CLI} is missing (node esbuild.mjs)`);
    workspace = mkdtempSync(join(tmpdir(), 'ofm-serve-traces-'));
    mkdirSync(join(workspace, 'src'));
    writeFileSync(join(workspace, 'src', 'pay.ts'), PAY_TS);
    writeFileSync(join(workspace, 'src', 'refund.ts'), '// no span is created here: code.* attributes point at it\n\nexport const refund = 1;\n');
    ({ proc: serve, addr } = await spawnServe(['--workspace', workspace, '--token', TOKEN, '--mcp']));
    const exporter = new OTLPTraceExporter({ url: `http://${addr.http}/v1/traces`, headers: auth });
    const { tracer, provider } = tracerFor('serve-pay', exporter);
    const root = makeSpan(tracer, { name: 'POST /pay', kind: SpanKind.SERVER });
    const authorize = tracer.startSpan('payments.authorize', {}, trace.setSpan(context.active(), root));
    authorize.recordException({ name: 'FraudSuspected', message: 'velocity limit hit' });
    authorize.setStatus({ code: 2, message: 'refused' });
    authorize.end();
    makeSpan(tracer, { name: 'refund.check', parent: root, attributes: { 'code.filepath': '/build/app/src/refund.ts', 'code.lineno': 3 } });
    await provider.shutdown();
    traceId = root.spanContext().traceId;
    // The workspace scan runs in the background: wait until the map's sites include pay.ts.
    await waitFor('the workspace sites', async () => {
      const res = await call(`${addr.ui}api/traces/${traceId}`, { headers: auth });
      return res.status === 200 && (JSON.parse(res.text) as TraceDetail).spans.some((s) => s.code?.source === 'static');
    }, 30_000);
  });

  after(() => {
    if (serve && serve.exitCode === null) serve.kill('SIGKILL');
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('GET /api/traces lists the failing trace of a service; GET /api/traces/{id} has the exception and code lines', async () => {
    const list = JSON.parse((await call(`${addr.ui}api/traces?service=serve-pay&status=error`, { headers: auth })).text) as TraceList;
    assert.deepEqual(list.traces.map((t) => [t.traceId, t.rootName, t.errorCount]), [[traceId, 'POST /pay', 1]]);
    const detail = JSON.parse((await call(`${addr.ui}api/traces/${traceId}`, { headers: auth })).text) as TraceDetail;
    const authorize = detail.spans.find((s) => s.name === 'payments.authorize')!;
    assert.equal(authorize.statusMessage, 'refused');
    assert.equal(authorize.events[0].attributes['exception.message'], 'velocity limit hit');
    assert.deepEqual(authorize.code, { file: 'src/pay.ts', line: 4, column: 3, source: 'static' });
    assert.deepEqual(detail.spans.find((s) => s.name === 'refund.check')!.code, { file: 'src/refund.ts', line: 3, source: 'runtime' });
    assert.equal(detail.spans.find((s) => s.name === 'POST /pay')!.code, undefined, 'no site and no code.* attributes: no link');
  });

  it('unknown and malformed ids, and the token, are checked', async () => {
    assert.equal((await call(`${addr.ui}api/traces/${'cd'.repeat(16)}`, { headers: auth })).status, 404);
    assert.equal((await call(`${addr.ui}api/traces/nope`, { headers: auth })).status, 400);
    assert.equal((await call(`${addr.ui}api/traces`)).status, 401);
  });

  it("the map's requestTraces and requestTrace answer from the same store", async () => {
    const post = async (m: object) => JSON.parse((await call(`${addr.ui}api/message`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(m) })).text) as ToWebview[];
    const [list] = await post({ type: 'requestTraces', requestId: 1, query: { service: 'serve-pay', order: 'errors' } });
    assert.ok(list.type === 'traces' && list.result.traces[0]?.traceId === traceId, JSON.stringify(list));
    const [one] = await post({ type: 'requestTrace', requestId: 2, traceId });
    assert.ok(one.type === 'trace' && one.trace?.spans.some((s) => s.events.some((e) => e.attributes['exception.type'] === 'FraudSuspected')), JSON.stringify(one));
  });

  it('/mcp answers the MCP tools with the token, and refuses without it or from another Host', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    assert.equal((await call(`${addr.ui}mcp`, { method: 'POST', headers, body })).status, 401);
    const port = new URL(addr.ui).port;
    assert.equal((await call(`${addr.ui}mcp`, { method: 'POST', headers: { ...headers, ...auth, host: `rebind.example:${port}` }, body })).status, 403);
    const client = new Client({ name: 'serve-mcp-test', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${addr.ui}mcp`), { requestInit: { headers: auth } }));
    try {
      const got = await client.callTool({ name: 'get_trace', arguments: { traceId } });
      const view = JSON.parse((got as { content: { text: string }[] }).content[0].text) as { spans: { name: string; code?: string; events?: { attributes: Record<string, string> }[] }[] };
      const authorize = view.spans.find((s) => s.name === 'payments.authorize')!;
      assert.equal(authorize.code, 'src/pay.ts:4');
      assert.equal(authorize.events?.[0].attributes['exception.message'], 'velocity limit hit');
    } finally {
      await client.close();
    }
  });

  it('without --mcp there is no /mcp', async () => {
    const plain = await spawnServe(['--workspace', workspace]);
    try {
      assert.equal((await call(`${plain.addr.ui}mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, 404);
    } finally {
      plain.proc.kill('SIGKILL');
    }
  });
});
