// `npm run bench:ingest`: end-to-end OTLP ingest throughput of the receiver worker.
// A load generator in a separate process sends pre-encoded requests (500 spans x 15
// attributes, encoded once by this process and shared through a file) over HTTP protobuf and
// gRPC; this process hosts the worker like the language server does and watches its own
// event-loop lag. Per transport, the same requests go first to a decode-only worker (same
// sockets and decoder, topology engine skipped: the baseline), then to the full one, in the
// same run. Then the delta bytes a map receives at 50k spans/s (bench/deltaBytes.ts; only that
// part: `npm run bench:ingest -- deltas`). Needs a build (dist/telemetryWorker.js, dist/cli.js).

import * as grpc from '@grpc/grpc-js';
import { SpanKind } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { buildSync } from 'esbuild';
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { DEFAULT_SETTINGS } from '../common/src/settings';
import { createTelemetryHost, type TelemetryHost } from '../server/src/telemetry/host';
import { topologyAttributeKeys } from '../server/src/telemetry/topology/classify';
import { makeSpan, recordSpans } from '../test/receiver/support';
import { deltaBytes } from './deltaBytes';

const SPANS_PER_REQUEST = 500;
const DISTINCT_REQUESTS = 16;
const CONCURRENCY = 4;
/** Requests sent before timing starts (JIT warm-up), in every phase alike. */
const WARMUP_REQUESTS = 40;
const TRANSPORTS = [
  { transport: 'http', baselineSpans: 400_000, spans: 1_000_000, target: 100_000 },
  { transport: 'grpc', baselineSpans: 300_000, spans: 600_000, target: 60_000 },
] as const;
const TARGETS = { ratio: 0.6, exportP99Ms: 100, lagP99Ms: 20, rssMb: 300 };

/** The requests as one file (length-prefixed), so every phase sends exactly the same bytes. */
function writeRequests(file: string, requests: Buffer[]): void {
  writeFileSync(file, Buffer.concat(requests.flatMap((r) => {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(r.length);
    return [len, r];
  })));
}

function readRequests(file: string): Buffer[] {
  const all = readFileSync(file);
  const out: Buffer[] = [];
  for (let pos = 0; pos < all.length; ) {
    const len = all.readUInt32LE(pos);
    out.push(all.subarray(pos + 4, pos + 4 + len));
    pos += 4 + len;
  }
  return out;
}

/** Realistic requests: a few services, HTTP server/client and db spans, 15 attributes each. */
function buildRequests(): Buffer[] {
  const out: Buffer[] = [];
  for (let r = 0; r < DISTINCT_REQUESTS; r++) {
    const service = `service-${r % 6}`;
    const spans = recordSpans(service, (tracer) => {
      for (let i = 0; i < SPANS_PER_REQUEST; i++) {
        const kind = [SpanKind.SERVER, SpanKind.CLIENT, SpanKind.INTERNAL][i % 3];
        const attributes: Record<string, string | number | boolean> = {
          'http.request.method': 'POST', 'url.path': `/api/orders/${i % 20}`, 'http.response.status_code': 200,
          'server.address': `service-${(r + 1) % 6}`, 'server.port': 8080, 'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64)',
          'coordimap.flow.name': 'checkout.place_order', 'coordimap.flow.step': `checkout.step_${i % 8}`, 'coordimap.flow.run_id': `run-${r}-${Math.floor(i / 8)}`,
          'entity.type': 'order', 'entity.id': String(1000 + i), 'code.file.path': '/srv/app/src/orders/service.ts', 'code.line.number': 40 + (i % 30),
          'net.transport': 'ip_tcp', 'thread.name': 'main',
        };
        if (i % 10 === 5) Object.assign(attributes, { 'db.system.name': 'postgresql', 'db.operation.name': 'SELECT' });
        makeSpan(tracer, { name: `orders.op_${i % 40}`, kind, attributes, error: i % 97 === 0, durationMs: 1 + (i % 50) });
      }
    });
    out.push(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!));
  }
  return out;
}

/** The decoder bundled exactly as in dist/telemetryWorker.js (tsx's module wrappers would slow it). */
function loadBundledDecoder(): (body: Buffer) => { spans: unknown[] } {
  const dir = mkdtempSync(join(tmpdir(), 'ofm-bench-'));
  const outfile = join(dir, 'decoder.js');
  buildSync({ entryPoints: [join(__dirname, '..', 'server', 'src', 'telemetry', 'otlp', 'protoDecoder.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'error' });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads the bundle esbuild just wrote, at a path known only now, synchronously like the receiver's own code
  const mod = require(outfile) as typeof import('../server/src/telemetry/otlp/protoDecoder');
  rmSync(dir, { recursive: true, force: true });
  // The receiver's own call: only the attributes the topology engine reads.
  const keep = topologyAttributeKeys('coordimap.flow.');
  return (body) => mod.decodeTraceRequestProto(body, keep);
}

/** The decoder alone on one core, for reference (not a target). */
function decoderAlone(requests: Buffer[]): number {
  const decodeTraceRequestProto = loadBundledDecoder();
  for (let i = 0; i < 40; i++) decodeTraceRequestProto(requests[i % requests.length]);
  const rounds = 300;
  const t0 = performance.now();
  let spans = 0;
  for (let i = 0; i < rounds; i++) spans += decodeTraceRequestProto(requests[i % requests.length]).spans.length;
  return spans / ((performance.now() - t0) / 1000);
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

// ---- load generator (child process) ----
interface PhaseResult {
  spans: number;
  seconds: number;
  p50: number;
  p99: number;
}

async function generate(transport: 'http' | 'grpc', address: string, totalSpans: number, file: string): Promise<void> {
  const requests = readRequests(file);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const client = transport === 'grpc' ? new grpc.Client(address, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': 64 * 1024 * 1024 }) : undefined;
  const [host, port] = address.split(':');
  const send = (body: Buffer): Promise<void> =>
    transport === 'http'
      ? new Promise((resolve, reject) => {
          const req = request({ host, port, path: '/v1/traces', method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } }, (res) => {
            res.resume();
            res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
          });
          req.on('error', reject);
          req.end(body);
        })
      : new Promise((resolve, reject) => {
          client!.makeUnaryRequest('/opentelemetry.proto.collector.trace.v1.TraceService/Export', (b: Buffer) => b, (b: Buffer) => b, body, (err) => (err ? reject(err) : resolve()));
        });
  const run = async (count: number, latencies?: number[]) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) {
          const body = requests[next++ % requests.length];
          const s = performance.now();
          await send(body);
          latencies?.push(performance.now() - s);
        }
      }),
    );
  };
  await run(WARMUP_REQUESTS);
  const total = Math.ceil(totalSpans / SPANS_PER_REQUEST);
  const latencies: number[] = [];
  const t0 = performance.now();
  await run(total, latencies);
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  client?.close();
  agent.destroy();
  const result: PhaseResult = { spans: total * SPANS_PER_REQUEST, seconds, p99: quantile(latencies, 0.99), p50: quantile(latencies, 0.5) };
  process.send!(result);
}

/** Runs a mode of this file in a child process and returns the message it posts. */
function child<T>(args: string[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const c = fork(__filename, args, { execArgv: process.execArgv });
    c.once('message', (m) => resolve(m as T));
    c.once('exit', (code) => code !== 0 && reject(new Error(`${args[0]} exited ${code}`)));
  });
}

// ---- host (this process: only the telemetry host, like the language server) ----
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const load = () => `load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

async function startHost(decodeOnly: boolean): Promise<{ host: TelemetryHost; http: string; grpc: string }> {
  const host = createTelemetryHost({ workerPath: join(__dirname, '..', 'dist', 'telemetryWorker.js'), tuning: { decodeOnly } });
  const status = await host.start({ ...DEFAULT_SETTINGS.receiver, grpcPort: 0, httpPort: 0, maxRequestBytes: 16 * 1024 * 1024 }, 'coordimap.flow.');
  if (status.state !== 'listening') throw new Error(JSON.stringify(status));
  return { host, http: status.http!, grpc: status.grpc! };
}

async function measure(address: string, transport: 'http' | 'grpc', spans: number, file: string): Promise<PhaseResult & { rate: number; lagP99: number }> {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const r = await child<PhaseResult>(['generate', transport, address, String(spans), file]);
  lag.disable();
  return { ...r, rate: r.spans / r.seconds, lagP99: lag.percentile(99) / 1e6 };
}

async function main(): Promise<void> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'ofm-ingest-'));
  const file = join(dir, 'requests.bin');
  writeRequests(file, buildRequests());
  console.log(`${DISTINCT_REQUESTS} distinct requests x ${SPANS_PER_REQUEST} spans, ${CONCURRENCY} in flight, ${WARMUP_REQUESTS} warm-up requests per phase; ${load()}`);
  const alone = (await child<{ rate: number }>(['decoder', file])).rate;
  console.log(`decoder alone (reference, one core): ${fmt(alone)} spans/s`);
  // Baselines first, in a worker of their own that is gone before the RSS figure is taken.
  const baseline = await startHost(true);
  const baseRates = new Map<string, number>();
  for (const t of TRANSPORTS) {
    const base = await measure(baseline[t.transport], t.transport, t.baselineSpans, file);
    baseRates.set(t.transport, base.rate);
    console.log(`${t.transport.padEnd(4)} decode-only baseline  ${fmt(base.rate).padStart(9)} spans/s  Export p99 ${base.p99.toFixed(1)} ms  (${load()})`);
  }
  await baseline.host.dispose();
  const full = await startHost(false);
  let ok = true;
  for (const t of TRANSPORTS) {
    const e2e = await measure(full[t.transport], t.transport, t.spans, file);
    const ratio = e2e.rate / baseRates.get(t.transport)!;
    const checks = [e2e.rate >= t.target, ratio >= TARGETS.ratio, e2e.p99 < TARGETS.exportP99Ms, e2e.lagP99 < TARGETS.lagP99Ms];
    ok &&= checks.every(Boolean);
    console.log(
      `${t.transport.padEnd(4)} end to end            ${fmt(e2e.rate).padStart(9)} spans/s  target >= ${fmt(t.target)} (${(e2e.rate / t.target).toFixed(2)}x) ${verdict(checks[0])}\n` +
        `     ratio to decode-only  ${ratio.toFixed(2)}  target >= ${TARGETS.ratio} ${verdict(checks[1])}\n` +
        `     Export p50 ${e2e.p50.toFixed(1)} ms, p99 ${e2e.p99.toFixed(1)} ms  target < ${TARGETS.exportP99Ms} ms (${(e2e.p99 / TARGETS.exportP99Ms).toFixed(2)}x) ${verdict(checks[2])}\n` +
        `     main-thread event-loop lag p99 ${e2e.lagP99.toFixed(1)} ms  target < ${TARGETS.lagP99Ms} ms (${(e2e.lagP99 / TARGETS.lagP99Ms).toFixed(2)}x) ${verdict(checks[3])}  (${load()})`,
    );
  }
  const graph = await full.host.graph();
  const expected = TRANSPORTS.reduce((n, t) => n + t.spans + WARMUP_REQUESTS * SPANS_PER_REQUEST, 0);
  console.log(`spans received by the full worker: ${fmt(graph.stats.spansReceived)} of ${fmt(expected)} sent (dropped ${graph.stats.spansDropped}); edges ${graph.edges.length}, flows ${graph.flows.length}`);
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  ok &&= rssMb < TARGETS.rssMb && graph.stats.spansReceived === expected;
  console.log(`RSS after ${(expected / 1e6).toFixed(2)}M spans: ${fmt(rssMb)} MB  target < ${TARGETS.rssMb} MB (${(rssMb / TARGETS.rssMb).toFixed(2)}x) ${verdict(rssMb < TARGETS.rssMb)}`);
  await full.host.dispose();
  rmSync(dir, { recursive: true, force: true });
  ok = (await deltaBytes()) && ok;
  console.log(`${ok ? 'all targets met' : 'some targets missed'}; bench took ${((performance.now() - started) / 1000).toFixed(0)} s; ${load()}`);
}

if (process.argv[2] === 'generate') void generate(process.argv[3] as 'http' | 'grpc', process.argv[4], Number(process.argv[5]), process.argv[6]).then(() => process.exit(0));
else if (process.argv[2] === 'decoder') {
  process.send!({ rate: decoderAlone(readRequests(process.argv[3])) });
  process.exit(0);
} else if (process.argv[2] === 'deltas') {
  console.log(load());
  void deltaBytes().then((ok) => {
    console.log(`${ok ? 'all targets met' : 'some targets missed'}; ${load()}`);
    process.exit(0);
  });
} else
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
