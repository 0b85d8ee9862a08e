// Protobuf KeyValue / AnyValue decoding for the trace decoder: every attribute, or only the keys
// of an AttributeFilter (recognised from their bytes, so a skipped key never becomes a string).

import { clip, LIMITS, MalformedRequestError, type AttrValue } from './span';
import type { Reader } from './protoReader';

const { maxNameLength: MAX_NAME, maxStringLength: MAX_STRING, maxNesting: MAX_NESTING } = LIMITS;

/** Attribute keys to decode; the others are skipped (and decoded from DecodedSpan.raw on demand). */
export type AttributeFilter = ReadonlySet<string>;

/**
 * Recognises the kept keys straight from their UTF-8 bytes: a skipped key never becomes a
 * string, and a kept one is the filter's own (interned) string.
 */
export class KeyMatcher {
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

export function matcherOf(keep: AttributeFilter): KeyMatcher {
  let m = matchers.get(keep);
  if (!m) matchers.set(keep, (m = new KeyMatcher(keep)));
  return m;
}

/** Decodes one KeyValue into `into` (no tuple per attribute: this is the hottest path). */
export function decodeKeyValue(r: Reader, limit: number, depth: number, into: Record<string, unknown>, maxString = MAX_STRING): void {
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
  into[key.length > MAX_NAME ? clip(key, MAX_NAME) : key] = toAttrValue(value, maxString);
}

/** decodeKeyValue for a kept key only: anything else is skipped unread (the key may follow its value). */
export function decodeKeptKeyValue(r: Reader, limit: number, into: Record<string, unknown>, keep: KeyMatcher): void {
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
export function toAttrValue(v: unknown, maxString = MAX_STRING): AttrValue {
  if (typeof v === 'string') return v.length > maxString ? clip(v, maxString) : v;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return clip(JSON.stringify(v), maxString);
}

/** `recurring`: a string value goes through the cache (the kept values the topology keys maps by). */
export function decodeAnyValue(r: Reader, limit: number, depth: number, recurring = false): unknown {
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
  const map = Object.create(null) as Record<string, unknown>;
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
