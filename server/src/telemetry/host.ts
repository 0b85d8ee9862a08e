// The main-thread side of the telemetry worker: starts dist/telemetryWorker.js, sends it
// commands, and keeps a local copy of the graph and live details from the throttled deltas.

import { Worker } from 'node:worker_threads';
import { applyDelta, emptyGraph, type Graph, type GraphDelta, type SnapshotInfo } from '../../../common/src/graph';
import type { ReceiverSettings } from '../../../common/src/settings';
import type { FlowRun, ReceiverStatus, SpanQuery, SpanSummary, TraceExportResult, TraceImportResult } from '../../../common/src/telemetry';
import type { CommandReply, FromWorker, LiveDetails, QueryOf, ToWorker, TopologyDiff, WorkerAnswer, WorkerQueryKind, WorkerStartOptions } from './messages';
import type { TraceDetail, TraceList, TraceQuery } from '../../../common/src/traces';
import type { SpanNameStat } from './topology/spanNames';
import type { LiveWindow } from './topology/liveWindow';
import type { CodeRef } from './topology/classify';
import type { LogEntry } from './otlp/signalsDecoder';

/**
 * Decoding a 500-span request makes ~1 MB of short-lived objects: with the default young
 * generation they outlive scavenges and GC took about a third of the worker's CPU. 96 MB is
 * V8's young generation for 32 MB semi-spaces; it only grows that far under load.
 */
const YOUNG_GENERATION_MB = 96;
/**
 * A hard ceiling under docs/limits.md's bounds (~270 MB of estimated state at every cap): a worker
 * that still outgrows it dies alone and is restarted, instead of taking the process with it.
 */
const OLD_GENERATION_MB = 384;
/** The worker beats every HEARTBEAT_MS; silent for STALL_MS it is taken for stalled (issue: within 2 s). */
const STALL_MS = 1_700;
/**
 * A worker loading its modules, or restoring a persisted topology inside its start command, is not
 * stalled: on a loaded machine that takes seconds before the first beat.
 */
const STARTUP_STALL_MS = 15_000;
const CHECK_MS = 250;
const RESTART_BACKOFF_MS = [100, 500, 1_000, 2_000, 5_000, 10_000];
/** Up this long, a worker counts as healthy again: the next failure starts the backoff afresh. */
const HEALTHY_AFTER_MS = 60_000;

export interface TelemetryHostOptions {
  /** Absolute path of dist/telemetryWorker.js. */
  workerPath: string;
  dataDir?: string;
  /** Test and bench knobs passed to the worker. */
  tuning?: Pick<WorkerStartOptions, 'pairWaitMs' | 'deltaIntervalMs' | 'snapshotIntervalMs' | 'decodeOnly'>;
  /** Enables debugCrash() (tests, the soak): never set for users. */
  debugHooks?: boolean;
}

/** The supervisor's view of the worker, for /healthz and the status bar. */
export interface WorkerHealth {
  /** Times the worker died or stalled and was started again. */
  restarts: number;
  /** Why the last one ended, when one did. */
  lastFailure?: string;
}

/** Live numbers the LSP features read synchronously (CodeLens / hover). */
export interface LiveIndex {
  /** Stats per `${service}\u0000${span name}\u0000${span kind}`. */
  names: Map<string, SpanNameStat>;
  /** Runtime code refs per `${flow}\u0000${step}`. */
  stepRefs: Map<string, CodeRef[]>;
}

export interface TelemetryHost {
  start(receiver: ReceiverSettings, attributePrefix: string): Promise<ReceiverStatus>;
  stop(): Promise<ReceiverStatus>;
  clear(): Promise<ReceiverStatus>;
  status(): ReceiverStatus;
  /** The whole graph, asked from the worker. */
  graph(): Promise<Graph>;
  spans(query: SpanQuery): Promise<SpanSummary[]>;
  diff(since: number): Promise<TopologyDiff>;
  /** Persisted snapshots to compare with, newest first (none without a data folder). */
  history(max: number): Promise<SnapshotInfo[]>;
  /** The flow's latest runs with their steps, newest first. */
  runs(flow: string, max: number): Promise<FlowRun[]>;
  /** The graph of the last `windowMs` (null: all of it, as graph()). */
  windowGraph(windowMs: number | null): Promise<Graph>;
  /** Prometheus text of every series (contract §7), written in the worker. */
  metrics(): Promise<string>;
  /** Log records of a trace (or of one span when given), oldest first. */
  logs(traceId: string, spanId?: string): Promise<LogEntry[]>;
  /** CodeLens and hover numbers over the recent window, asked from the worker (they slide with time, not with deltas). */
  liveWindow(): Promise<LiveWindow>;
  /** Recent traces matching a query (newest, slowest or failing first). */
  traces(query: TraceQuery): Promise<TraceList>;
  /** One trace with its spans in full and its logs; null when neither is kept. */
  trace(traceId: string): Promise<TraceDetail | null>;
  /** Feeds an OTLP JSON / JSON-lines file to the receiver, line by line. */
  importTraces(path: string, maxLineBytes: number): Promise<TraceImportResult>;
  /** Writes the retained spans to `path` as OTLP JSON-lines. */
  exportTraces(path: string): Promise<TraceExportResult>;
  /** The graph as of the last delta, without a round trip. */
  currentGraph(): Graph;
  live(): LiveIndex;
  onDelta(cb: (delta: GraphDelta) => void): void;
  onStatus(cb: (status: ReceiverStatus) => void): void;
  health(): WorkerHealth;
  /** Test hook (needs debugHooks): the worker exits, or blocks its event loop, as a crash would. */
  debugCrash(mode: 'exit' | 'stall'): void;
  dispose(): Promise<void>;
}

export function createTelemetryHost(opts: TelemetryHostOptions): TelemetryHost {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const deltaListeners: ((d: GraphDelta) => void)[] = [];
  const statusListeners: ((s: ReceiverStatus) => void)[] = [];
  let status: ReceiverStatus = { state: 'stopped' };
  const graph = emptyGraph();
  const live: LiveIndex = { names: new Map(), stepRefs: new Map() };
  // Supervision: the last start command is replayed into a new worker after a crash or a stall
  // (the worker restores the persisted topology from the data folder on start).
  let lastStart: WorkerStartOptions | undefined;
  let lastBeat = 0;
  let startedAt = 0;
  /** No message yet from the current worker, or a start command of it still unanswered. */
  let beating = false;
  let startsPending = 0;
  let attempt = 0;
  let disposed = false;
  let restartTimer: NodeJS.Timeout | undefined;
  const workerHealth: WorkerHealth = { restarts: 0 };
  let lastCheck = Date.now();
  const watchdog = setInterval(() => {
    const now = Date.now();
    // A late check means this thread was busy (a scan, a GC): the worker's beats are still queued
    // behind it, unread. Judge only from a check that ran on time.
    const late = now - lastCheck > 2 * CHECK_MS;
    lastCheck = now;
    if (late) return;
    const limit = beating && startsPending === 0 ? STALL_MS : STARTUP_STALL_MS;
    if (worker && lastStart && !restartTimer && now - lastBeat > limit) fail(worker, `telemetry worker stalled (no heartbeat for ${now - lastBeat} ms)`);
  }, CHECK_MS);
  watchdog.unref();

  const setStatus = (s: ReceiverStatus) => {
    status = s;
    for (const l of statusListeners) l(s);
  };

  function onMessage(m: FromWorker): void {
    lastBeat = Date.now();
    beating = true;
    switch (m.type) {
      case 'heartbeat':
        break;
      case 'status':
        setStatus(m.status);
        break;
      case 'delta':
        if (m.delta.reset) {
          live.names.clear();
          live.stepRefs.clear();
        }
        applyDelta(graph, m.delta);
        mergeDetails(live, m.details);
        for (const l of deltaListeners) l(m.delta);
        break;
      case 'reply': {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.error !== undefined) p?.reject(new Error(m.error));
        else p?.resolve(m.result);
        break;
      }
    }
  }

  function ensureWorker(): Worker {
    if (worker) return worker;
    const w = new Worker(opts.workerPath, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, maxOldGenerationSizeMb: OLD_GENERATION_MB } });
    lastBeat = Date.now();
    startedAt = Date.now();
    beating = false;
    startsPending = 0;
    w.on('message', onMessage);
    w.on('error', (err) => fail(w, `telemetry worker failed: ${err.message}`));
    w.on('exit', (code) => fail(w, `telemetry worker exited (code ${code})`));
    worker = w;
    return w;
  }

  /** A worker died or stalled: report it, reject its calls, and start another after a backoff. */
  function fail(w: Worker, reason: string): void {
    if (worker !== w) return;
    worker = undefined;
    for (const p of pending.values()) p.reject(new Error(reason));
    pending.clear();
    void w.terminate().catch(() => undefined);
    if (disposed || !lastStart) return;
    if (Date.now() - startedAt > HEALTHY_AFTER_MS) attempt = 0;
    const delay = RESTART_BACKOFF_MS[Math.min(attempt++, RESTART_BACKOFF_MS.length - 1)];
    workerHealth.lastFailure = reason;
    setStatus({ state: 'error', message: `${reason}; restarting in ${delay} ms` });
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (disposed || !lastStart) return;
      workerHealth.restarts++;
      // Consumers drop what they hold: the new worker's first delta brings the restored graph.
      const reset = { ...emptyGraph(), removedNodeIds: [], removedEdgeIds: [], removedFlowNames: [], reset: true } as GraphDelta;
      live.names.clear();
      live.stepRefs.clear();
      applyDelta(graph, reset);
      for (const l of deltaListeners) l(reset);
      command({ type: 'start', options: lastStart }).catch(() => undefined);
    }, delay);
    restartTimer.unref();
  }

  /** A command, answered with its CommandReply type. */
  function command<T extends keyof CommandReply>(m: DistributiveOmit<Extract<ToWorker, { type: T }>, 'id'> & { type: T }): Promise<CommandReply[T]> {
    if (m.type !== 'start') return call<CommandReply[T]>(m);
    const w = ensureWorker();
    startsPending++;
    const done = () => {
      if (worker === w) startsPending--;
    };
    return call<CommandReply[T]>(m).finally(done);
  }

  /** A query, answered with its kind's WorkerAnswer type. */
  function ask<K extends WorkerQueryKind>(query: QueryOf<K> & { kind: K }): Promise<WorkerAnswer[K]> {
    return call<WorkerAnswer[K]>({ type: 'query', query });
  }

  function call<T>(m: DistributiveOmit<ToWorker, 'id'>): Promise<T> {
    const w = ensureWorker();
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      w.postMessage({ ...m, id });
    });
  }

  return {
    start: (receiver, attributePrefix) => {
      const options: WorkerStartOptions = { receiver, attributePrefix, dataDir: opts.dataDir, ...opts.tuning };
      lastStart = options;
      return command({ type: 'start', options }).then((s) => {
        // A restart binds the ports this start got (port 0 would pick new ones clients do not know).
        if (s.state === 'listening' && lastStart === options) lastStart = { ...options, receiver: { ...receiver, grpcPort: portOf(s.grpc, receiver.grpcPort), httpPort: portOf(s.http, receiver.httpPort) } };
        return s;
      });
    },
    stop: () => {
      lastStart = undefined;
      return worker ? command({ type: 'stop' }) : Promise.resolve(status);
    },
    clear: () => command({ type: 'clear' }),
    status: () => status,
    graph: () => ask({ kind: 'graph' }),
    spans: (query) => ask({ kind: 'spans', query }),
    diff: (since) => ask({ kind: 'diff', since }),
    history: (max) => ask({ kind: 'history', max }),
    runs: (flow, max) => ask({ kind: 'runs', flow, max }),
    windowGraph: (windowMs) => (windowMs === null ? ask({ kind: 'graph' }) : ask({ kind: 'window', windowMs })),
    metrics: () => ask({ kind: 'metrics' }),
    logs: (traceId, spanId) => ask({ kind: 'logs', traceId, spanId }),
    liveWindow: () => ask({ kind: 'liveWindow' }),
    traces: (query) => ask({ kind: 'traces', query }),
    trace: (traceId) => ask({ kind: 'trace', traceId }),
    importTraces: (path, maxLineBytes) => command({ type: 'import', path, maxLineBytes }),
    exportTraces: (path) => command({ type: 'export', path }),
    currentGraph: () => graph,
    live: () => live,
    onDelta: (cb) => deltaListeners.push(cb),
    onStatus: (cb) => statusListeners.push(cb),
    health: () => ({ ...workerHealth }),
    debugCrash: (mode) => {
      if (opts.debugHooks && worker) worker.postMessage({ type: 'debugCrash', id: 0, mode });
    },
    dispose: async () => {
      disposed = true;
      clearInterval(watchdog);
      if (restartTimer) clearTimeout(restartTimer);
      const w = worker;
      if (!w) return;
      await command({ type: 'stop' }).catch(() => undefined);
      worker = undefined;
      await w.terminate();
    },
  };
}

function portOf(address: string | undefined, fallback: number): number {
  const port = Number(/:(\d+)$/.exec(address ?? '')?.[1]);
  return Number.isInteger(port) && port > 0 ? port : fallback;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function mergeDetails(live: LiveIndex, details: LiveDetails): void {
  for (const n of details.names) live.names.set(`${n.service}\u0000${n.name}\u0000${n.kind}`, n);
  for (const s of details.steps) live.stepRefs.set(`${s.flow}\u0000${s.step}`, s.codeRefs);
}
