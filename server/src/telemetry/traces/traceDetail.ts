// One trace as GET /api/traces/{traceId} answers it: its kept spans in full (attributes, status
// message, events, links decoded from the kept bytes) and the log records received for it. The
// `code` of each span is added on the main thread, which knows the workspace (link/traceCode.ts).

import type { SpanStatus, TraceDetail, TraceLog, TraceSpan } from '../../../../common/src/traces';
import { spanDetail } from '../otlp/protoDecoder';
import { SPAN_KIND_NAMES, type DecodedSpan } from '../otlp/span';
import type { LogEntry } from '../otlp/signalsDecoder';
import type { TraceEntry } from './traceStore';

const STATUS: Record<number, SpanStatus> = { 0: 'unset', 1: 'ok', 2: 'error' };

/** Null when neither a span nor a log record of the trace is kept. */
export function traceDetailOf(traceId: string, entry: TraceEntry | undefined, logs: readonly LogEntry[]): TraceDetail | null {
  if (!entry && logs.length === 0) return null;
  const spans = entry ? [...entry.spans].sort((a, b) => a.startMs - b.startMs).map(traceSpanOf) : [];
  const ids = new Set(spans.map((s) => s.spanId));
  // Parents referred to but not kept, and spans refused by the per-trace caps.
  const missingParents = new Set(spans.map((s) => s.parentSpanId).filter((p): p is string => p !== undefined && !ids.has(p)));
  const missing = missingParents.size + (entry?.refusedSpans ?? 0);
  return {
    traceId: traceId.toLowerCase(),
    spans,
    logs: [...logs].sort((a, b) => a.timeMs - b.timeMs).map(traceLogOf),
    ...(missing > 0 ? { missingSpans: missing } : {}),
    source: 'local',
  };
}

export function traceSpanOf(s: DecodedSpan): TraceSpan {
  const d = spanDetail(s);
  return {
    spanId: s.spanId,
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    name: s.name,
    service: s.service,
    ...(s.scope ? { scope: s.scope } : {}),
    kind: SPAN_KIND_NAMES[s.kind] ?? 'unspecified',
    startMs: s.startMs,
    durationMs: s.durationMs,
    status: STATUS[d.statusCode] ?? 'unset',
    ...(d.statusMessage ? { statusMessage: d.statusMessage } : {}),
    attributes: d.attributes,
    events: d.events.map((e) => ({ name: e.name, timeMs: e.timeMs, attributes: { ...e.attributes } })),
    links: d.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: { ...(l.attributes ?? {}) } })),
  };
}

function traceLogOf(l: LogEntry): TraceLog {
  return { timeMs: l.timeMs, severity: l.severity, body: l.body, ...(l.spanId ? { spanId: l.spanId } : {}), attributes: { ...(l.attributes ?? {}) } };
}
