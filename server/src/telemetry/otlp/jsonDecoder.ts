// OTLP/JSON (ExportTraceServiceRequest): hex ids, lowerCamelCase keys, enums as numbers or
// names, 64-bit integers as strings. Shapes are checked field by field: the body is untrusted.

import { isRecord } from '../../../../common/src/guards';
import {
  clip, LIMITS, MalformedRequestError, noRejections, rejectionMessage, serviceOf, STACKTRACE_KEY, ZERO_SPAN_ID, ZERO_TRACE_ID,
  type AttrValue, type DecodedSpan, type DecodeResult, type SpanEvent, type SpanLink,
} from './span';

type Obj = Record<string, unknown>;

const KIND_BY_NAME: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0, SPAN_KIND_INTERNAL: 1, SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3, SPAN_KIND_PRODUCER: 4, SPAN_KIND_CONSUMER: 5,
};
const TRACE_ID = /^[0-9a-fA-F]{32}$/;
const SPAN_ID = /^[0-9a-fA-F]{16}$/;

export function decodeTraceRequestJson(text: string): DecodeResult {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new MalformedRequestError('body is not valid JSON');
  }
  if (!isObj(body)) throw new MalformedRequestError('body is not a JSON object');
  const result: DecodeResult = { spans: [], rejected: 0 };
  const why = noRejections();
  for (const rs of list(body.resourceSpans ?? body.resource_spans, 'resourceSpans')) {
    const resource = isObj(rs.resource) ? rs.resource : {};
    const resourceAttrs = attributesOf(resource.attributes);
    const rsv = resourceAttrs['service.name'];
    const resourceService = typeof rsv === 'string' ? rsv : undefined;
    for (const ss of list(rs.scopeSpans ?? rs.scope_spans, 'scopeSpans')) {
      const scope = isObj(ss.scope) && typeof ss.scope.name === 'string' ? clip(ss.scope.name, LIMITS.maxNameLength) : '';
      // Every entry of a spans array is a span the sender meant to export: one that is not an
      // object (`[1, "x", null]`) is rejected and counted, never dropped silently.
      for (const raw of entries(ss.spans, 'spans')) {
        const span = isObj(raw) ? spanOf(raw, scope, resourceService) : null;
        if (span) result.spans.push(span);
        else if (isObj(raw)) why.ids++;
        else why.notSpan++;
      }
    }
  }
  result.rejected = why.ids + why.notSpan + why.malformed;
  result.message = rejectionMessage(why);
  return result;
}

function spanOf(s: Obj, scope: string, resourceService: string | undefined): DecodedSpan | null {
  const traceId = str(s.traceId ?? s.trace_id);
  const spanId = str(s.spanId ?? s.span_id);
  const parentSpanId = str(s.parentSpanId ?? s.parent_span_id);
  if (!TRACE_ID.test(traceId) || !SPAN_ID.test(spanId) || (parentSpanId !== '' && !SPAN_ID.test(parentSpanId))) return null;
  if (traceId === ZERO_TRACE_ID || spanId === ZERO_SPAN_ID) return null;
  const attributes = attributesOf(s.attributes);
  const start = nanos(s.startTimeUnixNano ?? s.start_time_unix_nano);
  const end = nanos(s.endTimeUnixNano ?? s.end_time_unix_nano);
  const status = isObj(s.status) ? s.status : {};
  const kind = enumValue(s.kind, KIND_BY_NAME);
  const span: DecodedSpan = {
    traceId: traceId.toLowerCase(),
    spanId: spanId.toLowerCase(),
    parentSpanId: parentSpanId.toLowerCase(),
    name: clip(str(s.name), LIMITS.maxNameLength),
    kind: kind >= 0 && kind <= 5 ? kind : 0,
    startMs: start / 1e6,
    durationMs: end > start ? (end - start) / 1e6 : 0,
    error: enumValue(status.code, { STATUS_CODE_ERROR: 2 }) === 2,
    service: serviceOf(resourceService, attributes),
    scope,
    attributes,
    links: linksOf(s.links),
  };
  const events = eventsOf(s.events);
  if (events.length) span.events = events;
  const message = typeof status.message === 'string' ? clip(status.message, LIMITS.maxStringLength) : '';
  if (message) span.statusMessage = message;
  if (enumValue(status.code, { STATUS_CODE_OK: 1 }) === 1) span.statusCode = 1;
  return span;
}

function linksOf(v: unknown): SpanLink[] {
  const out: SpanLink[] = [];
  if (!Array.isArray(v)) return out;
  for (const l of v) {
    if (!isObj(l) || out.length >= LIMITS.maxLinksPerSpan) continue;
    const traceId = str(l.traceId ?? l.trace_id);
    const spanId = str(l.spanId ?? l.span_id);
    if (!TRACE_ID.test(traceId) || !SPAN_ID.test(spanId)) continue;
    const attributes = attributesOf(l.attributes, LIMITS.maxAttributesPerEvent);
    out.push({ traceId: traceId.toLowerCase(), spanId: spanId.toLowerCase(), ...(Object.keys(attributes).length ? { attributes } : {}) });
  }
  return out;
}

/** Span events (exceptions with their type, message and stack trace), capped in number and size. */
function eventsOf(v: unknown): SpanEvent[] {
  const out: SpanEvent[] = [];
  if (!Array.isArray(v)) return out;
  for (const e of v) {
    if (out.length >= LIMITS.maxEventsPerSpan) break;
    if (!isObj(e)) continue;
    out.push({
      name: clip(str(e.name), LIMITS.maxNameLength),
      timeMs: nanos(e.timeUnixNano ?? e.time_unix_nano) / 1e6,
      attributes: attributesOf(e.attributes, LIMITS.maxAttributesPerEvent, true),
    });
  }
  return out;
}

/** `stacktrace`: an event's `exception.stacktrace` may run to maxStacktraceLength. */
function attributesOf(v: unknown, max = LIMITS.maxAttributesPerSpan, stacktrace = false): Record<string, AttrValue> {
  const out = Object.create(null) as Record<string, AttrValue>;
  if (!Array.isArray(v)) return out;
  let n = 0;
  for (const kv of v) {
    if (n >= max) break;
    if (!isObj(kv) || typeof kv.key !== 'string') continue;
    const value = anyValue(kv.value, 0);
    if (value === undefined) continue;
    const key = clip(kv.key, LIMITS.maxNameLength);
    out[key] = toAttr(value, stacktrace && key === STACKTRACE_KEY ? LIMITS.maxStacktraceLength : LIMITS.maxStringLength);
    n++;
  }
  return out;
}

function toAttr(v: unknown, max: number): AttrValue {
  if (typeof v === 'string') return clip(v, max);
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return clip(JSON.stringify(v), max);
}

function anyValue(v: unknown, depth: number): unknown {
  if (!isObj(v) || depth > LIMITS.maxNesting) return undefined;
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (v.intValue !== undefined) {
    const n = Number(v.intValue);
    return Number.isFinite(n) ? n : undefined;
  }
  if (v.doubleValue !== undefined) {
    const n = Number(v.doubleValue);
    return Number.isNaN(n) ? undefined : n;
  }
  if (typeof v.bytesValue === 'string') return v.bytesValue;
  if (isObj(v.arrayValue)) {
    const values = Array.isArray(v.arrayValue.values) ? v.arrayValue.values : [];
    return values.map((x) => anyValue(x, depth + 1) ?? null);
  }
  if (isObj(v.kvlistValue)) {
    const map = Object.create(null) as Record<string, unknown>;
    const values = Array.isArray(v.kvlistValue.values) ? v.kvlistValue.values : [];
    for (const kv of values) if (isObj(kv) && typeof kv.key === 'string') map[kv.key] = anyValue(kv.value, depth + 1) ?? null;
    return map;
  }
  return undefined;
}

function list(v: unknown, what: string): Obj[] {
  return entries(v, what).filter(isObj);
}

function entries(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new MalformedRequestError(`${what} must be an array`);
  return v;
}

function nanos(v: unknown): number {
  const n = typeof v === 'string' || typeof v === 'number' ? Number(v) : 0;
  return Number.isFinite(n) && n > 0 ? n : 0;
}

function enumValue(v: unknown, names: Record<string, number>): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return names[v] ?? -1;
  return 0;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

const isObj: (v: unknown) => v is Obj = isRecord;
