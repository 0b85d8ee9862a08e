// Reads a file line by line with a cap on each line: a huge or endless line is skipped (and
// reported) instead of being buffered, so memory stays bounded by the cap whatever the file holds.

import { createReadStream } from 'node:fs';

export type Line = { text: string } | { tooLong: true };

export async function* readLines(path: string, maxLineBytes: number): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  const take = (): Line => {
    const text = Buffer.concat(parts, size).toString('utf8');
    parts = [];
    size = 0;
    return { text: text.endsWith('\r') ? text.slice(0, -1) : text };
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl < 0 ? chunk.length : nl;
      if (!skipping) {
        size += end - start;
        if (size > maxLineBytes) {
          skipping = true;
          parts = [];
          size = 0;
        } else parts.push(Buffer.from(chunk.subarray(start, end))); // a copy: the read buffer may be reused
      }
      if (nl < 0) break;
      if (skipping) yield { tooLong: true };
      else yield take();
      skipping = false;
      start = nl + 1;
    }
  }
  if (skipping) yield { tooLong: true };
  else if (size > 0) yield take();
}
