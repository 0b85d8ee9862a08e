// OTLP responses: ExportTraceServiceResponse (with partial_success) and google.rpc.Status
// error bodies, in protobuf (hand-encoded: two tiny messages) or JSON.

export interface ExportOutcome {
  rejected: number;
  message?: string;
}

export function encodeExportResponseProto(o: ExportOutcome): Buffer {
  if (o.rejected <= 0 && !o.message) return Buffer.alloc(0);
  // ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
  const partial = Buffer.concat([varintField(1, o.rejected), stringField(2, o.message ?? '')]);
  // ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
  return Buffer.concat([tag(1, 2), varint(partial.length), partial]);
}

/** partial_success's count field per signal (the protobuf layouts are the same: field 1). */
const REJECTED_JSON = { traces: 'rejectedSpans', metrics: 'rejectedDataPoints', logs: 'rejectedLogRecords' } as const;

export function exportResponseJson(o: ExportOutcome, signal: keyof typeof REJECTED_JSON = 'traces'): string {
  if (o.rejected <= 0 && !o.message) return '{}';
  return JSON.stringify({ partialSuccess: { [REJECTED_JSON[signal]]: String(o.rejected), errorMessage: o.message ?? '' } });
}

/** google.rpc.Status { int32 code = 1; string message = 2; } with a gRPC status code. */
export function encodeStatusProto(code: number, message: string): Buffer {
  return Buffer.concat([varintField(1, code), stringField(2, message)]);
}

export function statusJson(code: number, message: string): string {
  return JSON.stringify({ code, message });
}

function varintField(field: number, n: number): Buffer {
  return Buffer.concat([tag(field, 0), varint(n)]);
}

function stringField(field: number, s: string): Buffer {
  if (!s) return Buffer.alloc(0);
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([tag(field, 2), varint(bytes.length), bytes]);
}

function tag(field: number, wireType: number): Buffer {
  return varint((field << 3) | wireType);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = Math.max(0, Math.floor(n));
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}
