// The typed message protocol between the map webview and its host: the VS Code panel
// (postMessage) or the `serve` page (SSE down, POST /api/message up). Hosts validate
// every FromWebview message on receipt (see isFromWebview).

import type { CodeLocation, EdgeDiff, Graph, GraphDelta, SnapshotInfo } from './graph';
import type { SpanSiteSummary } from './sites';
import type { FlowRun, ReceiverStatus, SpanQuery, SpanSummary } from './telemetry';
import type { TraceDetail, TraceList, TraceQuery } from './traces';

export type HostKind = 'vscode' | 'browser';

export type FocusTarget =
  | { kind: 'node'; id: string }
  | { kind: 'step'; flow: string; step: string }
  | { kind: 'span'; name: string }
  /** Optional, additive: open this trace in the map's trace view (CodeLens / hover "open a recent trace"). */
  | { kind: 'trace'; traceId: string };

export type ToWebview =
  /**
   * `root` (optional, additive): the absolute folder the sites' paths are relative to, so the
   * browser map can link workspace-relative sites as vscode://file/ URLs.
   */
  | { type: 'init'; host: HostKind; graph: Graph; receiver: ReceiverStatus; sites: SpanSiteSummary[]; root?: string }
  | { type: 'graph'; graph: Graph }
  | { type: 'delta'; delta: GraphDelta }
  | { type: 'receiver'; status: ReceiverStatus }
  | { type: 'sites'; sites: SpanSiteSummary[] }
  | { type: 'focus'; target: FocusTarget }
  | { type: 'spans'; requestId: number; spans: SpanSummary[] }
  /** Newest first, at most MAX_HISTORY_SNAPSHOTS. */
  | { type: 'history'; requestId: number; snapshots: SnapshotInfo[] }
  | ({ type: 'diff'; requestId: number } & EdgeDiff)
  /** Newest first, at most MAX_FLOW_RUNS. */
  | { type: 'runs'; requestId: number; flow: string; runs: FlowRun[] }
  /** The graph of the last `windowMs` (null: all of it), for the toolbar's Window select. */
  | { type: 'window'; requestId: number; windowMs: number | null; graph: Graph }
  /** The answer to requestTraces; `error` says why there is no list (no trace store, a source failed). */
  | { type: 'traces'; requestId: number; result: TraceList; error?: string }
  /** The answer to requestTrace; `trace` is null when no host knows that trace id. */
  | { type: 'trace'; requestId: number; trace: TraceDetail | null; error?: string };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'openLocation'; location: CodeLocation }
  | { type: 'requestSpans'; requestId: number; query: SpanQuery }
  | { type: 'requestHistory'; requestId: number }
  /** `since` is epoch milliseconds: compare the live edges with the snapshot taken at or before it. */
  | { type: 'requestDiff'; requestId: number; since: number }
  /** The latest runs of one flow, for the flow view's Run select. */
  | { type: 'requestRuns'; requestId: number; flow: string }
  /** The graph over a recent window, in milliseconds (null: since start); at most MAX_WINDOW_MS. */
  | { type: 'requestWindow'; requestId: number; windowMs: number | null }
  /** Recent traces through a node, edge, step or service (the trace list). */
  | { type: 'requestTraces'; requestId: number; query: TraceQuery }
  /** One trace, whole, for the waterfall. */
  | { type: 'requestTrace'; requestId: number; traceId: string };

/** Cap of the snapshot list a host sends the webview. */
export const MAX_HISTORY_SNAPSHOTS = 100;

/** Cap of the run list a host sends for one flow. */
export const MAX_FLOW_RUNS = 50;
/** Longest time window a requestWindow may ask for: the host keeps per-minute counts this far back. */
export const MAX_WINDOW_MS = 60 * 60_000;

/** Longest flow name a requestRuns may carry. */
const MAX_FLOW_NAME = 1024;

/** A time window a host answers: null (all of it) or whole milliseconds in (0, MAX_WINDOW_MS]. */
export function isWindowMs(v: unknown): v is number | null {
  return v === null || (Number.isInteger(v) && (v as number) > 0 && (v as number) <= MAX_WINDOW_MS);
}

/** A trace id as OTLP/JSON and the APIs spell it: 32 hex digits. */
export function isTraceId(v: unknown): v is string {
  return typeof v === 'string' && /^[0-9a-fA-F]{32}$/.test(v);
}

/** Runtime check of an untrusted message from the webview. */
export function isFromWebview(m: unknown): m is FromWebview {
  if (typeof m !== 'object' || m === null) return false;
  const msg = m as Record<string, unknown>;
  switch (msg.type) {
    case 'ready':
      return true;
    case 'openLocation': {
      const loc = msg.location as Record<string, unknown> | undefined;
      return (
        typeof loc === 'object' && loc !== null &&
        typeof loc.file === 'string' && loc.file.length > 0 && loc.file.length < 4096 &&
        Number.isInteger(loc.line) && (loc.line as number) >= 1
      );
    }
    case 'requestSpans':
      return Number.isInteger(msg.requestId) && typeof msg.query === 'object' && msg.query !== null;
    case 'requestHistory':
      return Number.isInteger(msg.requestId);
    case 'requestDiff':
      return Number.isInteger(msg.requestId) && Number.isFinite(msg.since) && (msg.since as number) >= 0;
    case 'requestRuns':
      return Number.isInteger(msg.requestId) && typeof msg.flow === 'string' && msg.flow.length > 0 && msg.flow.length <= MAX_FLOW_NAME;
    case 'requestWindow':
      return Number.isInteger(msg.requestId) && isWindowMs(msg.windowMs);
    case 'requestTraces':
      return Number.isInteger(msg.requestId) && typeof msg.query === 'object' && msg.query !== null;
    case 'requestTrace':
      return Number.isInteger(msg.requestId) && isTraceId(msg.traceId);
    default:
      return false;
  }
}
