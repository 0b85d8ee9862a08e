// A minimal protobuf wire-format walker for the OTLP messages we only count and index (logs,
// metrics): each call visits one message's fields, bounds-checked; malformed input throws.

import { MalformedRequestError } from './span';

export interface Field {
  no: number;
  /** Length-delimited: the payload's [start, end); other wire types: start = end. */
  start: number;
  end: number;
  /** Varint value (as a number, may lose precision above 2^53: only used for small ints). */
  varint: number;
}

const TWO_32 = 4294967296;

export function forEachField(buf: Uint8Array, start: number, end: number, visit: (f: Field) => void): void {
  let pos = start;
  const f: Field = { no: 0, start: 0, end: 0, varint: 0 };
  const readVarint = (): number => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw new MalformedRequestError('truncated varint');
      const b = buf[pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new MalformedRequestError('varint too long');
  };
  while (pos < end) {
    const key = readVarint();
    f.no = Math.floor(key / 8);
    const wire = key % 8;
    f.varint = 0;
    if (f.no === 0) throw new MalformedRequestError('field number 0');
    if (wire === 0) {
      f.varint = readVarint();
      f.start = f.end = pos;
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (pos + n > end) throw new MalformedRequestError('truncated fixed field');
      if (wire === 5) f.varint = (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16)) + buf[pos + 3] * 16777216;
      else f.varint = (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16)) + buf[pos + 3] * 16777216 + ((buf[pos + 4] | (buf[pos + 5] << 8) | (buf[pos + 6] << 16)) + buf[pos + 7] * 16777216) * TWO_32;
      pos += n;
      f.start = f.end = pos;
    } else if (wire === 2) {
      const len = readVarint();
      if (pos + len > end) throw new MalformedRequestError('length past the end of the message');
      f.start = pos;
      f.end = pos + len;
      pos += len;
    } else throw new MalformedRequestError(`unsupported wire type ${wire}`);
    visit(f);
  }
}

export function utf8(buf: Uint8Array, f: Field): string {
  return Buffer.from(buf.buffer, buf.byteOffset + f.start, f.end - f.start).toString('utf8');
}

export function hex(buf: Uint8Array, f: Field): string {
  return Buffer.from(buf.buffer, buf.byteOffset + f.start, f.end - f.start).toString('hex');
}
