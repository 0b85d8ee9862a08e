// Reads a request body with a size limit on the decompressed bytes: a gzip bomb stops at the
// limit instead of filling memory.

import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';

export class BodyTooLargeError extends Error {}
export class BadEncodingError extends Error {}
/** The receiver's budget of bytes in flight ran out while this body was arriving. */
export class ReceiverBusyError extends Error {}

/** A body of at most this declared length is read into one buffer allocated up front. */
const PREALLOCATE_MAX = 256 * 1024;

/**
 * `take(n)` is asked before each chunk is kept: it accounts the bytes (real bytes held, never a
 * declared length) and returns false when the receiver's budget is spent (ReceiverBusyError).
 */
export function readBody(req: IncomingMessage, maxBytes: number, take: (n: number) => boolean = () => true): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') return Promise.reject(new BadEncodingError(`unsupported content-encoding ${encoding}`));
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(new BodyTooLargeError(`body over ${maxBytes} bytes`));
  return new Promise((resolve, reject) => {
    // A small plain body of known length is copied once, into its final buffer (no chunk list to
    // concat). A large one is not allocated before its bytes arrive: a declared length is no
    // promise, and slow senders announcing big bodies would hold that memory for nothing.
    const into = encoding === 'identity' && Number.isInteger(declared) && declared > 0 && declared <= PREALLOCATE_MAX ? Buffer.allocUnsafe(declared) : undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    const source = encoding === 'gzip' ? req.pipe(createGunzip()) : req;
    const fail = (err: Error) => {
      req.unpipe();
      source.removeAllListeners('data');
      req.resume();
      reject(err);
    };
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        if (source !== req) source.destroy();
        fail(new BodyTooLargeError(`body over ${maxBytes} bytes after decompression`));
        return;
      }
      if (!take(chunk.length)) {
        if (source !== req) source.destroy();
        fail(new ReceiverBusyError('receiver is busy, retry later'));
        return;
      }
      if (!into) chunks.push(chunk);
      else if (size <= into.length) chunk.copy(into, size - chunk.length);
      else fail(new BadEncodingError('body longer than its content-length'));
    });
    source.on('end', () => resolve(into ? into.subarray(0, size) : Buffer.concat(chunks, size)));
    source.on('error', (err) => fail(encoding === 'gzip' ? new BadEncodingError(`invalid gzip body: ${err.message}`) : err));
    if (source !== req) req.on('error', (err) => fail(err));
    // A sender that goes away (or is timed out) mid-body: settle, so its bytes are released.
    req.on('close', () => {
      if (!req.complete) fail(new BadEncodingError('request aborted before its body ended'));
    });
  });
}
