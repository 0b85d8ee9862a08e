// The messages between the main thread (host.ts) and the telemetry worker (worker.ts).
// Only aggregated deltas and query answers cross: never every decoded span.

import type { Graph, GraphDelta, SnapshotInfo } from '../../../common/src/graph';
import type { ReceiverSettings } from '../../../common/src/settings';
import type { FlowRun, ReceiverStatus, SpanQuery, SpanSummary, TraceExportResult, TraceImportResult } from '../../../common/src/telemetry';
import type { TraceDetail, TraceList, TraceQuery } from '../../../common/src/traces';
import type { CodeRef } from './topology/classify';
import type { SpanNameStat } from './topology/spanNames';
import type { LiveWindow } from './topology/liveWindow';
import type { LogEntry } from './otlp/signalsDecoder';

export interface WorkerStartOptions {
  receiver: ReceiverSettings;
  attributePrefix: string;
  /** Folder for persisted topology and snapshots; none = in memory only. */
  dataDir?: string;
  pairWaitMs?: number;
  /** How often deltas are posted (throttle). */
  deltaIntervalMs?: number;
  snapshotIntervalMs?: number;
  /** Bench baseline: receive and decode exactly as usual, but skip the topology engine. */
  decodeOnly?: boolean;
}

/** Runtime code.* locations seen for one flow step (absolute paths as the service sent them). */
export interface StepCodeRefs {
  flow: string;
  step: string;
  codeRefs: CodeRef[];
}

/** Live details beyond the graph, for CodeLens / hover / links. */
export interface LiveDetails {
  names: SpanNameStat[];
  steps: StepCodeRefs[];
}

export interface TopologyDiff {
  since: number;
  /** Time of the snapshot compared against (0 = empty start). */
  snapshotAt: number;
  addedEdges: string[];
  removedEdges: string[];
  addedNodes: string[];
  removedNodes: string[];
}

export type WorkerQuery =
  | { kind: 'graph' }
  | { kind: 'spans'; query: SpanQuery }
  | { kind: 'details' }
  | { kind: 'diff'; since: number }
  | { kind: 'history'; max: number }
  | { kind: 'runs'; flow: string; max: number }
  /** The graph of the last `windowMs` (Topology.windowGraph). */
  | { kind: 'window'; windowMs: number }
  /** Prometheus text of /metrics (contract §7). */
  | { kind: 'metrics' }
  /** Log records of one trace, or of one span (the trace view). */
  | { kind: 'logs'; traceId?: string; spanId?: string }
  /** CodeLens and hover numbers over the recent window (Topology.liveWindow). */
  | { kind: 'liveWindow' }
  /** Recent traces matching a query (GET /api/traces). */
  | { kind: 'traces'; query: TraceQuery }
  /** One trace with its spans in full and its logs (GET /api/traces/{traceId}); null when unknown. */
  | { kind: 'trace'; traceId: string };

export type WorkerQueryKind = WorkerQuery['kind'];
/** The query of one kind. */
export type QueryOf<K extends WorkerQueryKind> = Extract<WorkerQuery, { kind: K }>;

/** What each query kind answers: the host's calls and the worker's handlers are both checked against it. */
export interface WorkerAnswer {
  graph: Graph;
  spans: SpanSummary[];
  details: LiveDetails;
  diff: TopologyDiff;
  history: SnapshotInfo[];
  runs: FlowRun[];
  window: Graph;
  metrics: string;
  logs: LogEntry[];
  liveWindow: LiveWindow;
  traces: TraceList;
  trace: TraceDetail | null;
}

/** The worker's handler of every query kind, each typed by its answer (a kind without an answer type does not compile). */
export type QueryHandlers = { [K in WorkerQueryKind]: (q: QueryOf<K>) => WorkerAnswer[K] | Promise<WorkerAnswer[K]> };

export type ToWorker =
  | { type: 'start'; id: number; options: WorkerStartOptions }
  | { type: 'stop'; id: number }
  | { type: 'clear'; id: number }
  | { type: 'query'; id: number; query: WorkerQuery }
  /** Replies a TraceImportResult; each line over maxLineBytes is skipped. */
  | { type: 'import'; id: number; path: string; maxLineBytes: number }
  /** Replies a TraceExportResult. */
  | { type: 'export'; id: number; path: string }
  /** Test hook behind TelemetryHostOptions.debugHooks: exit, or block the event loop (a stall). */
  | { type: 'debugCrash'; id: number; mode: 'exit' | 'stall' };

/** What each command's reply carries (a query's: WorkerAnswer of its kind). */
export interface CommandReply {
  start: ReceiverStatus;
  stop: ReceiverStatus;
  clear: ReceiverStatus;
  import: TraceImportResult;
  export: TraceExportResult;
  debugCrash: undefined;
}

/** Every command is answered by a reply with the same id (a ReceiverStatus for start/stop/clear). */
export type FromWorker =
  | { type: 'status'; status: ReceiverStatus }
  /** Every HEARTBEAT_MS while the worker's event loop runs: the host's stall watchdog. */
  | { type: 'heartbeat' }
  | { type: 'delta'; delta: GraphDelta; details: LiveDetails }
  | { type: 'reply'; id: number; result?: unknown; error?: string };
