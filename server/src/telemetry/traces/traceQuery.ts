// The filters of GET /api/traces read from untrusted input (query parameters, a webview message,
// an LSP request): known fields only, each checked; a malformed one is left out, never passed on.

import type { TraceQuery } from '../../../../common/src/traces';

/** The longest list any host answers (also the store's own cap). */
export const MAX_TRACE_QUERY_LIMIT = 200;
const MAX_FILTER_LENGTH = 1024;
const TEXT_FILTERS = ['service', 'edgeId', 'nodeId', 'flow', 'step', 'name'] as const;

export function traceQueryOf(p: URLSearchParams): TraceQuery {
  const raw: Record<string, unknown> = {};
  for (const [k, v] of p) raw[k] = v;
  return sanitizeTraceQuery(raw);
}

/** A TraceQuery from an object off the wire (numbers may come as strings, as in a URL). */
export function sanitizeTraceQuery(v: unknown): TraceQuery {
  const src = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const q: TraceQuery = {};
  for (const k of TEXT_FILTERS) {
    const s = src[k];
    if (typeof s === 'string' && s !== '' && s.length <= MAX_FILTER_LENGTH) q[k] = s;
  }
  if (src.status === 'error') q.status = 'error';
  if (src.order === 'newest' || src.order === 'slowest' || src.order === 'errors') q.order = src.order;
  const min = numberOf(src.minDurationMs);
  if (min !== undefined && min >= 0) q.minDurationMs = min;
  const limit = numberOf(src.limit);
  if (limit !== undefined && Number.isInteger(limit) && limit > 0) q.limit = Math.min(limit, MAX_TRACE_QUERY_LIMIT);
  return q;
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
