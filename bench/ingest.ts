// `npm run bench:ingest`: end-to-end OTLP ingest throughput of the receiver worker.
// A load generator in a separate process sends pre-encoded requests (500 spans x 15
// attributes) over HTTP protobuf and gRPC; this process hosts the worker like the language
// server does and watches its own event-loop lag. Compared with a decode-only baseline of the
// same requests in the same run. Needs a build (dist/telemetryWorker.js).

import * as grpc from '@grpc/grpc-js';
import { SpanKind } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { buildSync } from 'esbuild';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { DEFAULT_SETTINGS } from '../common/src/settings';
import { createTelemetryHost } from '../server/src/telemetry/host';
import { makeSpan, recordSpans } from '../test/receiver/support';

const SPANS_PER_REQUEST = 500;
const DISTINCT_REQUESTS = 16;
const CONCURRENCY = 4;
const PHASES = [
  { transport: 'http', spans: 1_000_000 },
  { transport: 'grpc', spans: 600_000 },
] as const;

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
function loadBundledDecoder(): typeof import('../server/src/telemetry/otlp/protoDecoder').decodeTraceRequestProto {
  const dir = mkdtempSync(join(tmpdir(), 'ofm-bench-'));
  const outfile = join(dir, 'decoder.js');
  buildSync({ entryPoints: [join(__dirname, '..', 'server', 'src', 'telemetry', 'otlp', 'protoDecoder.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'error' });
  const mod = require(outfile) as typeof import('../server/src/telemetry/otlp/protoDecoder');
  rmSync(dir, { recursive: true, force: true });
  return mod.decodeTraceRequestProto;
}

function decodeOnlyBaseline(requests: Buffer[]): number {
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
async function generate(transport: 'http' | 'grpc', address: string, totalSpans: number): Promise<void> {
  const requests = buildRequests();
  const total = Math.ceil(totalSpans / SPANS_PER_REQUEST);
  const latencies: number[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const client = transport === 'grpc' ? new grpc.Client(address, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': 64 * 1024 * 1024 }) : undefined;
  const send = (body: Buffer): Promise<void> =>
    transport === 'http'
      ? new Promise((resolve, reject) => {
          const [host, port] = address.split(':');
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
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const body = requests[next++ % requests.length];
        const s = performance.now();
        await send(body);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  client?.close();
  agent.destroy();
  process.send!({ spans: total * SPANS_PER_REQUEST, seconds, p99: quantile(latencies, 0.99), p50: quantile(latencies, 0.5) });
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
async function main(): Promise<void> {
  // The baseline runs in a child too, so this process's RSS is the host's alone.
  const baseline = (await child<{ rate: number }>(['baseline'])).rate;
  const host = createTelemetryHost({ workerPath: join(__dirname, '..', 'dist', 'telemetryWorker.js') });
  const status = await host.start({ ...DEFAULT_SETTINGS.receiver, grpcPort: 0, httpPort: 0, maxRequestBytes: 16 * 1024 * 1024 }, 'coordimap.flow.');
  if (status.state !== 'listening') throw new Error(JSON.stringify(status));
  console.log(`decode-only baseline: ${Math.round(baseline).toLocaleString('en-US')} spans/s (one core, same requests)`);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  const results: string[] = [];
  for (const phase of PHASES) {
    const address = phase.transport === 'http' ? status.http! : status.grpc!;
    lag.reset();
    lag.enable();
    const r = await child<{ spans: number; seconds: number; p99: number; p50: number }>(['generate', phase.transport, address, String(phase.spans)]);
    lag.disable();
    const rate = r.spans / r.seconds;
    results.push(
      `${phase.transport.padEnd(5)} ${Math.round(rate).toLocaleString('en-US').padStart(9)} spans/s  ratio to decode-only ${(rate / baseline).toFixed(2)}  ` +
        `Export p50 ${r.p50.toFixed(1)} ms p99 ${r.p99.toFixed(1)} ms  main-thread lag p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms`,
    );
    console.log(results[results.length - 1]);
  }
  const graph = await host.graph();
  console.log(`spans received by the worker: ${graph.stats.spansReceived.toLocaleString('en-US')} (dropped ${graph.stats.spansDropped}); edges ${graph.edges.length}, flows ${graph.flows.length}`);
  console.log(`RSS after ${(PHASES.reduce((n, p) => n + p.spans, 0) / 1e6).toFixed(1)}M spans: ${Math.round(process.memoryUsage().rss / 1024 / 1024)} MB`);
  await host.dispose();
}

if (process.argv[2] === 'generate') void generate(process.argv[3] as 'http' | 'grpc', process.argv[4], Number(process.argv[5])).then(() => process.exit(0));
else if (process.argv[2] === 'baseline') {
  process.send!({ rate: decodeOnlyBaseline(buildRequests()) });
  process.exit(0);
} else
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
