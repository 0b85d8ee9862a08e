// The normalised span every decoder (protobuf, JSON) produces and the topology engine consumes.
// Lives only inside the worker: it is never cloned to the main thread.

export type AttrValue = string | number | boolean;

/** OTLP SpanKind numbers. */
export const SpanKind = { UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
export const SPAN_KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;

export interface SpanLink {
  traceId: string;
  spanId: string;
  /** Only when the link has attributes (decoded in full, not on the receiver's hot path). */
  attributes?: Record<string, AttrValue>;
}

/** A span event (an exception: `exception.type`, `exception.message`, `exception.stacktrace`). */
export interface SpanEvent {
  name: string;
  timeMs: number;
  attributes: Record<string, AttrValue>;
}

export interface DecodedSpan {
  /** Lower-case hex. */
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  kind: number;
  startMs: number;
  durationMs: number;
  error: boolean;
  service: string;
  scope: string;
  /** Span attributes: untrusted keys, primitive values only (so `__proto__` cannot change a prototype). */
  attributes: Record<string, AttrValue>;
  links: SpanLink[];
  /**
   * Span events and the status message, when decoded in full (OTLP/JSON, or protobuf without an
   * attribute filter); the receiver's protobuf hot path leaves them in `raw` (spanDetail).
   */
  events?: SpanEvent[];
  statusMessage?: string;
  /** 1 when the status is OK (decoded in full only; `error` says ERROR on every path). */
  statusCode?: number;
  /**
   * The span's own protobuf bytes when the decoder kept only some attributes: the rest are
   * decoded from here for drill-down (spanAttributes in protoDecoder.ts).
   */
  raw?: Uint8Array;
}

export interface DecodeResult {
  spans: DecodedSpan[];
  /** Spans refused by the decoder (bad ids, over limits). */
  rejected: number;
  message?: string;
}

/** Why the decoders refused spans inside an otherwise valid request, by count. */
export interface Rejections {
  /** A missing, malformed or all-zero trace or span id (or a malformed parent id). */
  ids: number;
  /** An entry of a JSON spans array that is not an object (`1`, `"x"`, `null`, an array). */
  notSpan: number;
  /** A protobuf span whose bytes do not decode (its length prefix held, its fields did not). */
  malformed: number;
}

export function noRejections(): Rejections {
  return { ids: 0, notSpan: 0, malformed: 0 };
}

/** The partial_success error_message for what was refused, or undefined when nothing was. */
export function rejectionMessage(r: Rejections): string | undefined {
  const parts: string[] = [];
  if (r.ids) parts.push(`${r.ids} with a missing or invalid trace or span id`);
  if (r.notSpan) parts.push(`${r.notSpan} not a span object`);
  if (r.malformed) parts.push(`${r.malformed} with malformed fields`);
  const total = r.ids + r.notSpan + r.malformed;
  return total > 0 ? `${total} span(s) rejected: ${parts.join(', ')}` : undefined;
}

export const ZERO_TRACE_ID = '0'.repeat(32);
export const ZERO_SPAN_ID = '0'.repeat(16);

/** Thrown for a body that is not a valid OTLP export request. */
export class MalformedRequestError extends Error {}

/** Per-span and per-value caps: attribute data comes from outside. */
export const LIMITS = {
  maxAttributesPerSpan: 128,
  maxStringLength: 4096,
  maxNameLength: 1024,
  maxLinksPerSpan: 32,
  maxNesting: 8,
  maxEventsPerSpan: 64,
  maxAttributesPerEvent: 32,
  /** A stack trace is the one value worth more than maxStringLength (deep Java stacks pass 4 KiB). */
  maxStacktraceLength: 16_384,
};

/** The event attribute allowed maxStacktraceLength. */
export const STACKTRACE_KEY = 'exception.stacktrace';

export const UNKNOWN_SERVICE = 'unknown_service';

export function clip(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) + '…' : s;
}

/** service.name from the resource, else from the span (contract §1 fallback). */
export function serviceOf(resourceService: string | undefined, attributes: Record<string, AttrValue>): string {
  if (resourceService) return resourceService;
  const v = attributes['service.name'];
  return typeof v === 'string' && v ? v : UNKNOWN_SERVICE;
}
