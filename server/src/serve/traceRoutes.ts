// GET /api/traces and GET /api/traces/{traceId} over any trace source (a `serve --source
// jaeger=…`, or the local receiver's store behind the same interface), and the webview's
// requestTraces / requestTrace answered from the same source. A failing source answers 502 with
// its reason (the message names the source), never a 500 that hides which one failed.

import type { ServerResponse } from 'node:http';
import type { ToWebview } from '../../../common/src/protocol';
import type { TraceQuery } from '../../../common/src/traces';
import type { TraceSource } from '../telemetry/sources';

const MAX_TRACES = 500;

/** Handles the request when it is a trace route; false when it is not one. */
export async function traceRoute(url: URL, source: TraceSource, json: (res: ServerResponse, status: number, body: unknown) => void, res: ServerResponse): Promise<boolean> {
  if (url.pathname === '/api/traces') {
    try {
      json(res, 200, await source.traces(traceQueryOf(url.searchParams)));
    } catch (err) {
      json(res, 502, { error: messageOf(err) });
    }
    return true;
  }
  const m = /^\/api\/traces\/([^/]+)$/.exec(url.pathname);
  if (!m) return false;
  const id = m[1].toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(id)) {
    json(res, 400, { error: 'a trace id is 32 hex digits' });
    return true;
  }
  try {
    const trace = await source.trace(id);
    json(res, trace ? 200 : 404, trace ?? { error: `no trace ${id} in ${source.name}` });
  } catch (err) {
    json(res, 502, { error: messageOf(err) });
  }
  return true;
}

/** The webview's trace requests answered from a trace source. */
export async function answerTraceMessage(
  m: { type: 'requestTraces'; requestId: number; query: TraceQuery } | { type: 'requestTrace'; requestId: number; traceId: string },
  source: TraceSource,
): Promise<ToWebview> {
  try {
    if (m.type === 'requestTraces') return { type: 'traces', requestId: m.requestId, result: await source.traces(traceQueryOf(paramsOf(m.query))) };
    return { type: 'trace', requestId: m.requestId, trace: await source.trace(m.traceId) };
  } catch (err) {
    return m.type === 'requestTraces'
      ? { type: 'traces', requestId: m.requestId, result: { traces: [], source: source.name }, error: messageOf(err) }
      : { type: 'trace', requestId: m.requestId, trace: null, error: messageOf(err) };
  }
}

/** A TraceQuery from query parameters, each checked: unknown or malformed ones are left out. */
export function traceQueryOf(p: URLSearchParams): TraceQuery {
  const q: TraceQuery = {};
  for (const k of ['service', 'edgeId', 'nodeId', 'flow', 'step', 'name'] as const) {
    const v = p.get(k);
    if (v) q[k] = v.slice(0, 1024);
  }
  if (p.get('status') === 'error') q.status = 'error';
  const order = p.get('order');
  if (order === 'newest' || order === 'slowest' || order === 'errors') q.order = order;
  const min = Number(p.get('minDurationMs'));
  if (p.has('minDurationMs') && Number.isFinite(min) && min >= 0) q.minDurationMs = min;
  const limit = Number(p.get('limit'));
  if (Number.isInteger(limit) && limit > 0) q.limit = Math.min(limit, MAX_TRACES);
  return q;
}

function paramsOf(q: object): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (typeof v === 'string' || typeof v === 'number') params.set(k, String(v));
  return params;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
