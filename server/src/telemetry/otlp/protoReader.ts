// The protobuf wire reader of the trace decoder: varints, fixed fields, strings (recurring ones
// through a small cache), hex ids; every length is checked against its message's end, so
// truncated or random input throws MalformedRequestError and never reads past the buffer.

import { MalformedRequestError } from './span';

export const TWO_32 = 4294967296;

// Span names, attribute keys and the kept attribute values repeat across spans: a small hash
// table from ASCII bytes to the string already built hands back one string (its hash cached
// by V8 for the topology's map lookups) instead of a fresh one per span.
const CACHE_SLOTS = 1024;
const MAX_CACHED_LENGTH = 64;
const cachedStrings = new Array<string | undefined>(CACHE_SLOTS);

export class Reader {
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
