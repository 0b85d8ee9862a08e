// Writes retained spans as OTLP JSON-lines: one ExportTraceServiceRequest of at most
// SPANS_PER_LINE spans per line, so the file is built (and later read) one bounded line at a time.

import { open, stat } from 'node:fs/promises';
import type { TraceExportResult } from '../../../../common/src/telemetry';
import { encodeTraceRequestJson } from '../otlp/jsonEncoder';
import type { SpanDetail } from '../otlp/protoDecoder';
import type { DecodedSpan } from '../otlp/span';

const SPANS_PER_LINE = 500;

export async function exportTraceFile(path: string, spans: readonly DecodedSpan[], detail: (s: DecodedSpan) => SpanDetail): Promise<TraceExportResult> {
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isFile()) throw new Error(`${path} is not a regular file`);
  const file = await open(path, 'w').catch((err: Error) => {
    throw new Error(`could not write ${path}: ${err.message}`);
  });
  let requests = 0;
  try {
    for (let i = 0; i < spans.length; i += SPANS_PER_LINE) {
      await file.write(encodeTraceRequestJson(spans.slice(i, i + SPANS_PER_LINE), detail) + '\n');
      requests++;
    }
  } catch (err) {
    throw new Error(`could not write ${path}: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await file.close();
  }
  return { spans: spans.length, requests };
}
