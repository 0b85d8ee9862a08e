// Custom LSP methods between the extension client and the language server.
// Each says who sends it and when (after vscode-eslint's customMessages.ts).

import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { EdgeDiff, Graph, GraphDelta, SnapshotInfo } from './graph';
import type { SitesDelta, SpanSiteSummary } from './sites';
import type { FlowRun, ReceiverStatus, SpanQuery, SpanSummary } from './telemetry';
import type { TraceExportResult, TraceImportResult } from './telemetry';
import type { TraceDetail, TraceList, TraceQuery } from './traces';

/** server -> client, throttled (at most a few per second): what changed in the live graph. */
export const GraphDeltaNotification = new NotificationType<GraphDelta>('otelFlowMap/graphDelta');

/** server -> client, whenever the receiver starts, stops or fails. */
export const ReceiverStatusNotification = new NotificationType<ReceiverStatus>('otelFlowMap/receiverStatus');

/** server -> client, after the workspace's span sites change (scan or edit): the whole list, the first time and when most files changed. */
export const SitesChangedNotification = new NotificationType<SpanSiteSummary[]>('otelFlowMap/sitesChanged');

/** server -> client, after some files' span sites changed (an edit, a file on disk): those files' sites, replacing what the client holds for them. */
export const SitesDeltaNotification = new NotificationType<SitesDelta>('otelFlowMap/sitesDelta');

/** client -> server, when the map opens: the whole current graph. */
export const GraphRequest = new RequestType0<Graph, void>('otelFlowMap/graph');

/** client -> server, when the map opens: every span site known in the workspace. */
export const SitesRequest = new RequestType0<SpanSiteSummary[], void>('otelFlowMap/sites');

/** client -> server, for the details panel: recent raw spans matching a query. */
export const SpansRequest = new RequestType<SpanQuery, SpanSummary[], void>('otelFlowMap/spans');

/** client -> server, when the map's Compare control opens: persisted snapshot times, newest first (capped). */
export const HistoryRequest = new RequestType0<SnapshotInfo[], void>('otelFlowMap/history');

/** client -> server, when Compare is on (and as live edges change): the live edges against the snapshot at or before `since`. */
export const DiffRequest = new RequestType<{ since: number }, EdgeDiff, void>('otelFlowMap/diff');

/** client -> server, when the flow view shows a flow (and as it gets new runs): its latest runs, newest first (capped). */
export const RunsRequest = new RequestType<{ flow: string }, FlowRun[], void>('otelFlowMap/runs');

/** client -> server, when the map's Window select is set (and as live deltas arrive, at most once a second): the graph of the last `windowMs` (null: all of it). */
export const WindowGraphRequest = new RequestType<{ windowMs: number | null }, Graph, void>('otelFlowMap/windowGraph');

export type ReceiverAction = 'start' | 'stop' | 'restart' | 'clear' | 'status' | 'mapOpened';
/** client -> server, from commands and the status bar menu; `mapOpened` when the map opens (starts an
 *  `autoStart: auto` receiver that the workspace's dependencies did not start). */
export const ReceiverControlRequest = new RequestType<{ action: ReceiverAction }, ReceiverStatus, void>('otelFlowMap/receiverControl');

/** client -> server, from "Import Traces from File…": feed an OTLP JSON / JSON-lines file (path the user picked) to the receiver. */
export const ImportTracesRequest = new RequestType<{ path: string }, TraceImportResult, void>('otelFlowMap/importTraces');
/** client -> server, from "Export Traces…": write the retained spans as OTLP JSON-lines to the path the user picked. */
export const ExportTracesRequest = new RequestType<{ path: string }, TraceExportResult, void>('otelFlowMap/exportTraces');

/**
 * client -> server, for the map's trace list (requestTraces) and for CodeLens / hover "open a recent
 * trace": `{ service, name, order: 'errors' | 'slowest', limit: 1 }` is the failing (else newest) or
 * the slowest recent trace through span `name` of `service`. Recent traces matching the query.
 */
export const TracesRequest = new RequestType<TraceQuery, TraceList, void>('otelFlowMap/traces');

/** client -> server, when the map opens a trace (requestTrace): its spans in full, each with its code line, and its logs; null once no longer kept. */
export const TraceRequest = new RequestType<{ traceId: string }, TraceDetail | null, void>('otelFlowMap/trace');

/**
 * Node flags of the language server process, for the client that starts it and the bench that
 * measures it. A 2 MB young generation (V8's default is 16 MB per semi-space) keeps the server's
 * resident memory under tsserver's on the same workspace; the extra scavenges cost about a tenth
 * of the initial scan's time and stay inside every latency target (bench:lsp).
 */
export const SERVER_EXEC_ARGV: readonly string[] = ['--max-semi-space-size=2'];
