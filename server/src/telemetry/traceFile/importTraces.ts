// Imports an OTLP JSON trace file into the receiver: one ExportTraceServiceRequest per line (the
// collector file exporter's format) or one JSON document (possibly pretty-printed). Lines are
// decoded one at a time with the receiver's own decoder; malformed or oversized lines are
// skipped and counted.

import { readFile, stat } from 'node:fs/promises';
import type { TraceImportResult } from '../../../../common/src/telemetry';
import { decodeTraceRequestJson } from '../otlp/jsonDecoder';
import { MalformedRequestError, type DecodeResult } from '../otlp/span';
import { readLines } from './lineReader';

export async function importTraceFile(path: string, maxLineBytes: number, ingest: (decoded: DecodeResult) => void): Promise<TraceImportResult> {
  const info = await stat(path).catch((err: Error) => {
    throw new Error(`could not read ${path}: ${err.message}`);
  });
  if (!info.isFile()) throw new Error(`${path} is not a regular file`);
  const result: TraceImportResult = { spans: 0, requests: 0, rejectedLines: 0 };
  const feed = (text: string): boolean => {
    const decoded = tryDecode(text);
    if (!decoded) return false;
    ingest(decoded);
    result.requests++;
    result.spans += decoded.spans.length;
    return true;
  };
  try {
    for await (const line of readLines(path, maxLineBytes)) {
      if ('tooLong' in line) result.rejectedLines++;
      else if (line.text.trim() !== '' && !feed(line.text)) result.rejectedLines++;
    }
    // No line was a request on its own: the file may be one pretty-printed request.
    if (result.requests === 0 && result.rejectedLines > 0 && info.size <= maxLineBytes && feed(await readFile(path, 'utf8'))) {
      result.rejectedLines = 0;
    }
  } catch (err) {
    throw new Error(`could not read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return result;
}

function tryDecode(text: string): DecodeResult | undefined {
  try {
    return decodeTraceRequestJson(text);
  } catch (err) {
    if (err instanceof MalformedRequestError) return undefined;
    throw err;
  }
}
