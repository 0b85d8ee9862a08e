// A purpose-built decoder for ExportTraceServiceRequest (opentelemetry-proto trace/v1): reads
// only the fields the map needs, straight into DecodedSpan, about 3x faster than protobufjs
// (the differential tests keep protobufjs as the oracle). Every length is bounds-checked:
// truncated or random input throws MalformedRequestError, never reads past the buffer.
// With an attribute filter (the receiver's hot path) only the keys the topology reads are
// decoded, and span events, link attributes and the status message are skipped; the span keeps
// a copy of its own bytes so the rest decodes on a drill-down query (spanDetail).

import {
  clip, LIMITS, MalformedRequestError, noRejections, rejectionMessage, serviceOf, STACKTRACE_KEY, ZERO_SPAN_ID, ZERO_TRACE_ID,
  type AttrValue, type Rejections, type DecodedSpan, type DecodeResult, type SpanEvent, type SpanLink,
} from './span';
import { Reader, TWO_32 } from './protoReader';
import { decodeKeptKeyValue, decodeKeyValue, matcherOf, type AttributeFilter, type KeyMatcher } from './protoValues';

export type { AttributeFilter } from './protoValues';

// Module-level copies: read per attribute on the hot path.
const { maxAttributesPerSpan: MAX_ATTRIBUTES, maxNameLength: MAX_NAME, maxStringLength: MAX_STRING, maxLinksPerSpan: MAX_LINKS } = LIMITS;
const { maxEventsPerSpan: MAX_EVENTS, maxAttributesPerEvent: MAX_EVENT_ATTRIBUTES, maxStacktraceLength: MAX_STACKTRACE } = LIMITS;

const NO_LINKS: SpanLink[] = [];

/** Decodes a request; with `keep`, only those span attributes are decoded (see the file comment). */
export function decodeTraceRequestProto(body: Uint8Array, keep?: AttributeFilter): DecodeResult {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const r = new Reader(buf);
  const result: DecodeResult = { spans: [], rejected: 0 };
  const why = noRejections();
  const limit = buf.length;
  const matcher = keep && matcherOf(keep);
  while (r.pos < limit) {
    const tag = r.varint();
    if (tag === ((1 << 3) | 2)) {
      const end = r.lengthEnd(limit);
      decodeResourceSpans(r, end, result, why, matcher);
      r.expectEnd(end);
    } else r.skip(tag & 7, limit);
  }
  result.rejected = why.ids + why.notSpan + why.malformed;
  result.message = rejectionMessage(why);
  return result;
}

/** What a drill-down shows of a span beyond what the receiver's hot path decoded. */
export interface SpanDetail {
  attributes: Record<string, AttrValue>;
  events: SpanEvent[];
  links: SpanLink[];
  statusMessage: string;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
}

/**
 * Every attribute, event and link of a span and its status message, decoding its retained bytes
 * when the filter skipped some. Skipped bytes were never validated: malformed ones leave just
 * what was decoded at ingest.
 */
export function spanDetail(span: DecodedSpan): SpanDetail {
  const full = span.raw ? decodeRetained(span.raw) : null;
  const s = full ?? span;
  return { attributes: { ...s.attributes }, events: s.events ?? [], links: s.links, statusMessage: s.statusMessage ?? '', statusCode: span.error ? 2 : s.statusCode ?? 0 };
}

/** Every attribute of a span (spanDetail's, for the span rows of /api/spans and trace export). */
export function spanAttributes(span: DecodedSpan): Record<string, AttrValue> {
  if (!span.raw) return { ...span.attributes };
  return decodeRetained(span.raw)?.attributes ?? { ...span.attributes };
}

function decodeRetained(raw: Uint8Array): DecodedSpan | null {
  try {
    return decodeSpan(new Reader(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)), raw.byteLength, undefined);
  } catch (err) {
    if (err instanceof MalformedRequestError) return null;
    throw err;
  }
}

function decodeResourceSpans(r: Reader, limit: number, result: DecodeResult, why: Rejections, keep: KeyMatcher | undefined): void {
  let resourceService: string | undefined;
  const first = result.spans.length;
  while (r.pos < limit) {
    const tag = r.varint();
    if (tag === ((1 << 3) | 2)) {
      const end = r.lengthEnd(limit);
      resourceService = decodeResourceService(r, end);
      r.expectEnd(end);
    } else if (tag === ((2 << 3) | 2)) {
      const end = r.lengthEnd(limit);
      decodeScopeSpans(r, end, result, why, keep);
      r.expectEnd(end);
    } else r.skip(tag & 7, limit);
  }
  // The resource may follow its spans on the wire: resolve services afterwards.
  for (let i = first; i < result.spans.length; i++) {
    const s = result.spans[i];
    s.service = serviceOf(resourceService, s.attributes);
  }
}

function decodeResourceService(r: Reader, limit: number): string | undefined {
  let service: string | undefined;
  while (r.pos < limit) {
    const tag = r.varint();
    if (tag === ((1 << 3) | 2)) {
      const end = r.lengthEnd(limit);
      const kv: Record<string, unknown> = {};
      decodeKeyValue(r, end, 0, kv);
      r.expectEnd(end);
      const v = kv['service.name'];
      if (typeof v === 'string') service = clip(v, MAX_NAME);
    } else r.skip(tag & 7, limit);
  }
  return service;
}

function decodeScopeSpans(r: Reader, limit: number, result: DecodeResult, why: Rejections, keep: KeyMatcher | undefined): void {
  let scope = '';
  const first = result.spans.length;
  while (r.pos < limit) {
    const tag = r.varint();
    if (tag === ((1 << 3) | 2)) {
      const end = r.lengthEnd(limit);
      scope = decodeScopeName(r, end);
      r.expectEnd(end);
    } else if (tag === ((2 << 3) | 2)) {
      const end = r.lengthEnd(limit);
      const start = r.pos;
      // The span's length prefix held (checked against its scope): bytes inside it that do not
      // decode reject this span alone, counted, and the request goes on after it.
      let span: DecodedSpan | null;
      try {
        span = decodeSpan(r, end, keep);
        r.expectEnd(end);
      } catch (err) {
        if (!(err instanceof MalformedRequestError)) throw err;
        r.pos = end;
        why.malformed++;
        continue;
      }
      if (span && keep) span.raw = copyOf(r.buf, start, end);
      if (span) result.spans.push(span);
      else why.ids++;
    } else r.skip(tag & 7, limit);
  }
  for (let i = first; i < result.spans.length; i++) result.spans[i].scope = scope;
}

function decodeScopeName(r: Reader, limit: number): string {
  let name = '';
  while (r.pos < limit) {
    const tag = r.varint();
    if (tag === ((1 << 3) | 2)) name = clip(r.string(limit), MAX_NAME);
    else r.skip(tag & 7, limit);
  }
  return name;
}

/** A small copy from Buffer's shared pool: a retained span must not pin its whole request body. */
function copyOf(buf: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(end - start);
  buf.copy(out, 0, start, end);
  return out;
}

/** Returns null for a span whose ids are invalid (counted as rejected). */
function decodeSpan(r: Reader, limit: number, keep: KeyMatcher | undefined): DecodedSpan | null {
  let traceId = '';
  let spanId = '';
  let parentSpanId = '';
  let name = '';
  let kind = 0;
  let sLo = 0, sHi = 0, eLo = 0, eHi = 0;
  let error = false;
  // A plain object keeps V8's fast properties; values are primitives, so a `__proto__` key is inert.
  const attributes: Record<string, AttrValue> = {};
  let attributeCount = 0;
  let links = NO_LINKS;
  // Only without a filter (drill-down, files, tests): the hot path leaves these in the span's bytes.
  const full = keep === undefined;
  let events: SpanEvent[] | undefined;
  let statusMessage = '';
  let statusCode = 0;
  while (r.pos < limit) {
    const tag = r.varint();
    switch (tag) {
      case (1 << 3) | 2:
        traceId = r.hex(limit);
        break;
      case (2 << 3) | 2:
        spanId = r.hex(limit);
        break;
      case (4 << 3) | 2:
        parentSpanId = r.hex(limit);
        break;
      case (5 << 3) | 2:
        name = r.recurringString(limit);
        if (name.length > MAX_NAME) name = clip(name, MAX_NAME);
        break;
      case (6 << 3) | 0:
        kind = r.varint();
        break;
      case (7 << 3) | 1:
        sLo = r.fixed32(limit);
        sHi = r.fixed32(limit);
        break;
      case (8 << 3) | 1:
        eLo = r.fixed32(limit);
        eHi = r.fixed32(limit);
        break;
      case (9 << 3) | 2: {
        const end = r.lengthEnd(limit);
        if (attributeCount++ < MAX_ATTRIBUTES) {
          if (keep) decodeKeptKeyValue(r, end, attributes, keep);
          else decodeKeyValue(r, end, 0, attributes);
        }
        r.pos = end;
        break;
      }
      case (11 << 3) | 2: {
        const end = r.lengthEnd(limit);
        if (full && (events?.length ?? 0) < MAX_EVENTS) {
          (events ??= []).push(decodeEvent(r, end));
          r.expectEnd(end);
        } else r.pos = end;
        break;
      }
      case (13 << 3) | 2: {
        const end = r.lengthEnd(limit);
        const link = decodeLink(r, end, full);
        r.expectEnd(end);
        if (link && links.length < MAX_LINKS) {
          if (links === NO_LINKS) links = [];
          links.push(link);
        }
        break;
      }
      case (15 << 3) | 2: {
        const end = r.lengthEnd(limit);
        const status = decodeStatus(r, end, full);
        error = status.code === 2;
        statusCode = status.code;
        statusMessage = status.message;
        r.expectEnd(end);
        break;
      }
      default:
        r.skip(tag & 7, limit);
    }
  }
  if (traceId.length !== 32 || spanId.length !== 16 || (parentSpanId.length !== 0 && parentSpanId.length !== 16)) return null;
  if (traceId === ZERO_TRACE_ID || spanId === ZERO_SPAN_ID) return null;
  const durationNs = (eHi - sHi) * TWO_32 + (eLo - sLo);
  const span: DecodedSpan = {
    traceId,
    spanId,
    parentSpanId,
    name,
    kind: kind <= 5 ? kind : 0,
    startMs: (sHi * TWO_32 + sLo) / 1e6,
    durationMs: durationNs > 0 ? durationNs / 1e6 : 0,
    error,
    service: '',
    scope: '',
    attributes,
    links,
  };
  if (events) span.events = events;
  if (statusMessage) span.statusMessage = statusMessage;
  if (full && statusCode === 1) span.statusCode = 1;
  return span;
}

/** Link { trace_id(1), span_id(2), attributes(4) }; attributes only when `full`. */
function decodeLink(r: Reader, limit: number, full: boolean): SpanLink | null {
  let traceId = '';
  let spanId = '';
  let attributes: Record<string, AttrValue> | undefined;
  while (r.pos < limit) {
    const tag = r.varint();
    if (tag === ((1 << 3) | 2)) traceId = r.hex(limit);
    else if (tag === ((2 << 3) | 2)) spanId = r.hex(limit);
    else if (full && tag === ((4 << 3) | 2)) {
      attributes ??= {};
      decodeAttribute(r, limit, attributes, MAX_EVENT_ATTRIBUTES, MAX_STRING);
    } else r.skip(tag & 7, limit);
  }
  if (traceId.length !== 32 || spanId.length !== 16) return null;
  return attributes && Object.keys(attributes).length ? { traceId, spanId, attributes } : { traceId, spanId };
}

/** Status { message(2), code(3) }; the message only when `full`. */
function decodeStatus(r: Reader, limit: number, full: boolean): { code: number; message: string } {
  let code = 0;
  let message = '';
  while (r.pos < limit) {
    const tag = r.varint();
    if (tag === ((3 << 3) | 0)) code = r.varint();
    else if (full && tag === ((2 << 3) | 2)) message = clip(r.string(limit), MAX_STRING);
    else r.skip(tag & 7, limit);
  }
  return { code, message };
}

/** Event { time_unix_nano(1, fixed64), name(2), attributes(3) }: an exception's type, message and stack trace. */
function decodeEvent(r: Reader, limit: number): SpanEvent {
  let lo = 0;
  let hi = 0;
  let name = '';
  const attributes: Record<string, AttrValue> = {};
  while (r.pos < limit) {
    const tag = r.varint();
    if (tag === ((1 << 3) | 1)) {
      lo = r.fixed32(limit);
      hi = r.fixed32(limit);
    } else if (tag === ((2 << 3) | 2)) name = clip(r.string(limit), MAX_NAME);
    else if (tag === ((3 << 3) | 2)) decodeAttribute(r, limit, attributes, MAX_EVENT_ATTRIBUTES, MAX_STACKTRACE);
    else r.skip(tag & 7, limit);
  }
  return { name, timeMs: (hi * TWO_32 + lo) / 1e6, attributes };
}

/** One length-prefixed KeyValue into `into`, up to `maxCount` keys; only a stack trace may pass maxStringLength. */
function decodeAttribute(r: Reader, limit: number, into: Record<string, AttrValue>, maxCount: number, maxStacktrace: number): void {
  const end = r.lengthEnd(limit);
  if (Object.keys(into).length >= maxCount) {
    r.pos = end;
    return;
  }
  const one: Record<string, AttrValue> = {};
  decodeKeyValue(r, end, 0, one, Math.max(MAX_STRING, maxStacktrace));
  r.expectEnd(end);
  for (const [k, v] of Object.entries(one)) into[k] = typeof v === 'string' && k !== STACKTRACE_KEY && v.length > MAX_STRING ? clip(v, MAX_STRING) : v;
}
