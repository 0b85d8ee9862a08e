// `npm run soak`: hostile load against the built `serve` CLI, bounded in time (about 80 s),
// printing its RSS over time, spans dropped and details collapsed by reason, and worker restarts.
// Phases: (1) the probe — 600k spans each with a new service.name over HTTP/JSON, then the time
// /api/graph takes; (2) 20 map clients (SSE) that never read while spans keep coming; (3) the
// worker killed from inside (a test hook only `serve --debug-hooks` enables) and restarted.
// Needs a build (dist/cli.js). Exit code 1 when a target is missed.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const PROBE_SPANS = 600_000;
const SPANS_PER_REQUEST = 1_000;
const CONCURRENCY = 4;
const SLOW_CLIENTS = 20;
const SLOW_PHASE_MS = 20_000;
const TARGETS = { rssMb: 512, graphMs: 1_000, slowClientsAddMb: 100 };

interface Addr { grpc: string; http: string; ui: string }

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

async function startServe(dataDir: string): Promise<{ proc: ChildProcess; addr: Addr }> {
  const proc = spawn(process.execPath, [CLI, 'serve', '--grpc-port', '0', '--http-port', '0', '--ui-port', '0', '--data-dir', dataDir, '--workspace', dataDir, '--snapshot-interval', '2', '--debug-hooks'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return { proc, addr: JSON.parse(line) as Addr };
}

/** One OTLP/JSON request whose every span comes from a service never seen before. */
function newServicesBody(first: number, n: number): Buffer {
  const now = BigInt(Date.now()) * 1_000_000n;
  const resourceSpans = [];
  for (let i = first; i < first + n; i++) {
    const id = i.toString(16).padStart(16, '0');
    resourceSpans.push({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: `probe-service-${i}` } }] },
      scopeSpans: [{ scope: { name: 'probe' }, spans: [{
        traceId: id.padStart(32, '0'), spanId: id, name: `GET /item/${i}`, kind: 2,
        startTimeUnixNano: String(now), endTimeUnixNano: String(now + 5_000_000n),
      }] }],
    });
  }
  return Buffer.from(JSON.stringify({ resourceSpans }));
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(http: string, body: Buffer): Promise<number> {
  const [host, port] = splitHost(http);
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/v1/traces', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function splitHost(hostPort: string): [string, number] {
  const i = hostPort.lastIndexOf(':');
  return [hostPort.slice(0, i).replace(/^\[|\]$/g, ''), Number(hostPort.slice(i + 1))];
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown>; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(url);
  const body = (await res.json()) as Record<string, unknown>;
  return { status: res.status, body, ms: Math.round(performance.now() - t0) };
}

/** Sends `total` new-service spans, CONCURRENCY requests at a time; returns HTTP statuses seen. */
async function sendNewServices(http: string, total: number, offset: number, until = () => false): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  let next = 0;
  const lane = async () => {
    while (next < total && !until()) {
      const first = next;
      next += SPANS_PER_REQUEST;
      const status = await post(http, newServicesBody(offset + first, Math.min(SPANS_PER_REQUEST, total - first))).catch(() => 0);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return statuses;
}

/** Opens an SSE stream and never reads from it (a suspended laptop's tab). */
function stuckClient(ui: string): Promise<Socket> {
  const url = new URL(ui);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(`GET /api/events HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
      socket.pause();
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

function printCounters(label: string, health: Record<string, unknown>): void {
  const h = health as { spansReceived?: number; dropped?: object; collapsed?: object; refused?: object; workerRestarts?: number };
  console.log(`${label}: received ${h.spansReceived}; spans dropped ${JSON.stringify(h.dropped)}; details collapsed ${JSON.stringify(h.collapsed)}; requests refused ${JSON.stringify(h.refused)}; worker restarts ${h.workerRestarts ?? 0}`);
}

async function main(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ofm-soak-'));
  const { proc, addr } = await startServe(dataDir);
  const pid = proc.pid!;
  const started = Date.now();
  const samples: string[] = [];
  let peak = 0;
  const sampler = setInterval(() => {
    const mb = rssMb(pid);
    peak = Math.max(peak, mb);
    samples.push(`${Math.round((Date.now() - started) / 1000)}s ${mb} MB`);
  }, 1000);
  const failures: string[] = [];
  try {
    // (1) the probe
    const t0 = Date.now();
    const statuses = await sendNewServices(addr.http, PROBE_SPANS, 0);
    const graph = await getJson(`${addr.ui}api/graph`);
    // /healthz reads the main thread's copy, a delta behind the worker: wait until it has all.
    let health = (await getJson(`${addr.ui}healthz`)).body;
    for (const until = Date.now() + 10_000; Number(health.spansReceived) < PROBE_SPANS && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 100));
      health = (await getJson(`${addr.ui}healthz`)).body;
    }
    const probePeak = peak;
    console.log(`probe: ${PROBE_SPANS} spans with new service names in ${Date.now() - t0} ms, HTTP statuses ${JSON.stringify(statuses)}`);
    console.log(`probe: peak RSS ${probePeak} MB, /api/graph ${graph.ms} ms (${(graph.body.nodes as unknown[]).length} nodes)`);
    printCounters('probe', health);
    if (probePeak >= TARGETS.rssMb) failures.push(`probe RSS ${probePeak} MB >= ${TARGETS.rssMb} MB`);
    if (graph.ms >= TARGETS.graphMs) failures.push(`/api/graph ${graph.ms} ms >= ${TARGETS.graphMs} ms`);

    // (2) stuck map clients under load
    const before = rssMb(pid);
    const clients = await Promise.all(Array.from({ length: SLOW_CLIENTS }, () => stuckClient(addr.ui)));
    const end = Date.now() + SLOW_PHASE_MS;
    let slowPeak = before;
    const slowSampler = setInterval(() => (slowPeak = Math.max(slowPeak, rssMb(pid))), 250);
    await sendNewServices(addr.http, Number.MAX_SAFE_INTEGER, PROBE_SPANS, () => Date.now() > end);
    clearInterval(slowSampler);
    const open = clients.filter((c) => !c.destroyed && c.readyState === 'open').length;
    for (const c of clients) c.destroy();
    console.log(`stuck clients: ${SLOW_CLIENTS} SSE clients never reading for ${SLOW_PHASE_MS / 1000} s under load: RSS ${before} -> peak ${slowPeak} MB (+${slowPeak - before} MB), ${open} still open`);
    if (slowPeak - before >= TARGETS.slowClientsAddMb) failures.push(`stuck clients added ${slowPeak - before} MB`);

    // (3) worker crash and restart
    const crash = await fetch(`${addr.ui}api/debug/crash-worker`, { method: 'POST' });
    const down = Date.now();
    let sawUnhealthy = false;
    for (;;) {
      const h = await getJson(`${addr.ui}healthz`).catch(() => undefined);
      if (h && h.status === 503) sawUnhealthy = true;
      if (h && h.status === 200 && Number(h.body.workerRestarts) > 0) break;
      if (Date.now() - down > 15_000) {
        failures.push('worker not restarted within 15 s');
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`worker crash (hook answered ${crash.status}): ${sawUnhealthy ? '/healthz 503 seen, ' : ''}healthy again after ${Date.now() - down} ms`);
    const restored = await getJson(`${addr.ui}api/graph`);
    console.log(`after the restart: ${(restored.body.nodes as unknown[]).length} nodes restored from the last snapshot`);
    let final = (await getJson(`${addr.ui}healthz`)).body;
    for (const until = Date.now() + 3_000; Number(final.spansReceived) === 0 && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 100));
      final = (await getJson(`${addr.ui}healthz`)).body;
    }
    printCounters('end (restored counters)', final);
  } finally {
    clearInterval(sampler);
    console.log(`RSS over time: ${samples.join(', ')}`);
    console.log(`peak RSS ${peak} MB over ${Math.round((Date.now() - started) / 1000)} s`);
    proc.kill('SIGTERM');
    agent.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
  for (const f of failures) console.log(`MISSED: ${f}`);
  return failures.length ? 1 : 0;
}

main().then((code) => process.exit(code), (err: unknown) => {
  console.error(err);
  process.exit(2);
});
