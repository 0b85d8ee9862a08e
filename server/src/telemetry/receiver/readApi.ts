// Read-only routes on the receiver's HTTP port, so a second VS Code window (which cannot own the
// port) can show this receiver's live data: GET /api/graph (the whole graph, as `serve` answers)
// and GET /api/events (SSE of ToWebview 'init', then 'delta' / 'receiver' messages). Served on
// loopback binds only, with the same bearer token as /v1/traces, and only to loopback Host names
// (a DNS-rebinding page cannot read them).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Graph } from '../../../../common/src/graph';
import type { ToWebview } from '../../../../common/src/protocol';
import type { ReceiverStatus } from '../../../../common/src/telemetry';
import { authorized } from './auth';
import { allowedHost } from './hostGuard';

export interface ReadApiSource {
  graph(): Graph;
  status(): ReceiverStatus;
}

const MAX_SSE_CLIENTS = 8;
const SSE_PING_MS = 15_000;

export class ReadApi {
  private readonly clients = new Set<ServerResponse>();
  private readonly ping: NodeJS.Timeout;

  constructor(private readonly source: ReadApiSource, private readonly token: string) {
    this.ping = setInterval(() => this.write(': ping\n\n'), SSE_PING_MS);
    this.ping.unref();
  }

  /** Answers the read-only routes; false (nothing sent) for any other path. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (path !== '/api/graph' && path !== '/api/events') return false;
    if (req.method !== 'GET') return json(res, 405, { error: 'use GET' }, { allow: 'GET' });
    if (!allowedHost(req)) return json(res, 403, { error: 'unexpected Host header' });
    if (!authorized(req.headers.authorization, this.token)) return json(res, 401, { error: 'missing or wrong bearer token' });
    if (path === '/api/graph') return json(res, 200, this.source.graph());
    if (this.clients.size >= MAX_SSE_CLIENTS) return json(res, 503, { error: 'too many viewers' });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const init: ToWebview = { type: 'init', host: 'browser', graph: this.source.graph(), receiver: this.source.status(), sites: [] };
    res.write(frame(init));
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    return true;
  }

  broadcast(m: ToWebview): void {
    if (this.clients.size > 0) this.write(frame(m));
  }

  close(): void {
    clearInterval(this.ping);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private write(text: string): void {
    for (const res of this.clients) res.write(text);
  }
}

function frame(m: ToWebview): string {
  return `data: ${JSON.stringify(m)}\n\n`;
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): true {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
  return true;
}
