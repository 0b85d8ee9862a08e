// /metrics scraped by a real Prometheus (Debian's `prometheus`): the peers' PromQL works on
// our series — rate() per edge, and histogram_quantile() of the server-side histogram within
// one bucket of the map's own p95 (contract.md §7).

import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Graph } from '../../common/src/graph';
import { SERVICE_GRAPH_BUCKETS } from '../../server/src/telemetry/metrics/serviceGraphSeries';
import { killAll, promQuery, requirePrometheus, startPrometheus, startServe, type PromVector } from './prometheusRunner';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { makeSpan, waitFor } from './support';

describe('Prometheus scrapes /metrics (real prometheus)', function () {
  this.timeout(90_000);
  const procs: ChildProcess[] = [];
  let dir: string;
  let ui: string;
  let http: string;
  let prom: string;

  before(async function () {
    const bin = requirePrometheus(this);
    if (!bin) return;
    dir = mkdtempSync(join(tmpdir(), 'ofm-prom-'));
    ({ ui, http } = await startServe(procs, dir));
    prom = await startPrometheus(procs, bin, dir, [new URL(ui).host]);
  });

  after(() => {
    killAll(procs);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const query = (q: string): Promise<PromVector[]> => promQuery(prom, q);

  /** `n` web -> api calls (CLIENT + SERVER of one duration each, 3..3n ms) and as many root requests to web. */
  async function sendBatch(n: number): Promise<void> {
    // Batched as SDKs are set up for real: one export per span would hit the exporter's concurrency limit.
    const tracerOf = (service: string) => {
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': service }),
        spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `http://${http}/v1/traces` }), { maxExportBatchSize: 512, maxQueueSize: 4096 })],
      });
      return { tracer: provider.getTracer('prom-test'), provider };
    };
    const web = tracerOf('prom-web');
    const api = tracerOf('prom-api');
    for (let i = 1; i <= n; i++) {
      const durationMs = 3 * i;
      const start = Date.now() - 1_000;
      const root = makeSpan(web.tracer, { name: 'GET /', kind: SpanKind.SERVER, startMs: start, durationMs: durationMs + 2 });
      const client = makeSpan(web.tracer, { name: 'GET /api', kind: SpanKind.CLIENT, parent: root, startMs: start + 1, durationMs, attributes: { 'server.address': 'api' } });
      makeSpan(api.tracer, { name: 'GET /api', kind: SpanKind.SERVER, parent: client, startMs: start + 1, durationMs, error: i % 10 === 0 });
    }
    await Promise.all([web.provider.shutdown(), api.provider.shutdown()]);
  }

  it('answers rate() per edge and histogram_quantile() within one bucket of our p95', async () => {
    await sendBatch(100);
    const total = 'traces_service_graph_request_total{client="prom-web",server="prom-api",connection_type=""}';
    await waitFor('the first batch scraped', async () => (await query(total)).some((r) => r.value[1] === '100'), 30_000).catch(async (err: Error) => {
      const targets = await (await fetch(`${prom}/api/v1/targets`)).text();
      const metrics = await (await fetch(`${ui}metrics`)).text();
      throw new Error(`${err.message}\ntargets: ${targets.slice(0, 600)}\nmetrics: ${metrics.slice(0, 1500)}`);
    });
    // A second batch after a scrape, so rate() has an increase to see.
    await sendBatch(100);
    await waitFor('the second batch scraped', async () => (await query(total)).some((r) => r.value[1] === '200'), 30_000);

    const rates = await query('sum by (client, server, connection_type) (rate(traces_service_graph_request_total[1m]))');
    // Prometheus stores an empty label as no label: connection_type="" comes back absent.
    const edges = rates.map((r) => `${r.metric.client}->${r.metric.server}:${r.metric.connection_type ?? ''}`).sort();
    assert.deepEqual(edges, ['prom-web->prom-api:', 'user->prom-web:virtual_node']);
    for (const r of rates) assert.ok(Number(r.value[1]) > 0, `rate of ${JSON.stringify(r.metric)}`);
    const failed = await query('sum(traces_service_graph_request_failed_total{server="prom-api"})');
    assert.equal(failed[0].value[1], '20');

    const graph = (await (await fetch(`${ui}api/graph`)).json()) as Graph;
    const edge = graph.edges.find((e) => e.id === 'service:prom-web|calls|service:prom-api')!;
    assert.equal(edge.count, 200);
    const p95 = await query('histogram_quantile(0.95, sum by (le, client, server) (rate(traces_service_graph_request_server_seconds_bucket{server="prom-api"}[1m])))');
    const promP95 = Number(p95[0].value[1]);
    const bucket = (s: number) => SERVICE_GRAPH_BUCKETS.findIndex((b) => s <= b);
    assert.ok(Math.abs(bucket(promP95) - bucket(edge.p95Ms / 1000)) <= 1, `Prometheus p95 ${promP95}s vs ours ${edge.p95Ms}ms`);

    const ours = await query('sum by (source, target, relation) (otel_flow_map_edge_requests_total)');
    assert.ok(ours.some((r) => r.metric.source === 'prom-web' && r.metric.target === 'prom-api' && r.metric.relation === 'calls' && r.value[1] === '200'));
    const received = await query('otel_flow_map_spans_received_total');
    assert.ok(Number(received[0].value[1]) >= 600);
  });
});
