// The loopback HTTP server of `serve`: the map page, its assets, the browser-host protocol
// (SSE down, POST /api/message up) and a small JSON / Prometheus API over the telemetry host.

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { answerMapRequest, isMapRequest, type MapBackend } from '../../../common/src/mapAnswers';
import { isFromWebview, type FromWebview, type ToWebview } from '../../../common/src/protocol';
import { spanQueryOf } from '../../../common/src/queries';
import { edgeDiffOf } from '../telemetry/history';
import type { TelemetryHost } from '../telemetry/host';
import { tokenMatches } from '../telemetry/receiver/auth';
import { readBody } from '../telemetry/receiver/body';
import { resetDelta } from '../telemetry/receiver/readApi';
import { SseHub, sseFrame } from '../telemetry/receiver/sseHub';
import { servePage } from './page';
import { allowedHost } from '../telemetry/receiver/hostGuard';
import type { SiteSource } from './workspaceSites';
import type { SourceStatus, TraceSource } from '../telemetry/sources';
import { traceRoute } from './traceRoutes';
import { localTraceSource, withSiteCode } from './localTraces';
import type { McpHttpHandler } from '../mcp/httpEndpoint';

export interface UiServerOptions {
  host: TelemetryHost;
  /** Folder holding webview.js (and webview.css when the bundle has styles). */
  distDir: string;
  /** When set, every request needs it (Bearer header, or ?token= once, which sets a cookie). */
  token?: string;
  /** The workspace's code sites for code links; none when absent. */
  sites?: SiteSource;
  /** The folder runtime code.* paths of spans are mapped into (`--workspace`). */
  workspace?: string;
  /** POST /api/debug/crash-worker (`serve --debug-hooks`, for the soak and tests only). */
  debugHooks?: boolean;
  /** The states of `serve --source` sources, for /healthz (a failed one makes it 503). */
  sources?: () => SourceStatus[];
  /** Where /api/traces and the webview's trace requests are answered from (`serve --source jaeger=…`); else the local receiver's trace store. */
  traceSource?: TraceSource;
  /** The MCP server over Streamable HTTP at /mcp (`serve --mcp`), behind the same Host and token checks as the API. */
  mcp?: McpHttpHandler;
}

const MAX_MESSAGE_BYTES = 64 * 1024;
const MAX_SSE_CLIENTS = 32;
const SSE_PING_MS = 15_000;

export function createUiServer(opts: UiServerOptions): Server {
  const { host } = opts;
  const traces = withSiteCode(opts.traceSource ?? localTraceSource(host), opts.sites, opts.workspace);
  // A map that stops reading gets the latest graph when it drains, never a queue of deltas.
  const sse = new SseHub({ maxClients: MAX_SSE_CLIENTS, pingMs: SSE_PING_MS, resync: () => sseFrame({ type: 'delta', delta: resetDelta(host.currentGraph()) }) });
  const broadcast = (m: ToWebview) => sse.broadcast(m.type, sseFrame(m));
  host.onDelta((delta) => broadcast({ type: 'delta', delta }));
  host.onStatus((status) => broadcast({ type: 'receiver', status }));
  opts.sites?.onChange((sites) => broadcast({ type: 'sites', sites }));

  const server = createServer((req, res) => {
    route(req, res).catch(() => {
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.end();
    });
  });
  server.on('close', () => sse.close());

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!allowedHost(req)) return json(res, 403, { error: 'unexpected Host header' });
    if (!authorized(req, url, res, opts.token)) return json(res, 401, { error: 'missing or wrong token' });
    const key = `${req.method} ${url.pathname}`;
    switch (key) {
      case 'GET /': {
        const nonce = randomBytes(16).toString('base64');
        const page = servePage(nonce, existsSync(join(opts.distDir, 'webview.css')));
        return send(res, 200, 'text/html; charset=utf-8', page.html, { 'content-security-policy': page.csp });
      }
      case 'GET /webview.js':
      case 'GET /webview.css':
        return asset(res, join(opts.distDir, url.pathname.slice(1)), url.pathname.endsWith('.js') ? 'text/javascript' : 'text/css');
      case 'GET /api/events':
        return events(res);
      case 'POST /api/message':
        return message(req, res);
      case 'GET /api/graph':
        return json(res, 200, await host.graph());
      case 'GET /api/spans':
        return json(res, 200, await host.spans(spanQueryOf(url.searchParams)));
      case 'GET /api/diff': {
        const since = Number(url.searchParams.get('since'));
        if (!url.searchParams.has('since') || !Number.isFinite(since)) return json(res, 400, { error: 'since must be epoch milliseconds' });
        return json(res, 200, await host.diff(since));
      }
      case 'GET /metrics':
        return send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', await host.metrics());
      case 'GET /healthz':
        return health(res);
      case 'POST /api/debug/crash-worker':
        if (!opts.debugHooks) return json(res, 404, { error: 'not found' });
        host.debugCrash(url.searchParams.get('mode') === 'stall' ? 'stall' : 'exit');
        return json(res, 202, { crashing: true });
      default:
        if (req.method === 'GET' && (await traceRoute(url, traces, json, res))) return;
        if (url.pathname === '/mcp' && opts.mcp) return opts.mcp(req, res);
        return json(res, 404, { error: 'not found' });
    }
  }

  /** 200 while the receiver works, else 503 with the reason; the loss counters either way. */
  function health(res: ServerResponse): void {
    const receiver = host.status();
    const { spansReceived, spansDropped, dropped, collapsed = {}, refused = {} } = host.currentGraph().stats;
    const sources = opts.sources?.() ?? [];
    const failed = sources.find((s) => s.state === 'error');
    const ok = receiver.state === 'listening' && !failed;
    const { restarts, lastFailure } = host.health();
    const reason = receiver.state !== 'listening' ? (receiver.message ?? `receiver ${receiver.state}`) : failed ? `source ${failed.source} failed: ${failed.message}` : undefined;
    const body = {
      ok, ...(reason ? { reason } : {}), receiver, ...(sources.length ? { sources } : {}),
      spansReceived, spansDropped, dropped, collapsed, refused, sse: sse.stats(), workerRestarts: restarts, ...(lastFailure ? { lastWorkerFailure: lastFailure } : {}),
    };
    json(res, ok ? 200 : 503, body);
  }

  function events(res: ServerResponse): void {
    // The local graph copy is current as of the last delta, and later deltas follow on this stream.
    // The workspace root lets the page turn workspace-relative sites into vscode://file/ links.
    const root = opts.sites && opts.workspace ? resolve(opts.workspace) : undefined;
    const init: ToWebview = { type: 'init', host: 'browser', graph: host.currentGraph(), receiver: host.status(), sites: opts.sites?.current() ?? [], ...(root ? { root } : {}) };
    if (!sse.add(res, sseFrame(init), { 'x-accel-buffering': 'no' })) json(res, 503, { error: 'too many open maps' });
  }

  async function message(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, MAX_MESSAGE_BYTES)).toString('utf8'));
    } catch {
      return json(res, 400, { error: 'body must be JSON under 64 KiB' });
    }
    if (!isFromWebview(body)) return json(res, 400, { error: 'not a FromWebview message' });
    return json(res, 200, await answer(body));
  }

  const backend: MapBackend = {
    spans: (q) => host.spans(q),
    history: (max) => host.history(max),
    // The same worker query as GET /api/diff, in the webview's shape.
    diff: async (since) => edgeDiffOf(await host.diff(since)),
    runs: (flow, max) => host.runs(flow, max),
    windowGraph: (windowMs) => host.windowGraph(windowMs),
    liveGraph: () => host.currentGraph(),
    traces: (q) => traces.traces(q),
    trace: (id) => traces.trace(id),
    ...(traces.name !== 'local' ? { traceSource: traces.name } : {}),
  };

  async function answer(m: FromWebview): Promise<ToWebview[]> {
    // No editor behind the browser page: 'openLocation' has nothing to open.
    return isMapRequest(m) ? [await answerMapRequest(m, backend)] : [];
  }

  return server;
}

const COOKIE = 'ofm_token';

function authorized(req: IncomingMessage, url: URL, res: ServerResponse, token: string | undefined): boolean {
  if (!token) return true;
  const header = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : undefined;
  const cookie = /(?:^|;\s*)ofm_token=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  const query = url.searchParams.get('token') ?? undefined;
  // Each form decoded exactly once: the header as sent, the query by URLSearchParams, the cookie
  // (which we percent-encode when setting it) here; a malformed escape is a wrong token, not a 500.
  const ok = [header, cookie === undefined ? undefined : decodeOnce(cookie), query].some((given) => given !== undefined && tokenMatches(given, token));
  if (ok && query) res.setHeader('set-cookie', `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
  return ok;
}

function decodeOnce(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}


function asset(res: ServerResponse, path: string, type: string): void {
  let body: Buffer;
  try {
    body = readFileSync(path);
  } catch {
    return json(res, 404, { error: 'not built' });
  }
  send(res, 200, type, body, { 'cache-control': 'no-cache' });
}

function json(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json', JSON.stringify(value));
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', ...headers });
  res.end(body);
}
