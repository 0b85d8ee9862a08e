// GET /api/traces and GET /api/traces/{traceId} over any trace source (a `serve --source
// jaeger=…`, or the local receiver's store behind the same interface). A failing source answers
// 502 with its reason (the message names the source), never a 500 that hides which one failed.
// The webview's requestTraces / requestTrace reach the same source through common/src/mapAnswers.ts.

import type { ServerResponse } from 'node:http';
import { traceIdOfPath, traceQueryOf } from '../../../common/src/queries';
import type { TraceSource } from '../telemetry/sources';

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
  const id = traceIdOfPath(url.pathname);
  if (id === undefined) return false;
  if (id === null) {
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

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
