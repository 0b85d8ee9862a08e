// The live conformance test (issue 18) on the team stack from real engines: the demo's services
// and the real Go and Python SDK clients send to our receiver, which forwards every request to a real OpenTelemetry Collector
// (`receiver.forwardTo`); the Collector's span metrics go to a real Prometheus and its traces to a
// real Jaeger v2. Our receiver's numbers and the engines' agree: the same (service, span name,
// kind) counts and errors as the spanmetrics connector's series read through our prometheus
// source's query, and the same service → service edges and counts as Jaeger's dependency links —
// within 1%, with the deliberate differences of docs/contract.md §2g set aside. Then
// `serve --source jaeger=…` answers the trace list and a trace from that Jaeger, and an
// unreachable Jaeger is named on /healthz and in the trace answers while the map keeps working.

import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { CodeLens, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Graph } from '../../common/src/graph';
import type { TraceDetail, TraceList } from '../../common/src/traces';
import { DEFAULT_SETTINGS } from '../../common/src/settings';
import { createTelemetryHost, type TelemetryHost } from '../../server/src/telemetry/host';
import { jaegerDependencies, JAEGER_DEFAULTS } from '../../server/src/telemetry/sources/jaeger';
import { PROMETHEUS_DEFAULTS, queryPrometheus, readPrometheusGraph } from '../../server/src/telemetry/sources/prometheus';
import { TraceRequest, TracesRequest } from '../../common/src/lspMethods';
import { startServer, stopServer } from './lspServer';
import { failedSourceHealth, killAll, startServe } from './prometheusRunner';
import { BUILD_DIR, freePort } from './runtimes';
import { runClient } from './sdkClient';
import { receiverSettings, waitFor, WORKER_PATH } from './support';
import { requireTeamStack, startTeamStack, stopTeamStack, type TeamStack } from './teamStack';

interface DemoTraffic {
  readonly orders: number;
  stop(): Promise<void>;
}

/** The Go and Python SDK clients setup-test.sh builds (file, arguments, environment); locally a missing one is left out, under CI it fails. */
function sdkClients(): [string, string[], Record<string, string>][] {
  const out: [string, string[], Record<string, string>][] = [];
  const go = join(BUILD_DIR, 'go-otel', 'shop');
  const venv = join(BUILD_DIR, 'py-otel', 'bin');
  const missing: string[] = [];
  if (existsSync(go)) out.push([go, [], { OTEL_SERVICE_NAME: 'go-shop' }]);
  else missing.push(go);
  if (existsSync(join(venv, 'opentelemetry-instrument'))) out.push([join(venv, 'opentelemetry-instrument'), [join(venv, 'python'), join(__dirname, '..', 'clients', 'python', 'shop.py')], { OTEL_SERVICE_NAME: 'py-shop' }]);
  else missing.push(join(venv, 'opentelemetry-instrument'));
  if (missing.length && process.env.CI === 'true') throw new Error(`CI: ${missing.join(', ')} missing: run scripts/setup-test.sh`);
  for (const m of missing) console.log(`      without ${m} (run scripts/setup-test.sh)`);
  return out;
}

/** Counts within 1% of each other (and exactly equal below 100). */
function within1(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(0, Math.floor(Math.max(a, b) * 0.01));
}

describe('team stack: real Collector, Prometheus and Jaeger (conformance)', function () {
  this.timeout(240_000);
  const procs: ChildProcess[] = [];
  let dir: string;
  let stack: TeamStack | undefined;
  let host: TelemetryHost | undefined;
  let ours: Graph;

  before(async function () {
    this.timeout(120_000);
    if (!requireTeamStack(this)) return;
    dir = mkdtempSync(join(tmpdir(), 'ofm-team-'));
    stack = await startTeamStack(dir);
  });

  after(async () => {
    killAll(procs);
    await host?.dispose();
    if (stack) await stopTeamStack(dir);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('forwards what it receives to the Collector, and the engines count the same spans and service edges', async () => {
    // The receiver as shipped (pairing waits receiver.pairingTtlSeconds, not the suite's short
    // wait): the demo's services export in batches every 500 ms, so a call's two halves arrive apart.
    host = createTelemetryHost({ workerPath: WORKER_PATH, tuning: { deltaIntervalMs: 50 } });
    // On a loaded machine the worker's first heartbeat can come late: the host then fails that
    // start and starts the worker again by itself, so wait for it to listen.
    const h = host;
    await h.start(receiverSettings({ forwardTo: `${stack!.collectorHttp}/v1/traces` }), DEFAULT_SETTINGS.analysis.attributePrefix).catch(() => undefined);
    const status = await waitFor('our receiver listening', () => h.status().state === 'listening' && h.status(), 30_000);
    const started = { http: status.http! };
    // The demo's services (web, checkout, payments, inventory, notifications, billing) as `npm run demo` runs them.
    const { startTraffic } = (await import(pathToFileURL(join(__dirname, '..', '..', 'demo', 'services', 'traffic.mjs')).href)) as { startTraffic: (endpoint: string, o: { ordersPerSecond: number }) => DemoTraffic };
    const traffic = startTraffic(`http://${started.http}`, { ordersPerSecond: 25 });
    // Beside them, the real Go and Python SDK clients (their own HTTP server, database and queue spans).
    const sdk = await Promise.all(sdkClients().map(async ([file, args, env]) => {
      const run = await runClient(file, args, {
        ...env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://${started.http}`, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_TRACES_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none',
      });
      assert.equal(run.status, 0, `${env.OTEL_SERVICE_NAME} exited ${run.status}:\n${run.stderr}${run.stdout}`);
      return env.OTEL_SERVICE_NAME;
    }));
    await waitFor('200 demo orders', () => traffic.orders >= 200, 60_000);
    await traffic.stop();

    // Our side settled: every span received, the client/server pairing waits over.
    let spans = -1;
    let changedAt = Date.now();
    await waitFor('our receiver settled (no change for 1 s)', async () => {
      const g = await host!.graph();
      if (g.stats.spansReceived !== spans) changedAt = Date.now();
      spans = g.stats.spansReceived;
      ours = g;
      return Date.now() - changedAt > 1_000 && host!.live().names.size > 0;
    }, 30_000);
    assert.deepEqual(Object.keys(ours.stats.dropped).filter((k) => k.startsWith('forward')), [], `forwarding dropped: ${JSON.stringify(ours.stats.dropped)}`);

    // The Collector's side: every forwarded span counted by the spanmetrics connector and scraped.
    const prom = { ...PROMETHEUS_DEFAULTS, url: stack!.prometheus };
    const total = async () => (await queryPrometheus(prom, 'sum(traces_span_metrics_calls_total)')).samples[0]?.value ?? 0;
    let collectorSpans = 0;
    await waitFor(`Prometheus has the Collector's count of all ${spans} spans`, async () => (collectorSpans = await total()) >= spans, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}: it has ${collectorSpans}`);
    });
    assert.equal(collectorSpans, spans, 'the Collector counted every span our receiver forwarded, once');

    // Per (service, span name, kind): ours from the receiver, theirs from the connector's series.
    const kindOf = (k: string) => k.replace(/^SPAN_KIND_/, '').toLowerCase();
    const calls = await queryPrometheus(prom, 'sum by (service_name, span_name, span_kind) (traces_span_metrics_calls_total)');
    const failed = await queryPrometheus(prom, 'sum by (service_name, span_name, span_kind) (traces_span_metrics_calls_total{status_code="STATUS_CODE_ERROR"})');
    const theirs = new Map<string, { count: number; errors: number }>();
    for (const s of calls.samples) theirs.set(`${s.metric.service_name} | ${s.metric.span_name} | ${kindOf(s.metric.span_kind)}`, { count: s.value, errors: 0 });
    for (const s of failed.samples) {
      const t = theirs.get(`${s.metric.service_name} | ${s.metric.span_name} | ${kindOf(s.metric.span_kind)}`);
      if (t) t.errors = s.value;
    }
    const mine = new Map([...host.live().names.values()].map((n) => [`${n.service} | ${n.name} | ${n.kind}`, { count: n.count, errors: n.errors }] as const));
    for (const service of sdk) assert.ok([...mine.keys()].some((k) => k.startsWith(`${service} | `)), `${service}'s spans arrived`);
    assert.deepEqual([...mine.keys()].sort(), [...theirs.keys()].sort(), 'the same (service, span name, kind) triples');
    const nameDiffs = [...mine].filter(([k, m]) => !within1(m.count, theirs.get(k)!.count) || !within1(m.errors, theirs.get(k)!.errors));
    assert.deepEqual(nameDiffs.map(([k, m]) => `${k}: ours ${m.count}/${m.errors}, spanmetrics ${theirs.get(k)!.count}/${theirs.get(k)!.errors}`), []);

    // The map our prometheus source draws from that Prometheus (no edge series there: services only)
    // has our services with our span and error counts.
    const read = await readPrometheusGraph(prom);
    assert.equal(read.family, 'traces_span_metrics');
    const services = (g: Graph) => g.nodes.filter((n) => n.kind === 'service').map((n) => `${n.name} ${n.spanCount}/${n.errorCount}`).sort();
    assert.deepEqual(services(read.graph), services(ours));

    // Service → service calls: ours against Jaeger's dependency links. Queues are set aside (§2g):
    // the demo's consumers link to the producer's span instead of being its children, so Jaeger
    // has no producer → consumer link while the map draws both through the queue.
    const jaeger = { ...JAEGER_DEFAULTS, url: stack!.jaeger };
    const byId = new Map(ours.nodes.map((n) => [n.id, n] as const));
    const ourPairs = new Map<string, number>();
    const add = (k: string, n: number) => ourPairs.set(k, (ourPairs.get(k) ?? 0) + n);
    for (const e of ours.edges) {
      const [s, t] = [byId.get(e.source)!, byId.get(e.target)!];
      if (e.relation === 'calls' && s.kind === 'service' && t.kind === 'service') add(`${s.name} -> ${t.name}`, e.count);
    }
    let jaegerPairs = new Map<string, number>();
    await waitFor('Jaeger holds every trace (its links add up to ours)', async () => {
      const links = await jaegerDependencies(jaeger, 3_600_000);
      jaegerPairs = new Map(links.filter((l) => l.parent !== l.child).map((l) => [`${l.parent} -> ${l.child}`, l.callCount] as const));
      return [...ourPairs].every(([k, n]) => within1(n, jaegerPairs.get(k) ?? 0));
    }, 60_000).catch(() => undefined);
    const edgeDiffs = [...new Set([...ourPairs.keys(), ...jaegerPairs.keys()])].sort().filter((k) => !within1(ourPairs.get(k) ?? 0, jaegerPairs.get(k) ?? 0));
    const largest = Math.max(...[...mine].map(([k, m]) => Math.abs(m.count - theirs.get(k)!.count) + Math.abs(m.errors - theirs.get(k)!.errors)));
    console.log(`      conformance: ${spans} spans (Collector ${collectorSpans}), ${mine.size} (service, name, kind) triples (largest count or error difference ${largest}), ${ourPairs.size} service edges ours / ${jaegerPairs.size} Jaeger`);
    for (const [k, n] of [...ourPairs].sort()) console.log(`        ${k}: ours ${n}, jaeger ${jaegerPairs.get(k) ?? 0}`);
    if (edgeDiffs.length) console.log(`      our edges:\n${ours.edges.map((e) => `        ${e.id} ${e.count}/${e.errors}`).join('\n')}`);
    assert.deepEqual(edgeDiffs.map((k) => `${k}: ours ${ourPairs.get(k) ?? 0}, jaeger ${jaegerPairs.get(k) ?? 0}`), []);
  });

  it('serve --source jaeger=… answers the trace list and a whole trace from Jaeger', async () => {
    assert.ok(host, 'the first test ran');
    // Its workspace is the demo's: the spans read from Jaeger link to the demo services' lines.
    const serve = await startServe(procs, join(__dirname, '..', '..', 'demo'), ['--source', `jaeger=${stack!.jaeger},refresh=1s`]);
    const list = (await (await fetch(`${serve.ui}api/traces?service=web&limit=5`)).json()) as TraceList;
    assert.equal(list.source, 'jaeger');
    assert.equal(list.traces.length, 5, JSON.stringify(list));
    for (const t of list.traces) assert.ok(t.spanCount > 1 && t.durationMs > 0, JSON.stringify(t));
    const newest = list.traces[0];
    const detail = (await (await fetch(`${serve.ui}api/traces/${newest.traceId}`)).json()) as TraceDetail;
    assert.equal(detail.traceId, newest.traceId);
    assert.equal(detail.spans.length, newest.spanCount);
    // The same spans our receiver holds for that trace (its root's service keeps them), with their names, services and parents.
    const local = (await host.spans({ service: 'web', limit: 10_000 })).filter((s) => s.traceId === newest.traceId);
    assert.ok(local.length > 0, 'our receiver still holds that trace');
    const ids = new Set(detail.spans.map((s) => s.spanId));
    for (const s of local) assert.ok(ids.has(s.spanId), `span ${s.name} of ${s.service} is in Jaeger's trace`);
    assert.equal(detail.spans.filter((s) => s.parentSpanId && !ids.has(s.parentSpanId)).length, 0, 'every parent is in the trace');
    const linked = detail.spans.filter((s) => s.code);
    assert.ok(linked.length > 0 && linked.every((s) => s.code!.file.startsWith('services/') && s.code!.line > 0), JSON.stringify(linked.map((s) => s.code)));
    const errors = (await (await fetch(`${serve.ui}api/traces?status=error&limit=3`)).json()) as TraceList;
    for (const t of errors.traces) assert.ok(t.errorCount > 0, JSON.stringify(t));
    assert.equal((await fetch(`${serve.ui}api/traces/${'0'.repeat(31)}1`)).status, 404);
    const health = (await (await fetch(`${serve.ui}healthz`)).json()) as { ok: boolean; sources: { source: string; state: string }[] };
    assert.deepEqual(health.sources.map((s) => [s.source, s.state]), [[`jaeger=${stack!.jaeger}`, 'ok']]);
  });

  it('the editor setting otelFlowMap.sources: the language server answers the trace requests from Jaeger, with code lines', async () => {
    assert.ok(host, 'the first test ran');
    const storage = mkdtempSync(join(dir, 'lsp-'));
    const s = await startServer({ grpcPort: 0, httpPort: 0 }, storage, join(__dirname, '..', '..', 'demo'), { sources: [`jaeger=${stack!.jaeger},refresh=1s`] });
    try {
      await waitFor('listening status', () => s.statuses.find((x) => x.state === 'listening'));
      const list = await s.conn.sendRequest<TraceList>(TracesRequest.method, { service: 'checkout', limit: 3 });
      assert.equal(list.source, 'jaeger');
      assert.equal(list.traces.length, 3, JSON.stringify(list));
      const detail = await s.conn.sendRequest<TraceDetail>(TraceRequest.method, { traceId: list.traces[0].traceId });
      assert.equal(detail.spans.length, list.traces[0].spanCount);
      assert.ok(detail.spans.some((x) => x.code?.file.startsWith('services/')), JSON.stringify(detail.spans.map((x) => x.code)));
    } finally {
      await stopServer(s);
    }
  });

  it('otelFlowMap.sources with the team Prometheus: CodeLens and hover show the span metrics\' numbers', async () => {
    assert.ok(host, 'the first test ran');
    const demo = join(__dirname, '..', '..', 'demo');
    const s = await startServer({ grpcPort: 0, httpPort: 0 }, mkdtempSync(join(dir, 'lsp-')), demo, { sources: [`prometheus=${stack!.prometheus},refresh=1s`] });
    try {
      await waitFor('listening status', () => s.statuses.find((x) => x.state === 'listening'));
      const file = join(demo, 'services', 'checkout.mjs');
      const lines = readFileSync(file, 'utf8').split('\n');
      const line = lines.findIndex((l) => l.includes("startSpan('POST /checkout'"));
      const position = { line, character: lines[line].indexOf("'POST /checkout'") + 2 };
      const textDocument = { uri: pathToFileURL(file).href };
      // Our receiver's count of the same spans: the Collector's series counted them too.
      const ours = [...host.live().names.values()].find((n) => n.service === 'checkout' && n.name === 'POST /checkout' && n.kind === 'server')!;
      const hover = await waitFor('a hover with the span metrics\' totals', async () => {
        const h = await s.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument, position });
        const text = (h?.contents as MarkupContent | undefined)?.value ?? '';
        return text.includes('Since start') && text;
      }, 30_000);
      assert.match(hover, new RegExp(`Since start: ${ours.count.toLocaleString('en-US')} spans · ${ours.errors === 0 ? '0' : '\\d'}`), hover);
      const lenses = await s.conn.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument });
      const title = lenses.find((l) => l.range.start.line === line && l.command?.command === 'otelFlowMap.showInMap')?.command?.title ?? '';
      assert.match(title, /^\d[\d,]* spans in 1m · |since start/, title);
    } finally {
      await stopServer(s);
    }
  });

  it('an unreachable Jaeger is named on /healthz and in the trace answers, retries back off; the map keeps working', async () => {
    const port = await freePort();
    const serve = await startServe(procs, dir, ['--source', `jaeger=http://127.0.0.1:${port},refresh=1s`]);
    const body = await failedSourceHealth(serve.ui);
    assert.match(body.reason!, new RegExp(`source jaeger=http://127.0.0.1:${port} failed: .*ECONNREFUSED`));
    const res = await fetch(`${serve.ui}api/traces`);
    assert.equal(res.status, 502);
    assert.match(((await res.json()) as { error: string }).error, new RegExp(`jaeger=http://127.0.0.1:${port}`));
    assert.equal((await fetch(`${serve.ui}api/graph`)).status, 200);
    // Each failure doubles the wait before the next try (refresh=1s × 2ⁿ⁻¹).
    const later = await waitFor('a third failure', async () => {
      const h = await failedSourceHealth(serve.ui);
      return h.sources![0].failures >= 3 && h.sources![0];
    }, 20_000);
    assert.equal(later.nextReadInMs, 1_000 * 2 ** (later.failures - 1));
  });
});
