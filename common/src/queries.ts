// The filters of GET /api/spans and GET /api/traces read from untrusted input (query parameters,
// a webview message, an LSP request): known fields only, each checked; a malformed one is left
// out, never passed on. Every host reads them here, so each answers the same question alike.

import type { SpanQuery } from './telemetry';
import type { TraceQuery } from './traces';

/** The longest list any host answers (also the store's own cap). */
export const MAX_TRACE_QUERY_LIMIT = 200;
const MAX_FILTER_LENGTH = 1024;
const TEXT_FILTERS = ['service', 'edgeId', 'nodeId', 'flow', 'step', 'name'] as const;

/** From query parameters (a URLSearchParams). */
export function traceQueryOf(p: Iterable<[string, string]>): TraceQuery {
  return sanitizeTraceQuery(Object.fromEntries(p));
}

/** A TraceQuery from an object off the wire (numbers may come as strings, as in a URL). */
export function sanitizeTraceQuery(v: unknown): TraceQuery {
  const src = recordOf(v);
  const q: TraceQuery = textFilters(src);
  if (src.status === 'error') q.status = 'error';
  if (src.order === 'newest' || src.order === 'slowest' || src.order === 'errors') q.order = src.order;
  const min = numberOf(src.minDurationMs);
  if (min !== undefined && min >= 0) q.minDurationMs = min;
  const limit = limitOf(src.limit);
  if (limit !== undefined) q.limit = Math.min(limit, MAX_TRACE_QUERY_LIMIT);
  return q;
}

/** From query parameters (a URLSearchParams). */
export function spanQueryOf(p: Iterable<[string, string]>): SpanQuery {
  return sanitizeSpanQuery(Object.fromEntries(p));
}

/** A SpanQuery from an object off the wire. */
export function sanitizeSpanQuery(v: unknown): SpanQuery {
  const src = recordOf(v);
  const q: SpanQuery = textFilters(src);
  const limit = limitOf(src.limit);
  if (limit !== undefined) q.limit = limit;
  return q;
}

function recordOf(v: unknown): Record<string, unknown> {
  return (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
}

function textFilters(src: Record<string, unknown>): Partial<Record<(typeof TEXT_FILTERS)[number], string>> {
  const q: Partial<Record<(typeof TEXT_FILTERS)[number], string>> = {};
  for (const k of TEXT_FILTERS) {
    const s = src[k];
    if (typeof s === 'string' && s !== '' && s.length <= MAX_FILTER_LENGTH) q[k] = s;
  }
  return q;
}

function limitOf(v: unknown): number | undefined {
  const n = numberOf(v);
  return n !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** `/api/traces/{traceId}`: the id (lower case), null for a malformed one, undefined for another path. */
export function traceIdOfPath(path: string): string | null | undefined {
  const m = /^\/api\/traces\/([^/]*)$/.exec(path);
  if (!m) return undefined;
  return /^[0-9a-fA-F]{32}$/.test(m[1]) ? m[1].toLowerCase() : null;
}

function numberOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}
