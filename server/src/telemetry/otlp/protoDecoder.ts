// A purpose-built decoder for ExportTraceServiceRequest (opentelemetry-proto trace/v1): reads
// only the fields the map needs, straight into DecodedSpan, about 3x faster than protobufjs
// (the differential tests keep protobufjs as the oracle). Every length is bounds-checked:
// truncated or random input throws MalformedRequestError, never reads past the buffer.
// With an attribute filter (the receiver's hot path) only the keys the topology reads are
// decoded; the span keeps a copy of its own bytes so the rest decodes on a drill-down query.

import {
  clip, LIMITS, MalformedRequestError, noRejections, rejectionMessage, serviceOf, ZERO_SPAN_ID, ZERO_TRACE_ID,
  type AttrValue, type Rejections, type DecodedSpan, type DecodeResult, type SpanLink,
} from './span';

const TWO_32 = 4294967296;
// Module-level copies: read per attribute on the hot path.
const { maxAttributesPerSpan: MAX_ATTRIBUTES, maxNameLength: MAX_NAME, maxStringLength: MAX_STRING, maxLinksPerSpan: MAX_LINKS, maxNesting: MAX_NESTING } = LIMITS;

// Span names, attribute keys and the kept attribute values repeat across spans: a small hash
// table from ASCII bytes to the string already built hands back one string (its hash cached
// by V8 for the topology's map lookups) instead of a fresh one per span.
const CACHE_SLOTS = 1024;
const MAX_CACHED_LENGTH = 64;
const cachedStrings: (string | undefined)[] = new Array(CACHE_SLOTS);

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  varint(): number {
    const buf = this.buf;
    let pos = this.pos;
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      if (pos >= buf.length) throw new MalformedRequestError('truncated varint');
      byte = buf[pos++];
      result = shift < 28 ? result | ((byte & 0x7f) << shift) : result + (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80 && shift < 70);
    if (byte & 0x80) throw new MalformedRequestError('varint too long');
    this.pos = pos;
    return result;
  }

  /** A signed int64 varint (two's complement), exact up to 2^53 in magnitude. */
  int64(): number {
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let byte: number;
    do {
      if (this.pos >= buf.length) throw new MalformedRequestError('truncated varint');
      byte = buf[this.pos++];
      if (shift < 28) lo |= (byte & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (byte & 0x0f) << 28;
        hi |= (byte & 0x7f) >> 4;
      } else hi |= (byte & 0x7f) << (shift - 32);
      shift += 7;
    } while (byte & 0x80 && shift < 70);
    if (byte & 0x80) throw new MalformedRequestError('varint too long');
    lo >>>= 0;
    hi >>>= 0;
    return hi & 0x80000000 ? -((~hi >>> 0) * TWO_32 + (~lo >>> 0) + 1) : hi * TWO_32 + lo;
  }

  /** Reads a length prefix and returns the end offset of the field, checked against `limit`. */
  lengthEnd(limit: number): number {
    const len = this.varint();
    const end = this.pos + len;
    if (end > limit) throw new MalformedRequestError('length beyond message end');
    return end;
  }

  fixed32(limit: number): number {
    if (this.pos + 4 > limit) throw new MalformedRequestError('truncated fixed32');
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  string(limit: number): string {
    const end = this.lengthEnd(limit);
    const start = this.pos;
    this.pos = end;
    return this.buf.toString('utf8', start, end);
  }

  /** Like string(), through the cache of recurring strings (ASCII ones: compared char by char). */
  recurringString(limit: number): string {
    const buf = this.buf;
    const end = this.lengthEnd(limit);
    const start = this.pos;
    const len = end - start;
    this.pos = end;
    if (len > MAX_CACHED_LENGTH) return buf.toString('utf8', start, end);
    let h = 2166136261 ^ len;
    let bits = 0;
    for (let i = start; i < end; i++) {
      const byte = buf[i];
      bits |= byte;
      h = Math.imul(h ^ byte, 16777619);
    }
    if (bits & 0x80) return buf.toString('utf8', start, end);
    const slot = (h >>> 0) & (CACHE_SLOTS - 1);
    const cached = cachedStrings[slot];
    if (cached !== undefined && cached.length === len) {
      let i = 0;
      while (i < len && cached.charCodeAt(i) === buf[start + i]) i++;
      if (i === len) return cached;
    }
    // ASCII: latin1 decodes it exactly, without UTF-8 validation.
    const str = buf.toString('latin1', start, end);
    cachedStrings[slot] = str;
    return str;
  }

  /** Lower-case hex in one native call (a flat string: ids become map keys). */
  hex(limit: number): string {
    const end = this.lengthEnd(limit);
    const start = this.pos;
    this.pos = end;
    return start === end ? '' : this.buf.toString('hex', start, end);
  }

  skip(wireType: number, limit: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.pos = this.lengthEnd(limit);
        return;
      case 5:
        this.pos += 4;
        break;
      default:
        throw new MalformedRequestError(`unsupported wire type ${wireType}`);
    }
    if (this.pos > limit) throw new MalformedRequestError('truncated field');
  }

  /** Asserts a nested message ended exactly at its declared length. */
  expectEnd(end: number): void {
    if (this.pos !== end) throw new MalformedRequestError('field overruns its message');
  }
}

/** Attribute keys to decode; the others are skipped (and decoded from DecodedSpan.raw on demand). */
export type AttributeFilter = ReadonlySet<string>;

/**
 * Recognises the kept keys straight from their UTF-8 bytes: a skipped key never becomes a
 * string, and a kept one is the filter's own (interned) string.
 */
class KeyMatcher {
  /** Candidates by byte length. */
  private readonly byLength: { bytes: Buffer; key: string }[][] = [];

  constructor(keep: AttributeFilter) {
    for (const key of keep) {
      const bytes = Buffer.from(key, 'utf8');
      (this.byLength[bytes.length] ??= []).push({ bytes, key });
    }
  }

  match(buf: Buffer, start: number, end: number): string | undefined {
    const candidates = this.byLength[end - start];
    if (candidates === undefined) return undefined;
    // Compare from the end: kept keys share prefixes (`db.`, `code.`, `messaging.`).
    for (const c of candidates) {
      const bytes = c.bytes;
      let i = bytes.length - 1;
      while (i >= 0 && bytes[i] === buf[start + i]) i--;
      if (i < 0) return c.key;
    }
    return undefined;
  }
}

const matchers = new WeakMap<AttributeFilter, KeyMatcher>();

function matcherOf(keep: AttributeFilter): KeyMatcher {
  let m = matchers.get(keep);
  if (!m) matchers.set(keep, (m = new KeyMatcher(keep)));
  return m;
}

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

/**
 * Every attribute of a span, decoding its retained bytes when the filter skipped some. Skipped
 * values were never validated: a malformed one leaves just the attributes decoded at ingest.
 */
export function spanAttributes(span: DecodedSpan): Record<string, AttrValue> {
  if (!span.raw) return { ...span.attributes };
  try {
    const r = new Reader(Buffer.from(span.raw.buffer, span.raw.byteOffset, span.raw.byteLength));
    return decodeSpan(r, span.raw.byteLength, undefined)?.attributes ?? { ...span.attributes };
  } catch (err) {
    if (err instanceof MalformedRequestError) return { ...span.attributes };
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
      case (13 << 3) | 2: {
        const end = r.lengthEnd(limit);
        const link = decodeLink(r, end);
        r.expectEnd(end);
        if (link && links.length < MAX_LINKS) {
          if (links === NO_LINKS) links = [];
          links.push(link);
        }
        break;
      }
      case (15 << 3) | 2: {
        const end = r.lengthEnd(limit);
        error = decodeStatusIsError(r, end);
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
  return {
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
}

function decodeLink(r: Reader, limit: number): SpanLink | null {
  let traceId = '';
  let spanId = '';
  while (r.pos < limit) {
    const tag = r.varint();
    if (tag === ((1 << 3) | 2)) traceId = r.hex(limit);
    else if (tag === ((2 << 3) | 2)) spanId = r.hex(limit);
    else r.skip(tag & 7, limit);
  }
  return traceId.length === 32 && spanId.length === 16 ? { traceId, spanId } : null;
}

function decodeStatusIsError(r: Reader, limit: number): boolean {
  let code = 0;
  while (r.pos < limit) {
    const tag = r.varint();
    if (tag === ((3 << 3) | 0)) code = r.varint();
    else r.skip(tag & 7, limit);
  }
  return code === 2;
}

/** Decodes one KeyValue into `into` (no tuple per attribute: this is the hottest path). */
function decodeKeyValue(r: Reader, limit: number, depth: number, into: Record<string, unknown>): void {
  let key: string | undefined;
  let value: unknown;
  while (r.pos < limit) {
    const tag = r.varint();
    if (tag === ((1 << 3) | 2)) key = r.recurringString(limit);
    else if (tag === ((2 << 3) | 2)) {
      const end = r.lengthEnd(limit);
      value = decodeAnyValue(r, end, depth);
      r.expectEnd(end);
    } else r.skip(tag & 7, limit);
  }
  if (key === undefined || value === undefined) return;
  into[key.length > MAX_NAME ? clip(key, MAX_NAME) : key] = toAttrValue(value);
}

/** decodeKeyValue for a kept key only: anything else is skipped unread (the key may follow its value). */
function decodeKeptKeyValue(r: Reader, limit: number, into: Record<string, unknown>, keep: KeyMatcher): void {
  let keyStart = -1;
  let keyEnd = -1;
  let valueStart = -1;
  let valueEnd = -1;
  while (r.pos < limit) {
    const tag = r.varint();
    if (tag === ((1 << 3) | 2) || tag === ((2 << 3) | 2)) {
      const end = r.lengthEnd(limit);
      if (tag === ((1 << 3) | 2)) {
        keyStart = r.pos;
        keyEnd = end;
      } else {
        valueStart = r.pos;
        valueEnd = end;
      }
      r.pos = end;
    } else r.skip(tag & 7, limit);
  }
  if (keyStart < 0 || valueStart < 0) return;
  const key = keep.match(r.buf, keyStart, keyEnd);
  if (key === undefined) return;
  r.pos = valueStart;
  const value = decodeAnyValue(r, valueEnd, 0, true);
  r.expectEnd(valueEnd);
  r.pos = limit;
  if (value !== undefined) into[key] = toAttrValue(value);
}

/** Nested arrays / maps become compact JSON strings; long strings are clipped. */
function toAttrValue(v: unknown): AttrValue {
  if (typeof v === 'string') return v.length > MAX_STRING ? clip(v, MAX_STRING) : v;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return clip(JSON.stringify(v), MAX_STRING);
}

/** `recurring`: a string value goes through the cache (the kept values the topology keys maps by). */
function decodeAnyValue(r: Reader, limit: number, depth: number, recurring = false): unknown {
  if (depth > MAX_NESTING) throw new MalformedRequestError('attribute values nested too deeply');
  let value: unknown;
  while (r.pos < limit) {
    const tag = r.varint();
    switch (tag) {
      case (1 << 3) | 2:
        value = recurring ? r.recurringString(limit) : r.string(limit);
        break;
      case (2 << 3) | 0:
        value = r.varint() !== 0;
        break;
      case (3 << 3) | 0:
        value = r.int64();
        break;
      case (4 << 3) | 1:
        if (r.pos + 8 > limit) throw new MalformedRequestError('truncated double');
        value = r.buf.readDoubleLE(r.pos);
        r.pos += 8;
        break;
      case (5 << 3) | 2:
      case (6 << 3) | 2: {
        const end = r.lengthEnd(limit);
        value = decodeList(r, end, depth + 1, tag === ((6 << 3) | 2));
        r.expectEnd(end);
        break;
      }
      case (7 << 3) | 2: {
        const end = r.lengthEnd(limit);
        value = r.buf.toString('base64', r.pos, end);
        r.pos = end;
        break;
      }
      default:
        r.skip(tag & 7, limit);
    }
  }
  return value;
}

/** ArrayValue (values: AnyValue) or KeyValueList (values: KeyValue), both field 1. */
function decodeList(r: Reader, limit: number, depth: number, keyed: boolean): unknown {
  const items: unknown[] = [];
  const map: Record<string, unknown> = Object.create(null);
  while (r.pos < limit) {
    const tag = r.varint();
    if (tag === ((1 << 3) | 2)) {
      const end = r.lengthEnd(limit);
      if (keyed) decodeKeyValue(r, end, depth, map);
      else items.push(decodeAnyValue(r, end, depth) ?? null);
      r.expectEnd(end);
    } else r.skip(tag & 7, limit);
  }
  return keyed ? map : items;
}
