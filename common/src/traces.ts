// The trace shapes every host answers with (`GET /api/traces`, `GET /api/traces/{traceId}` on
// `serve` and on the receiver's read API, the MCP tools, the Jaeger source) and the webview's
// trace view reads. Plain JSON-safe data only; times are epoch milliseconds.

import type { CodeLocation } from './graph';
import type { SpanQuery } from './telemetry';

/**
 * Filters of `GET /api/traces`: those of `/api/spans` (a trace matches when one of its spans
 * matches them, service and name on one span), and the trace's own.
 */
export interface TraceQuery extends SpanQuery {
  status?: 'error';
  minDurationMs?: number;
  /** Newest first by default; `slowest` and `errors` put slow and failing traces first. */
  order?: 'newest' | 'slowest' | 'errors';
}

export interface TraceSummary {
  traceId: string;
  /** The root span's name, or the earliest span's when the root has not arrived. */
  rootName: string;
  rootService: string;
  startMs: number;
  durationMs: number;
  spanCount: number;
  errorCount: number;
}

export interface TraceList {
  traces: TraceSummary[];
  /** Where the traces came from: `local` (our receiver) or a source's name (`jaeger`). */
  source?: string;
}

export interface TraceEvent {
  name: string;
  timeMs: number;
  attributes: Record<string, string | number | boolean>;
}

export interface TraceLink {
  traceId: string;
  spanId: string;
  attributes: Record<string, string | number | boolean>;
}

export type SpanStatus = 'unset' | 'ok' | 'error';

export interface TraceSpan {
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  scope?: string;
  /** OTLP span kind in lower case: internal, server, client, producer, consumer. */
  kind: string;
  startMs: number;
  durationMs: number;
  status: SpanStatus;
  statusMessage?: string;
  attributes: Record<string, string | number | boolean>;
  events: TraceEvent[];
  links: TraceLink[];
  /** The line that created the span: the analyzer's site when known, else the span's `code.*` attributes. */
  code?: CodeLocation;
}

export interface TraceLog {
  timeMs: number;
  /** OTLP severity text, or the name of its severity number's range (INFO, ERROR, …). */
  severity: string;
  body: string;
  spanId?: string;
  attributes: Record<string, string | number | boolean>;
}

export interface TraceDetail {
  traceId: string;
  spans: TraceSpan[];
  logs: TraceLog[];
  /** Spans of this trace the store no longer holds or never received (a partial trace says so). */
  missingSpans?: number;
  source?: string;
}
