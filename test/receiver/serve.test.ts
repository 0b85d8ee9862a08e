// `otel-flow-map serve` end to end: spawn the built CLI on free ports, read its JSON line,
// send spans with the real SDK exporter, and use the page, SSE, message and API endpoints.

import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Graph } from '../../common/src/graph';
import type { ToWebview } from '../../common/src/protocol';
import { makeSpan, tracerFor, waitFor } from './support';
import { readEvents } from '../support/sse';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

async function spawnServe(extra: string[] = []): Promise<{ proc: ChildProcess; addr: { grpc: string; http: string; ui: string }; stdoutLines: string[] }> {
  const proc = spawn(process.execPath, [CLI, 'serve', '--grpc-port', '0', '--http-port', '0', '--ui-port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stdoutLines: string[] = [];
  const rl = createInterface({ input: proc.stdout });
  const first = new Promise<string>((resolve, reject) => {
    rl.on('line', (l) => {
      stdoutLines.push(l);
      if (stdoutLines.length === 1) resolve(l);
    });
    proc.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return { proc, addr: JSON.parse(await first) as { grpc: string; http: string; ui: string }, stdoutLines };
}


describe('otel-flow-map serve (end to end)', function () {
  let proc: ChildProcess;
  let addr: { grpc: string; http: string; ui: string };
  let stdoutLines: string[];

  before(async function () {
    if (!existsSync(CLI)) this.skip();
    ({ proc, addr, stdoutLines } = await spawnServe());
  });
  after(() => {
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
  });

  it('prints exactly one JSON line with loopback addresses', () => {
    assert.match(addr.grpc, /^127\.0\.0\.1:\d+$/);
    assert.match(addr.http, /^127\.0\.0\.1:\d+$/);
    assert.match(addr.ui, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(stdoutLines.length, 1);
  });

  it('serves the page with a strict CSP and the browser host marker', async () => {
    const res = await fetch(addr.ui);
    const csp = res.headers.get('content-security-policy')!;
    assert.match(csp, /default-src 'none'/);
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    const html = await res.text();
    assert.ok(html.includes(`<script nonce="${nonce}" src="/webview.js"></script>`));
    assert.ok(html.includes('<body data-host="browser">'));
    const js = await fetch(`${addr.ui}webview.js`);
    assert.equal(js.status, existsSync(join(__dirname, '..', '..', 'dist', 'webview.js')) ? 200 : 404);
    assert.equal((await fetch(`${addr.ui}../../etc/passwd`)).status, 404);
    const rebinding = await new Promise<number>((resolve, reject) => {
      const u = new URL(addr.ui);
      request({ host: u.hostname, port: u.port, path: '/', headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject).end();
    });
    assert.equal(rebinding, 403, 'DNS-rebinding guard');
  });

  it('streams init then deltas over SSE as spans arrive from the SDK, and answers the API', async () => {
    const abort = new AbortController();
    const events = readEvents(`${addr.ui}api/events`, (m) => m.some((x) => x.type === 'delta' && x.delta.nodes.some((n) => n.name === 'e2e-shop')), { signal: abort.signal });
    const { tracer, provider } = tracerFor('e2e-shop', new OTLPTraceExporter({ url: `http://${addr.http}/v1/traces` }));
    makeSpan(tracer, { name: 'load cart', kind: SpanKind.CLIENT, error: true, attributes: { 'db.system': 'redis', 'db.operation': 'get' } });
    makeSpan(tracer, { name: 'checkout.step', attributes: { 'coordimap.flow.name': 'shop.checkout', 'coordimap.flow.step': 'shop.pay' } });
    await provider.shutdown();

    const graph = await waitFor('service in /api/graph', async () => {
      const g = (await (await fetch(`${addr.ui}api/graph`)).json()) as Graph;
      return g.nodes.some((n) => n.name === 'e2e-shop') && g.edges.length > 0 ? g : undefined;
    }, 20_000); // the db CLIENT span waits serve's default 10 s for a server half first (contract §2e)
    const edge = graph.edges.find((e) => e.source === 'service:e2e-shop')!;
    for (const k of ['source', 'target', 'relation', 'count', 'errors', 'p50Ms', 'p95Ms', 'p99Ms', 'firstSeen', 'lastSeen']) assert.ok(k in edge, k);
    assert.equal(graph.flows[0].steps[0].name, 'shop.pay');
    assert.ok(graph.stats.spansReceived >= 2);

    const msgs = await events;
    abort.abort();
    assert.equal(msgs[0].type, 'init');
    assert.equal(msgs[0].type === 'init' && msgs[0].host, 'browser');

    const spans = (await (await fetch(`${addr.ui}api/spans?service=e2e-shop&name=load%20cart&limit=5`)).json()) as { name: string }[];
    assert.deepEqual(spans.map((s) => s.name), ['load cart']);

    const metrics = await (await fetch(`${addr.ui}metrics`)).text();
    assert.match(metrics, /^traces_service_graph_request_total\{client="e2e-shop",server="redis",connection_type="database"\} 1$/m);
    assert.match(metrics, /^traces_service_graph_request_failed_total\{client="e2e-shop",server="redis",connection_type="database"\} 1$/m);
    assert.match(metrics, /^otel_flow_map_edge_failed_total\{source="e2e-shop",source_kind="service",target="redis",target_kind="database",relation="reads"\} 1$/m);

    const diff = (await (await fetch(`${addr.ui}api/diff?since=0`)).json()) as { addedEdges: string[] };
    assert.ok(diff.addedEdges.includes(edge.id));
    assert.equal((await fetch(`${addr.ui}api/diff`)).status, 400);
    const health = (await (await fetch(`${addr.ui}healthz`)).json()) as { receiver: { state: string } };
    assert.equal(health.receiver.state, 'listening');
  });

  it('POST /api/message answers FromWebview messages and rejects anything else', async () => {
    const post = (body: string) => fetch(`${addr.ui}api/message`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const spans = await post(JSON.stringify({ type: 'requestSpans', requestId: 7, query: { service: 'e2e-shop' } }));
    const [answer] = (await spans.json()) as ToWebview[];
    assert.equal(answer.type, 'spans');
    assert.equal(answer.type === 'spans' && answer.requestId, 7);
    assert.deepEqual(await (await post(JSON.stringify({ type: 'openLocation', location: { file: 'a.ts', line: 1 } }))).json(), []);
    assert.equal((await post('{"type":"evil"}')).status, 400);
    assert.equal((await post('not json')).status, 400);
    assert.equal((await post(JSON.stringify({ type: 'ready', pad: 'x'.repeat(100_000) }))).status, 400);
  });

  it('exits cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    proc.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  it('--data-dir on a file exits 2 at once with a clear message', async () => {
    const proc = spawn(process.execPath, [CLI, 'serve', '--ui-port', '0', '--data-dir', CLI], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const started = Date.now();
    const code = await new Promise<number | null>((r) => proc.once('exit', r));
    assert.equal(code, 2);
    assert.ok(Date.now() - started < 5_000);
    assert.match(stderr, /--data-dir .* is not a folder/);
  });

  it('requires the token when one is given, and accepts it once via ?token=', async () => {
    const s = await spawnServe(['--token', 'tok']);
    try {
      assert.equal((await fetch(`${s.addr.ui}api/graph`)).status, 401);
      assert.equal((await fetch(`${s.addr.ui}api/graph`, { headers: { authorization: 'Bearer tok' } })).status, 200);
      const page = await fetch(`${s.addr.ui}?token=tok`);
      assert.equal(page.status, 200);
      const cookie = page.headers.get('set-cookie')!.split(';')[0];
      assert.equal((await fetch(`${s.addr.ui}api/graph`, { headers: { cookie } })).status, 200);
      const otlp = await fetch(`http://${s.addr.http}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.equal(otlp.status, 401, 'the receiver requires the token too');
      // Decoded once: a token with escapes that decode twice to nonsense is a wrong token, not a 500.
      for (const q of ['%25', '%25E0%25A4%25A', '%2574ok']) assert.equal((await fetch(`${s.addr.ui}api/graph?token=${q}`)).status, 401, q);
      assert.equal((await fetch(`${s.addr.ui}api/graph`, { headers: { cookie: 'ofm_token=%E0%A4%A' } })).status, 401);
    } finally {
      s.proc.kill('SIGTERM');
    }
  });
});
