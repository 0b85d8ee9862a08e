// The map's questions to its host (the requests of protocol.ts), answered one way for both hosts:
// the VS Code panel (through the language server) and the `serve` page (its own telemetry host).
// Each host supplies a MapBackend; this module sanitizes the webview's input, applies the list caps
// and turns a failure into an empty answer (with the reason where the message has room for one),
// so the map behaves alike whichever host it runs in.

import type { EdgeDiff, Graph, SnapshotInfo } from './graph';
import { MAX_FLOW_RUNS, MAX_HISTORY_SNAPSHOTS, type FromWebview, type ToWebview } from './protocol';
import { sanitizeSpanQuery, sanitizeTraceQuery } from './queries';
import type { FlowRun, SpanQuery, SpanSummary } from './telemetry';
import type { TraceDetail, TraceList, TraceQuery } from './traces';

export interface MapBackend {
  spans(query: SpanQuery): Promise<SpanSummary[]>;
  /** Newest first, at most `max`. */
  history(max: number): Promise<SnapshotInfo[]>;
  diff(since: number): Promise<EdgeDiff>;
  /** Newest first, at most `max`. */
  runs(flow: string, max: number): Promise<FlowRun[]>;
  /** The graph of the last `windowMs` (null: all of it). */
  windowGraph(windowMs: number | null): Promise<Graph>;
  /** The graph shown now: what a window request falls back to when it fails. */
  liveGraph(): Graph;
  traces(query: TraceQuery): Promise<TraceList>;
  /** The trace source's name when it is not the local receiver (`jaeger`): a failed list says where it failed. */
  readonly traceSource?: string;
  /** Null when no trace source knows the id. */
  trace(traceId: string): Promise<TraceDetail | null>;
}

/** The webview messages that ask the host for data. */
export type MapRequest = Extract<FromWebview, { requestId: number }>;

export function isMapRequest(m: FromWebview): m is MapRequest {
  return 'requestId' in m;
}

export async function answerMapRequest(m: MapRequest, backend: MapBackend): Promise<ToWebview> {
  switch (m.type) {
    case 'requestSpans':
      return { type: 'spans', requestId: m.requestId, spans: await backend.spans(sanitizeSpanQuery(m.query)).catch((): SpanSummary[] => []) };
    case 'requestHistory':
      return { type: 'history', requestId: m.requestId, snapshots: await backend.history(MAX_HISTORY_SNAPSHOTS).catch((): SnapshotInfo[] => []) };
    case 'requestDiff': {
      const none: EdgeDiff = { since: m.since, snapshotAt: 0, addedEdgeIds: [], removedEdges: [] };
      return { type: 'diff', requestId: m.requestId, ...(await backend.diff(m.since).catch(() => none)) };
    }
    case 'requestRuns':
      return { type: 'runs', requestId: m.requestId, flow: m.flow, runs: await backend.runs(m.flow, MAX_FLOW_RUNS).catch((): FlowRun[] => []) };
    case 'requestWindow':
      return { type: 'window', requestId: m.requestId, windowMs: m.windowMs, graph: await backend.windowGraph(m.windowMs).catch(() => backend.liveGraph()) };
    case 'requestTraces':
      return backend.traces(sanitizeTraceQuery(m.query)).then(
        (result): ToWebview => ({ type: 'traces', requestId: m.requestId, result }),
        (err: unknown): ToWebview => ({ type: 'traces', requestId: m.requestId, result: { traces: [], ...(backend.traceSource ? { source: backend.traceSource } : {}) }, error: errorText(err) }),
      );
    case 'requestTrace':
      return backend.trace(m.traceId.toLowerCase()).then(
        (trace): ToWebview => ({ type: 'trace', requestId: m.requestId, trace }),
        (err: unknown): ToWebview => ({ type: 'trace', requestId: m.requestId, trace: null, error: errorText(err) }),
      );
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
