// Traffic for the map and ingest benches, and the deltas a real `serve` makes of it.
// Two topologies: the demo's (its own services' OTLP requests, captured from `startTraffic` as
// they leave the SDK exporters) and a synthetic one of any size (deterministic: a seeded
// generator picks the services, databases, queues and edges; the OTel SDK builds the spans).
// `recordServe` replays the requests into `node dist/cli.js serve` at a paced span rate and
// records every SSE frame the map would receive (GET /api/events), with its size on the wire.
import { context, SpanKind, trace, type Span } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Graph, GraphDelta } from '../../common/src/graph';
import type { ToWebview } from '../../common/src/protocol';
import { decodeTraceRequestProto } from '../../server/src/telemetry/otlp/protoDecoder';
import { startServe } from '../../test/webview/support/serve';

/** OTLP/HTTP protobuf request bodies with the number of spans in each. */
export interface Requests {
  bodies: Buffer[];
  spans: number[];
  /** Requests that bring new services part-way through a recording (one a second), if any. */
  late?: { bodies: Buffer[]; spans: number[] };
}

export interface RecordedDelta {
  /** Milliseconds since recording started. */
  atMs: number;
  delta: GraphDelta;
  /** The SSE frame's size in bytes, as sent. */
  bytes: number;
}

export interface Recording {
  /** The graph a map opened at the start of recording gets (the SSE init message). */
  graph: Graph;
  deltas: RecordedDelta[];
  /** Spans sent while recording, and over how long. */
  spans: number;
  seconds: number;
}

const countSpans = (body: Buffer): number => decodeTraceRequestProto(body, new Set()).spans.length;

/** Where each trace id sits in a request body (spans and links alike), to make replays distinct. */
function traceIdOffsets(body: Buffer): number[] {
  const offsets: number[] = [];
  for (const id of new Set(decodeTraceRequestProto(body, new Set()).spans.map((s) => s.traceId))) {
    const bytes = Buffer.from(id, 'hex');
    for (let at = body.indexOf(bytes); at >= 0; at = body.indexOf(bytes, at + 1)) offsets.push(at);
  }
  return offsets;
}

/**
 * The body with every trace id changed by the replay pass: real traffic never repeats ids, and
 * a repeated client half would wait in the pairing store as a new span (it refreshes the wait of
 * its twin instead, so unpaired database spans would never make their edges).
 */
function replayed(body: Buffer, offsets: readonly number[], pass: number): Buffer {
  if (pass === 0) return body;
  const copy = Buffer.from(body);
  for (const at of offsets) copy.writeUInt32BE((copy.readUInt32BE(at + 12) ^ pass) >>> 0, at + 12);
  return copy;
}

/**
 * The demo's own services (demo/services) sending to a stand-in collector for `seconds`, at
 * `ordersPerSecond`: their OTLP requests exactly as the SDK exporters sent them.
 */
export async function demoRequests(seconds = 3, ordersPerSecond = 25): Promise<Requests> {
  const bodies: Buffer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // demo/ is plain ESM JavaScript: loaded at run time, not type-checked with the benches.
  const url = pathToFileURL(join(__dirname, '..', '..', 'demo', 'services', 'traffic.mjs')).href;
  const { startTraffic } = (await import(url)) as { startTraffic: (endpoint: string, o: { ordersPerSecond: number }) => { stop(): Promise<void> } };
  const traffic = startTraffic(endpoint, { ordersPerSecond });
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  await traffic.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  // Concatenated protobuf messages merge (repeated fields append): requests of ~500 spans, like
  // a collector's batches, so the paced replay reaches its span rate on few requests.
  const merged: Requests = { bodies: [], spans: [] };
  let part: Buffer[] = [];
  let spans = 0;
  for (const body of bodies.filter((b) => b.length > 0)) {
    part.push(body);
    spans += countSpans(body);
    if (spans >= 500) {
      merged.bodies.push(Buffer.concat(part));
      merged.spans.push(spans);
      part = [];
      spans = 0;
    }
  }
  if (part.length) {
    merged.bodies.push(Buffer.concat(part));
    merged.spans.push(spans);
  }
  return merged;
}

export interface SyntheticShape {
  services: number;
  databases: number;
  queues: number;
  /** Distinct edges, including a few `user -calls->` edges of entry services. */
  edges: number;
  /** Spans per request. */
  batch?: number;
  /** How many times the request set covers each edge on average (edges are weighted). */
  rounds?: number;
  /** Services (and their edges) held back for `late` requests. */
  lateServices?: number;
  seed?: number;
}

const WORDS = ['orders', 'billing', 'inventory', 'payments', 'catalog', 'search', 'shipping', 'accounts', 'pricing', 'reviews', 'ledger', 'fraud', 'notify', 'media', 'profile', 'session', 'cart', 'coupons', 'tax', 'loyalty'];
const ROLES = ['api', 'worker', 'gateway', 'sync', 'reader', 'writer', 'scheduler', 'indexer'];

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    // xorshift32: fast, deterministic, good enough to pick edges.
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

type EdgeSpec = { kind: 'calls' | 'root' | 'reads' | 'writes' | 'publishes' | 'consumes'; from: number; to: number; weight: number };

/** A synthetic topology's edges, chosen deterministically from the seed. */
function syntheticEdges(shape: SyntheticShape, rand: () => number): EdgeSpec[] {
  const { services, databases, queues, edges } = shape;
  const roots = Math.max(1, Math.round(services / 30));
  const share = { reads: 0.12, writes: 0.12, publishes: 0.06, consumes: 0.06 };
  const target = { root: roots, reads: Math.round(edges * share.reads), writes: Math.round(edges * share.writes), publishes: Math.round(edges * share.publishes), consumes: Math.round(edges * share.consumes) };
  const calls = edges - roots - target.reads - target.writes - target.publishes - target.consumes;
  const seen = new Set<string>();
  const out: EdgeSpec[] = [];
  const add = (kind: EdgeSpec['kind'], count: number, pick: () => [number, number]) => {
    for (let made = 0, tries = 0; made < count && tries < count * 50; tries++) {
      const [from, to] = pick();
      const key = `${kind}:${from}:${to}`;
      if ((kind === 'calls' && from === to) || seen.has(key)) continue;
      seen.add(key);
      // Zipf-like weights: a few busy edges, a long tail of quiet ones, as in real systems.
      out.push({ kind, from, to, weight: 1 / (1 + Math.floor(rand() * 40)) });
      made++;
    }
  };
  const service = () => Math.floor(rand() * services);
  // Calls are mostly local (a service calls its neighbours), some long-range.
  add('calls', calls, () => {
    const a = service();
    return [a, rand() < 0.8 ? (a + 1 + Math.floor(rand() * 15)) % services : service()];
  });
  add('root', roots, () => [0, Math.floor(rand() * roots)]);
  add('reads', target.reads, () => [service(), Math.floor(rand() * databases)]);
  add('writes', target.writes, () => [service(), Math.floor(rand() * databases)]);
  add('publishes', target.publishes, () => [service(), Math.floor(rand() * queues)]);
  add('consumes', target.consumes, () => [service(), Math.floor(rand() * queues)]);
  return out;
}

/** A synthetic topology's requests: every edge covered, weighted, deterministic in shape. */
export function syntheticRequests(shape: SyntheticShape): Requests {
  const rand = rng(shape.seed ?? 7);
  const batch = shape.batch ?? 500;
  const serviceName = (i: number) => `${WORDS[i % WORDS.length]}-${ROLES[Math.floor(i / WORDS.length) % ROLES.length]}-${i}`;
  const dbName = (i: number) => ['postgresql', 'mysql', 'redis', 'mongodb'][i % 4];
  const specs = syntheticEdges(shape, rand);
  const late = new Set(Array.from({ length: shape.lateServices ?? 0 }, (_, i) => shape.services - 1 - i));
  const mem = new InMemorySpanExporter();
  const tracers = new Map<number, ReturnType<BasicTracerProvider['getTracer']>>();
  const tracer = (i: number) => {
    let t = tracers.get(i);
    if (!t) {
      const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': serviceName(i), 'deployment.environment.name': 'bench' }), spanProcessors: [new SimpleSpanProcessor(mem)] });
      t = provider.getTracer(`bench.${serviceName(i)}`, '1.0.0');
      tracers.set(i, t);
    }
    return t;
  };
  const at = Date.now();
  const span = (svc: number, name: string, kind: SpanKind, attributes: Record<string, string | number>, parent?: Span): Span => {
    const durationMs = 0.5 + -Math.log(1 - rand() * 0.999) * 8;
    const s = tracer(svc).startSpan(name, { kind, attributes, startTime: at }, parent ? trace.setSpan(context.active(), parent) : context.active());
    if (rand() < 0.01) s.setStatus({ code: 2 });
    s.end(at + durationMs);
    return s;
  };
  const emit = (e: EdgeSpec) => {
    switch (e.kind) {
      case 'calls': {
        const client = span(e.from, `GET /${serviceName(e.to)}/{id}`, SpanKind.CLIENT, { 'http.request.method': 'GET', 'server.address': serviceName(e.to) });
        span(e.to, `GET /${serviceName(e.to)}/{id}`, SpanKind.SERVER, { 'http.request.method': 'GET', 'http.route': `/${serviceName(e.to)}/{id}` }, client);
        return;
      }
      case 'root':
        span(e.to, 'GET /', SpanKind.SERVER, { 'http.request.method': 'GET', 'http.route': '/' });
        return;
      case 'reads':
      case 'writes':
        span(e.from, `${e.kind === 'reads' ? 'SELECT' : 'INSERT'} t${e.to % 7}`, SpanKind.CLIENT, {
          'db.system.name': dbName(e.to), 'db.namespace': `db${e.to}`, 'server.address': `${dbName(e.to)}-${e.to}`,
          'db.operation.name': e.kind === 'reads' ? 'SELECT' : 'INSERT', 'db.collection.name': `t${e.to % 7}`,
        });
        return;
      case 'publishes':
      case 'consumes':
        span(e.from, `topic.${e.to} ${e.kind === 'publishes' ? 'publish' : 'process'}`, e.kind === 'publishes' ? SpanKind.PRODUCER : SpanKind.CONSUMER, {
          'messaging.system': 'kafka', 'messaging.destination.name': `topic.${e.to}`, 'messaging.operation.type': e.kind === 'publishes' ? 'publish' : 'process',
        });
    }
  };
  const isLate = (e: EdgeSpec) => (e.kind !== 'root' && late.has(e.from)) || ((e.kind === 'calls' || e.kind === 'root') && late.has(e.to));
  const total = specs.reduce((n, e) => n + e.weight, 0);
  const rounds = shape.rounds ?? 4;
  const pack = (spans: ReadableSpan[]): Requests => {
    const bodies: Buffer[] = [];
    const counts: number[] = [];
    for (let i = 0; i < spans.length; i += batch) {
      const part = spans.slice(i, i + batch);
      bodies.push(Buffer.from(ProtobufTraceSerializer.serializeRequest(part)!));
      counts.push(part.length);
    }
    return { bodies, spans: counts };
  };
  // Every edge at least once, busy edges more often, in a shuffled order; a call's two halves
  // stay in one request, as a real caller's and callee's exports arrive close together.
  const order: EdgeSpec[] = [];
  for (const e of specs) if (!isLate(e)) for (let k = Math.max(1, Math.round((e.weight / total) * specs.length * rounds)); k > 0; k--) order.push(e);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (const e of order) emit(e);
  const main = mem.getFinishedSpans().slice();
  mem.reset();
  const lateRequests: Requests = { bodies: [], spans: [] };
  for (const svc of late) {
    for (const e of specs) if (isLate(e) && (e.from === svc || e.to === svc)) emit(e);
    const packed = pack(mem.getFinishedSpans().slice());
    mem.reset();
    lateRequests.bodies.push(...packed.bodies);
    lateRequests.spans.push(...packed.spans);
  }
  return { ...pack(main), ...(late.size ? { late: lateRequests } : {}) };
}

interface SseReader {
  frames: { at: number; bytes: number; message: ToWebview }[];
  close(): void;
}

/** Reads GET /api/events as the map does: one `data:` frame per message. */
async function readEvents(ui: string): Promise<SseReader> {
  const frames: SseReader['frames'] = [];
  const controller = new AbortController();
  const res = await fetch(`${ui}api/events`, { signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        // A reader that falls behind gets a whole-graph resync instead of deltas: parse cheaply.
        pending += decoder.decode(value, { stream: true });
        for (let end = pending.indexOf('\n\n'); end >= 0; end = pending.indexOf('\n\n')) {
          const text = pending.slice(0, end);
          pending = pending.slice(end + 2);
          if (text.startsWith('data: ')) frames.push({ at: performance.now(), bytes: Buffer.byteLength(text) + 2, message: JSON.parse(text.slice(6)) as ToWebview });
        }
      }
    } catch {
      // Aborted on close.
    }
  })();
  return { frames, close: () => controller.abort() };
}

export interface ReplayOptions {
  spansPerSecond: number;
  /** Paced traffic before the map connects, at least (default 11 s: longer than the pairing wait, 10 s), and until the graph stops growing. */
  warmupSeconds?: number;
  seconds: number;
}

/**
 * Starts a real `serve` (scanning an empty folder), sends the requests round-robin at
 * `spansPerSecond`, opens the map's event stream after the warm-up, and records its frames for
 * `seconds` (late requests, if any, join one a second while recording).
 */
export async function recordServe(requests: Requests, opts: ReplayOptions): Promise<Recording> {
  const empty = mkdtempSync(join(tmpdir(), 'ofm-bench-ws-'));
  const serve = await startServe(['--workspace', empty]);
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const [host, port] = serve.http.split(':');
  const send = (body: Buffer) =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host, port, path: '/v1/traces', method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  let next = 0;
  const offsets = requests.bodies.map(traceIdOffsets);
  /** Sends at the wanted rate until `ms` have passed; `late` requests join one a second. */
  const pace = async (ms: number, late?: Requests): Promise<number> => {
    const started = performance.now();
    let sent = 0;
    let lateSent = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (;;) {
          const now = performance.now();
          if (now - started >= ms) return;
          // Pacing, not waiting for readiness: a request is due once the spans sent are behind the rate.
          const due = started + (sent / opts.spansPerSecond) * 1000;
          if (due > now) await new Promise((resolve) => setTimeout(resolve, due - now));
          const lateDue = late && lateSent < late.bodies.length && now - started >= (lateSent + 1) * 1000;
          const n = lateDue ? lateSent++ : next++;
          const i = lateDue ? n : n % requests.bodies.length;
          sent += lateDue ? late.spans[i] : requests.spans[i];
          await send(lateDue ? late.bodies[i] : replayed(requests.bodies[i], offsets[i], Math.floor(n / requests.bodies.length)));
        }
      }),
    );
    return sent;
  };
  try {
    // Warm up until the graph stops growing: database edges of unpaired CLIENT spans appear
    // only once their pairing wait (10 s) ends.
    let edges = -1;
    for (let second = 0; second < 40; second++) {
      await pace(1000);
      const now = ((await (await fetch(`${serve.ui}api/graph`)).json()) as Graph).edges.length;
      if (second + 1 >= (opts.warmupSeconds ?? 11) && now === edges) break;
      edges = now;
    }
    const events = await readEvents(serve.ui);
    const started = performance.now();
    const spans = await pace(opts.seconds * 1000, requests.late);
    const seconds = (performance.now() - started) / 1000;
    // The delta of the last spans follows within one delta interval (250 ms).
    const frames = events.frames.length;
    await until(() => events.frames.length > frames, 2000);
    events.close();
    const [init, ...rest] = events.frames;
    if (init?.message.type !== 'init') throw new Error('the event stream did not start with init');
    const deltas = rest.flatMap((f) => (f.message.type === 'delta' ? [{ atMs: f.at - started, delta: f.message.delta, bytes: f.bytes }] : []));
    return { graph: init.message.graph, deltas, spans, seconds };
  } finally {
    agent.destroy();
    await serve.stop();
    rmSync(empty, { recursive: true, force: true });
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}
