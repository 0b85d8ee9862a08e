// `serve --source prometheus=<url>` (issue 18): serve A takes real OTel SDK traffic, a real
// Prometheus scrapes A's /metrics, and serve B — no traffic of its own — draws its map from
// that Prometheus: the same nodes and edges (names, kinds, relations, counts, errors) as A,
// from our otel_flow_map_edge_* family; from the peers' traces_service_graph_* series the same
// service edges. An unreachable source is a 503 on /healthz naming it, not a crash.

import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Graph } from '../../common/src/graph';
import { failedSourceHealth, killAll, promQuery, requirePrometheus, startPrometheus, startServe } from './prometheusRunner';
import { freePort } from './runtimes';
import { makeSpan, waitFor } from './support';

describe('serve --source prometheus=… (real prometheus)', function () {
  this.timeout(120_000);
  const procs: ChildProcess[] = [];
  let dir: string;
  let a: { ui: string; http: string };
  let prom: string;

  before(async function () {
    const bin = requirePrometheus(this);
    if (!bin) return;
    dir = mkdtempSync(join(tmpdir(), 'ofm-promsrc-'));
    a = await startServe(procs, dir);
    prom = await startPrometheus(procs, bin, dir, [new URL(a.ui).host]);
  });

  after(() => {
    killAll(procs);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Root requests to web, web -> api calls, api -> postgres reads/writes, web publishes to kafka, worker consumes. */
  async function sendTraffic(n: number): Promise<void> {
    const tracerOf = (service: string) => {
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': service }),
        spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `http://${a.http}/v1/traces` }), { maxExportBatchSize: 512, maxQueueSize: 4096 })],
      });
      return { tracer: provider.getTracer('prom-source-test'), provider };
    };
    const web = tracerOf('src-web');
    const api = tracerOf('src-api');
    const worker = tracerOf('src-worker');
    for (let i = 1; i <= n; i++) {
      const start = Date.now() - 1_000;
      const root = makeSpan(web.tracer, { name: 'GET /', kind: SpanKind.SERVER, startMs: start, durationMs: 20 + i });
      const client = makeSpan(web.tracer, { name: 'GET /api', kind: SpanKind.CLIENT, parent: root, startMs: start + 1, durationMs: 10 + i, attributes: { 'server.address': 'api' } });
      const server = makeSpan(api.tracer, { name: 'GET /api', kind: SpanKind.SERVER, parent: client, startMs: start + 1, durationMs: 9 + i, error: i % 5 === 0 });
      const op = i % 2 ? 'SELECT' : 'INSERT';
      makeSpan(api.tracer, { name: `${op} orders`, kind: SpanKind.CLIENT, parent: server, startMs: start + 2, durationMs: 3, attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'orders', 'db.operation.name': op, 'server.address': 'pg' } });
      const pub = makeSpan(web.tracer, { name: 'orders publish', kind: SpanKind.PRODUCER, parent: root, startMs: start + 3, durationMs: 2, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders', 'messaging.operation.type': 'publish' } });
      makeSpan(worker.tracer, { name: 'orders process', kind: SpanKind.CONSUMER, parent: pub, startMs: start + 6, durationMs: 4, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders', 'messaging.operation.type': 'process' } });
    }
    await Promise.all([web.provider.shutdown(), api.provider.shutdown(), worker.provider.shutdown()]);
  }

  const graphOf = async (ui: string) => (await (await fetch(`${ui}api/graph`)).json()) as Graph;

  /** Edges by names and kinds (database and queue ids carry a system part the series do not). */
  function edgesOf(g: Graph, numbers = true): string[] {
    const byId = new Map(g.nodes.map((n) => [n.id, n] as const));
    const end = (id: string) => `${byId.get(id)?.kind}:${byId.get(id)?.name}`;
    return g.edges.map((e) => `${end(e.source)} -${e.relation}-> ${end(e.target)}${numbers ? ` ${e.count}/${e.errors}` : ''}`).sort();
  }
  const nodesOf = (g: Graph) => g.nodes.map((n) => `${n.kind}:${n.name}`).sort();

  it('B draws the same typed graph from Prometheus as A draws from its spans, and the peers\' service edges', async () => {
    await sendTraffic(40);
    // A's graph settled: every edge there, the pairing waits over.
    let local: Graph | undefined;
    await waitFor('A drew the traffic', async () => {
      local = await graphOf(a.ui);
      const e = edgesOf(local);
      return e.length >= 6 && e.some((x) => x.includes('-calls-> service:src-api 40/'));
    }, 30_000);
    const expected = edgesOf(local!);
    const total = local!.edges.reduce((s, e) => s + e.count, 0);
    await waitFor('Prometheus scraped all of it', async () => Number((await promQuery(prom, 'sum(otel_flow_map_edge_requests_total)'))[0]?.value[1] ?? 0) === total, 30_000);

    const b = await startServe(procs, dir, ['--source', `prometheus=${prom},refresh=1s`]);
    let remote: Graph | undefined;
    await waitFor('B shows the same graph', async () => {
      remote = await graphOf(b.ui);
      return JSON.stringify(edgesOf(remote)) === JSON.stringify(expected);
    }, 20_000).catch((err: Error) => {
      throw new Error(`${err.message}\nA: ${JSON.stringify(expected, null, 1)}\nB: ${JSON.stringify(remote && edgesOf(remote), null, 1)}`);
    });
    assert.deepEqual(nodesOf(remote!), nodesOf(local!));
    // Service and external ids are the local map's own.
    const serviceEdgeIds = (g: Graph) => g.edges.filter((e) => !/database:|queue:/.test(e.id)).map((e) => e.id).sort();
    assert.deepEqual(serviceEdgeIds(remote!), serviceEdgeIds(local!));
    const apiEdge = remote!.edges.find((e) => e.id === 'service:src-web|calls|service:src-api')!;
    assert.ok(apiEdge.p95Ms > 0 && apiEdge.p50Ms <= apiEdge.p95Ms && apiEdge.p95Ms <= apiEdge.p99Ms, JSON.stringify(apiEdge));
    const health = (await (await fetch(`${b.ui}healthz`)).json()) as { ok: boolean; sources: { state: string; family: string }[] };
    assert.equal(health.ok, true);
    assert.equal(health.sources[0].state, 'ok');
    assert.equal(health.sources[0].family, 'otel_flow_map_edge');

    // The same Prometheus read through the peers' series only: the service → service edges and counts agree.
    const c = await startServe(procs, dir, ['--source', `prometheus=${prom},series=peers,refresh=1s`]);
    const services = (g: Graph) => edgesOf(g).filter((e) => /^service:\S+ -calls-> service:/.test(e));
    let peers: Graph | undefined;
    await waitFor('C shows the peers\' service edges', async () => {
      peers = await graphOf(c.ui);
      return JSON.stringify(services(peers)) === JSON.stringify(services(local!));
    }, 20_000).catch((err: Error) => {
      throw new Error(`${err.message}\nA: ${JSON.stringify(services(local!))}\nC: ${JSON.stringify(peers && edgesOf(peers), null, 1)}`);
    });
    const peerEdges = edgesOf(peers!, false);
    assert.ok(peerEdges.includes('external:user -calls-> service:src-web'), peerEdges.join('\n'));
    assert.ok(peerEdges.includes('service:src-api -calls-> database:pg'), peerEdges.join('\n'));
    assert.ok(peerEdges.includes('service:src-web -publishes-> queue:src-web → src-worker'), peerEdges.join('\n'));
    assert.ok(peerEdges.includes('service:src-worker -consumes-> queue:src-web → src-worker'), peerEdges.join('\n'));
  });

  it('an unreachable Prometheus is a 503 on /healthz naming the source, and serve keeps running', async () => {
    const port = await freePort();
    const d = await startServe(procs, dir, ['--source', `prometheus=http://127.0.0.1:${port},refresh=1s`]);
    const body = await failedSourceHealth(d.ui);
    assert.match(body.reason!, new RegExp(`source prometheus=http://127.0.0.1:${port} failed: .*ECONNREFUSED`));
    assert.deepEqual((await graphOf(d.ui)).edges, []);
  });

  it('refuses a bad --source with a usage error', async () => {
    const bad = await startServe([], dir, ['--source', 'prometheus=ftp://x']).then(() => 'started', (e: Error) => e.message);
    assert.match(bad, /exited with 2/);
  });
});
