// The trace answers of the host (requestTraces, requestTrace), checked on entry: a host relays
// what services sent, so every field is typed, bounded and capped here and the trace views
// trust what they get.

import type { CodeLocation } from '../../common/src/graph';
import { isRecord } from '../../common/src/guards';
import { isTraceId } from '../../common/src/protocol';
import type { SpanStatus, TraceDetail, TraceEvent, TraceLink, TraceLog, TraceSpan, TraceSummary } from '../../common/src/traces';

/** Spans of one trace the waterfall draws; a larger trace says how many it left out. */
export const MAX_TRACE_SPANS = 2000;
const MAX_LIST = 50;
const MAX_EVENTS = 64;
const MAX_LINKS = 32;
const MAX_LOGS = 1000;
const MAX_ATTRIBUTES = 128;
/** Names and values are shown in one line (ellipsis); stack traces keep more. */
const MAX_TEXT = 2000;
const MAX_STACK = 20_000;

type Attributes = Record<string, string | number | boolean>;

export function sanitizeTraceList(raw: unknown): TraceSummary[] {
  const traces = isRecord(raw) && Array.isArray(raw.traces) ? raw.traces : [];
  const out: TraceSummary[] = [];
  for (const t of traces.slice(0, MAX_LIST)) {
    if (!isRecord(t) || !isTraceId(t.traceId)) continue;
    out.push({
      traceId: t.traceId,
      rootName: text(t.rootName) || '(unnamed)',
      rootService: text(t.rootService),
      startMs: num(t.startMs),
      durationMs: Math.max(0, num(t.durationMs)),
      spanCount: Math.max(0, Math.round(num(t.spanCount))),
      errorCount: Math.max(0, Math.round(num(t.errorCount))),
    });
  }
  return out;
}

/** Where a list or trace came from (`local`, or a source's name such as `jaeger`), when the host says. */
export function traceSourceOf(raw: unknown): string | null {
  return isRecord(raw) && typeof raw.source === 'string' && raw.source ? raw.source.slice(0, 100) : null;
}

/** The trace with its spans capped at MAX_TRACE_SPANS (`missingSpans` counts the rest), or null. */
export function sanitizeTrace(raw: unknown): TraceDetail | null {
  if (!isRecord(raw) || !isTraceId(raw.traceId) || !Array.isArray(raw.spans)) return null;
  const spans: TraceSpan[] = [];
  for (const s of raw.spans) {
    if (spans.length >= MAX_TRACE_SPANS) break;
    const span = sanitizeSpan(s);
    if (span) spans.push(span);
  }
  const logs = Array.isArray(raw.logs) ? raw.logs.slice(0, MAX_LOGS).map(sanitizeLog).filter((l): l is TraceLog => l !== null) : [];
  const missing = Math.max(0, Math.round(num(raw.missingSpans))) + Math.max(0, raw.spans.length - spans.length);
  const source = traceSourceOf(raw);
  return { traceId: raw.traceId, spans, logs, ...(missing ? { missingSpans: missing } : {}), ...(source ? { source } : {}) };
}

function sanitizeSpan(s: unknown): TraceSpan | null {
  if (!isRecord(s) || !isId(s.spanId)) return null;
  const status: SpanStatus = s.status === 'error' || s.status === 'ok' ? s.status : 'unset';
  return {
    spanId: s.spanId,
    ...(isId(s.parentSpanId) ? { parentSpanId: s.parentSpanId } : {}),
    name: text(s.name) || '(unnamed)',
    service: text(s.service) || '(unknown service)',
    ...(typeof s.scope === 'string' ? { scope: text(s.scope) } : {}),
    kind: text(s.kind) || 'internal',
    startMs: num(s.startMs),
    durationMs: Math.max(0, num(s.durationMs)),
    status,
    ...(typeof s.statusMessage === 'string' && s.statusMessage ? { statusMessage: text(s.statusMessage) } : {}),
    attributes: attributes(s.attributes),
    events: Array.isArray(s.events) ? s.events.slice(0, MAX_EVENTS).map(sanitizeEvent).filter((e): e is TraceEvent => e !== null) : [],
    links: Array.isArray(s.links) ? s.links.slice(0, MAX_LINKS).map(sanitizeLink).filter((l): l is TraceLink => l !== null) : [],
    ...(sanitizeCode(s.code) ?? {}),
  };
}

function sanitizeEvent(e: unknown): TraceEvent | null {
  if (!isRecord(e)) return null;
  return { name: text(e.name), timeMs: num(e.timeMs), attributes: attributes(e.attributes, MAX_STACK) };
}

function sanitizeLink(l: unknown): TraceLink | null {
  if (!isRecord(l) || !isTraceId(l.traceId) || !isId(l.spanId)) return null;
  return { traceId: l.traceId, spanId: l.spanId, attributes: attributes(l.attributes) };
}

function sanitizeLog(l: unknown): TraceLog | null {
  if (!isRecord(l)) return null;
  return {
    timeMs: num(l.timeMs),
    severity: text(l.severity) || 'UNSPECIFIED',
    body: typeof l.body === 'string' ? l.body.slice(0, MAX_STACK) : '',
    ...(isId(l.spanId) ? { spanId: l.spanId } : {}),
    attributes: attributes(l.attributes),
  };
}

function sanitizeCode(c: unknown): { code: CodeLocation } | null {
  if (!isRecord(c) || typeof c.file !== 'string' || !c.file || c.file.length >= 4096) return null;
  const line = Number.isInteger(c.line) && (c.line as number) >= 1 ? (c.line as number) : 1;
  const column = Number.isInteger(c.column) && (c.column as number) >= 1 ? { column: c.column as number } : {};
  return { code: { file: c.file, line, ...column, source: c.source === 'static' ? 'static' : 'runtime' } };
}

function attributes(raw: unknown, maxValue = MAX_TEXT): Attributes {
  const out: Attributes = {};
  if (!isRecord(raw)) return out;
  let n = 0;
  for (const [k, v] of Object.entries(raw)) {
    if (n++ >= MAX_ATTRIBUTES) break;
    if (typeof v === 'string') out[k.slice(0, MAX_TEXT)] = v.slice(0, maxValue);
    else if (typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out[k.slice(0, MAX_TEXT)] = v;
  }
  return out;
}

/** Span ids are 16 hex digits in OTLP/JSON; other sources may spell them otherwise, so any short token is taken. Trace ids are checked as requestTrace will carry them. */
function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 64;
}

const text = (v: unknown): string => (typeof v === 'string' ? v.slice(0, MAX_TEXT) : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
