// Read-only routes on the receiver's HTTP port, so a second VS Code window (which cannot own the
// port) and the MCP server can read this receiver's live data: GET /api/graph (the whole graph,
// as `serve` answers), GET /api/events (SSE of ToWebview 'init', then 'delta' / 'receiver'
// messages), and GET /api/traces, /api/traces/{traceId} (docs/api.md; no `code` here: the worker
// does not know the workspace, the editor and the MCP server add it). Served on
// loopback binds only, with the same bearer token as /v1/traces, and only to loopback Host names
// (a DNS-rebinding page cannot read them).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Graph, GraphDelta } from '../../../../common/src/graph';
import type { ToWebview } from '../../../../common/src/protocol';
import type { ReceiverStatus } from '../../../../common/src/telemetry';
import type { TraceDetail, TraceList, TraceQuery } from '../../../../common/src/traces';
import { traceIdOfPath, traceQueryOf } from '../../../../common/src/queries';
import { authorized } from './auth';
import { allowedHost } from './hostGuard';
import { SseHub, sseFrame, type SseHubStats } from './sseHub';

export interface ReadApiSource {
  graph(): Graph;
  status(): ReceiverStatus;
  traces(q: TraceQuery): TraceList;
  trace(traceId: string): TraceDetail | null;
}

const MAX_SSE_CLIENTS = 8;
const SSE_PING_MS = 15_000;

export class ReadApi {
  private readonly sse: SseHub;

  constructor(private readonly source: ReadApiSource, private readonly token: string) {
    this.sse = new SseHub({ maxClients: MAX_SSE_CLIENTS, pingMs: SSE_PING_MS, resync: () => sseFrame({ type: 'delta', delta: resetDelta(source.graph()) }) });
  }

  /** Answers the read-only routes; false (nothing sent) for any other path. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const traceId = traceIdOfPath(path);
    if (path !== '/api/graph' && path !== '/api/events' && path !== '/api/traces' && traceId === undefined) return false;
    if (req.method !== 'GET') return json(res, 405, { error: 'use GET' }, { allow: 'GET' });
    if (!allowedHost(req)) return json(res, 403, { error: 'unexpected Host header' });
    if (!authorized(req.headers.authorization, this.token)) return json(res, 401, { error: 'missing or wrong bearer token' });
    if (path === '/api/graph') return json(res, 200, this.source.graph());
    if (path === '/api/traces') return json(res, 200, this.source.traces(traceQueryOf(new URL(req.url ?? '/', 'http://localhost').searchParams)));
    if (traceId === null) return json(res, 400, { error: 'a trace id is 32 hex digits' });
    if (traceId) {
      const trace = this.source.trace(traceId);
      return trace ? json(res, 200, trace) : json(res, 404, { error: `no trace ${traceId} is kept here` });
    }
    const init: ToWebview = { type: 'init', host: 'browser', graph: this.source.graph(), receiver: this.source.status(), sites: [] };
    if (!this.sse.add(res, sseFrame(init))) return json(res, 503, { error: 'too many viewers' });
    return true;
  }

  broadcast(m: ToWebview): void {
    if (this.sse.size > 0) this.sse.broadcast(m.type, sseFrame(m));
  }

  stats(): SseHubStats {
    return this.sse.stats();
  }

  close(): void {
    this.sse.close();
  }
}

/** The whole graph as one delta that replaces what a consumer holds (a client that missed deltas). */
export function resetDelta(g: Graph): GraphDelta {
  return { nodes: g.nodes, edges: g.edges, flows: g.flows, removedNodeIds: [], removedEdgeIds: [], removedFlowNames: [], stats: g.stats, reset: true };
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): true {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
  return true;
}
