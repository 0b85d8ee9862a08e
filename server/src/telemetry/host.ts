// The main-thread side of the telemetry worker: starts dist/telemetryWorker.js, sends it
// commands, and keeps a local copy of the graph and live details from the throttled deltas.

import { Worker } from 'node:worker_threads';
import { applyDelta, emptyGraph, type Graph, type GraphDelta, type SnapshotInfo } from '../../../common/src/graph';
import type { ReceiverSettings } from '../../../common/src/settings';
import type { FlowRun, ReceiverStatus, SpanQuery, SpanSummary, TraceExportResult, TraceImportResult } from '../../../common/src/telemetry';
import type { FromWorker, LiveDetails, ToWorker, TopologyDiff, WorkerStartOptions } from './messages';
import type { SpanNameStat } from './topology/spanNames';
import type { CodeRef } from './topology/classify';
import type { LogEntry } from './otlp/signalsDecoder';

/**
 * Decoding a 500-span request makes ~1 MB of short-lived objects: with the default young
 * generation they outlive scavenges and GC took about a third of the worker's CPU. 96 MB is
 * V8's young generation for 32 MB semi-spaces; it only grows that far under load.
 */
const YOUNG_GENERATION_MB = 96;

export interface TelemetryHostOptions {
  /** Absolute path of dist/telemetryWorker.js. */
  workerPath: string;
  dataDir?: string;
  /** Test and bench knobs passed to the worker. */
  tuning?: Pick<WorkerStartOptions, 'pairWaitMs' | 'deltaIntervalMs' | 'snapshotIntervalMs' | 'decodeOnly'>;
}

/** Live numbers the LSP features read synchronously (CodeLens / hover). */
export interface LiveIndex {
  /** Stats per `${service}\u0000${span name}`. */
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
  /** Feeds an OTLP JSON / JSON-lines file to the receiver, line by line. */
  importTraces(path: string, maxLineBytes: number): Promise<TraceImportResult>;
  /** Writes the retained spans to `path` as OTLP JSON-lines. */
  exportTraces(path: string): Promise<TraceExportResult>;
  /** The graph as of the last delta, without a round trip. */
  currentGraph(): Graph;
  live(): LiveIndex;
  onDelta(cb: (delta: GraphDelta) => void): void;
  onStatus(cb: (status: ReceiverStatus) => void): void;
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

  const setStatus = (s: ReceiverStatus) => {
    status = s;
    for (const l of statusListeners) l(s);
  };

  function onMessage(m: FromWorker): void {
    switch (m.type) {
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
    const w = new Worker(opts.workerPath, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    w.on('message', onMessage);
    w.on('error', (err) => setStatus({ state: 'error', message: `telemetry worker failed: ${err.message}` }));
    w.on('exit', () => {
      if (worker === w) worker = undefined;
      for (const p of pending.values()) p.reject(new Error('telemetry worker exited'));
      pending.clear();
    });
    worker = w;
    return w;
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
    start: (receiver, attributePrefix) =>
      call<ReceiverStatus>({ type: 'start', options: { receiver, attributePrefix, dataDir: opts.dataDir, ...opts.tuning } }),
    stop: () => (worker ? call<ReceiverStatus>({ type: 'stop' }) : Promise.resolve(status)),
    clear: () => call<ReceiverStatus>({ type: 'clear' }),
    status: () => status,
    graph: () => call<Graph>({ type: 'query', query: { kind: 'graph' } }),
    spans: (query) => call<SpanSummary[]>({ type: 'query', query: { kind: 'spans', query } }),
    diff: (since) => call<TopologyDiff>({ type: 'query', query: { kind: 'diff', since } }),
    history: (max) => call<SnapshotInfo[]>({ type: 'query', query: { kind: 'history', max } }),
    runs: (flow, max) => call<FlowRun[]>({ type: 'query', query: { kind: 'runs', flow, max } }),
    windowGraph: (windowMs) => call<Graph>({ type: 'query', query: windowMs === null ? { kind: 'graph' } : { kind: 'window', windowMs } }),
    metrics: () => call<string>({ type: 'query', query: { kind: 'metrics' } }),
    logs: (traceId, spanId) => call<LogEntry[]>({ type: 'query', query: { kind: 'logs', traceId, spanId } }),
    importTraces: (path, maxLineBytes) => call<TraceImportResult>({ type: 'import', path, maxLineBytes }),
    exportTraces: (path) => call<TraceExportResult>({ type: 'export', path }),
    currentGraph: () => graph,
    live: () => live,
    onDelta: (cb) => deltaListeners.push(cb),
    onStatus: (cb) => statusListeners.push(cb),
    dispose: async () => {
      const w = worker;
      if (!w) return;
      await call<ReceiverStatus>({ type: 'stop' }).catch(() => undefined);
      worker = undefined;
      await w.terminate();
    },
  };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function mergeDetails(live: LiveIndex, details: LiveDetails): void {
  for (const n of details.names) live.names.set(`${n.service}\u0000${n.name}`, n);
  for (const s of details.steps) live.stepRefs.set(`${s.flow}\u0000${s.step}`, s.codeRefs);
}
