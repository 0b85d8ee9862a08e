// OTLP/HTTP: POST /v1/traces, /v1/metrics and /v1/logs with application/x-protobuf or
// application/json, optionally gzip; CORS for listed browser origins; load shedding answers 429
// with Retry-After.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { MalformedRequestError } from '../otlp/span';
import { authorized } from './auth';
import { BadEncodingError, BodyTooLargeError, readBody, ReceiverBusyError } from './body';
import { allowedOrigin, answerPreflight, corsHeaders } from './cors';
import { allowedHost } from './hostGuard';
import type { BodyFormat, ExportHandler, Signal } from './exportHandler';
import { encodeExportResponseProto, encodeStatusProto, exportResponseJson, statusJson } from './exportResponse';

export interface HttpReceiverOptions {
  token: string;
  maxRequestBytes: number;
  /**
   * Bytes of request bodies held at once (real bytes received, not declared lengths): a new
   * request is shed while it is spent, a body that would go over it is answered 429.
   */
  maxInFlightBytes: number;
  /** A request's headers must arrive within this time (408, connection closed). Default 10 s. */
  headersTimeoutMs?: number;
  /** A whole request, headers and body, within this time: a slow sender is cut off. Default 30 s. */
  requestTimeoutMs?: number;
  onShed: () => void;
  /** Browser origins allowed to POST (CORS); `*` = any. */
  corsAllowedOrigins?: readonly string[];
  /** A loopback bind: OTLP paths accept only loopback Host names (DNS rebinding). */
  loopbackOnly?: boolean;
  /** Other routes (the read-only API); returns true when it answered. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse, path: string) => boolean;
}

const GRPC_INVALID_ARGUMENT = 3;
const GRPC_UNAUTHENTICATED = 16;
const GRPC_RESOURCE_EXHAUSTED = 8;
const GRPC_UNIMPLEMENTED = 12;
const SIGNALS: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/metrics': 'metrics', '/v1/logs': 'logs' };
const GRPC_UNAVAILABLE = 14;

export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export function createHttpReceiver(handle: ExportHandler, opts: HttpReceiverOptions): Server {
  let inFlight = 0;
  const requestTimeout = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const headersTimeout = Math.min(opts.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS, requestTimeout);
  // Node checks both timeouts every connectionsCheckingInterval (30 s by default): check often
  // enough that a slow sender is cut off close to its deadline.
  const serverOptions = { requestTimeout, headersTimeout, connectionsCheckingInterval: Math.max(100, Math.min(1000, headersTimeout / 4)) };
  const server = createServer(serverOptions, (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const format = formatOf(req.headers['content-type']);
    const cors = corsHeaders(allowedOrigin(req, opts.corsAllowedOrigins ?? []));
    const reply = (status: number, grpcCode: number, message: string, headers: Record<string, string> = {}) =>
      sendStatus(res, status, format ?? 'json', grpcCode, message, { ...cors, ...headers });
    if (opts.extraRoutes?.(req, res, path)) return;
    const signal = SIGNALS[path];
    if (!signal) return reply(404, GRPC_UNIMPLEMENTED, `unknown path ${path}; send OTLP to /v1/traces, /v1/metrics or /v1/logs`);
    // A web page can name our loopback socket through DNS rebinding (Host: evil.example) and post
    // simple requests without a preflight: refuse any Host but ours, and any Origin not listed.
    if (opts.loopbackOnly && !allowedHost(req)) return reply(403, GRPC_UNAUTHENTICATED, 'unexpected Host header');
    if (req.method === 'OPTIONS') return answerPreflight(req, res, opts.corsAllowedOrigins ?? []);
    if (req.headers.origin !== undefined && !allowedOrigin(req, opts.corsAllowedOrigins ?? [])) {
      return reply(403, GRPC_UNAUTHENTICATED, `origin ${req.headers.origin} is not in otelFlowMap.receiver.corsAllowedOrigins`);
    }
    if (req.method !== 'POST') return reply(405, GRPC_UNIMPLEMENTED, 'use POST', { allow: 'POST, OPTIONS' });
    if (!authorized(req.headers.authorization, opts.token)) return reply(401, GRPC_UNAUTHENTICATED, 'missing or wrong bearer token');
    if (!format) return reply(415, GRPC_INVALID_ARGUMENT, 'content-type must be application/x-protobuf or application/json');
    // Shed by the bytes really held by bodies being read, not by declared lengths: sockets that
    // announce big bodies and send slowly hold little and are cut off by requestTimeout.
    const busy = () => {
      opts.onShed();
      reply(429, GRPC_UNAVAILABLE, 'receiver is busy, retry later', { 'retry-after': '1' });
    };
    if (inFlight >= opts.maxInFlightBytes) return busy();
    let held = 0;
    const take = (n: number): boolean => {
      if (inFlight + n > opts.maxInFlightBytes) return false;
      inFlight += n;
      held += n;
      return true;
    };
    readBody(req, opts.maxRequestBytes, take)
      .then((body) => {
        const result = handle(body, format, signal);
        const out = format === 'proto' ? encodeExportResponseProto(result) : Buffer.from(exportResponseJson(result, signal));
        send(res, 200, format, out, cors);
      })
      .catch((err: unknown) => {
        if (err instanceof ReceiverBusyError) busy();
        else if (err instanceof BodyTooLargeError) reply(413, GRPC_RESOURCE_EXHAUSTED, err.message);
        else if (err instanceof MalformedRequestError || err instanceof BadEncodingError) reply(400, GRPC_INVALID_ARGUMENT, `malformed request: ${err.message}`);
        else reply(500, GRPC_UNAVAILABLE, 'internal error');
      })
      .finally(() => {
        inFlight -= held;
      });
  });
  // Malformed requests and the timeouts above: answer when nothing was answered yet, then close.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    const answered = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (!socket.writable || answered) {
      socket.destroy();
      return;
    }
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`, () => socket.destroy());
    setTimeout(() => socket.destroy(), 1000).unref();
  });
  return server;
}

function formatOf(contentType: string | undefined): BodyFormat | undefined {
  const ct = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (ct === 'application/x-protobuf' || ct === 'application/protobuf') return 'proto';
  if (ct === 'application/json') return 'json';
  return undefined;
}

function sendStatus(res: ServerResponse, status: number, format: BodyFormat, code: number, message: string, headers: Record<string, string>): void {
  const body = format === 'proto' ? encodeStatusProto(code, message) : Buffer.from(statusJson(code, message));
  send(res, status, format, body, headers);
}

function send(res: ServerResponse, status: number, format: BodyFormat, body: Buffer, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  // Answered before its body ended (shed, too large, refused): Node would keep draining the rest
  // on this connection with no timeout left. Close it instead, shortly after the answer.
  if (!res.req.complete) {
    headers = { ...headers, connection: 'close' };
    res.once('finish', () => setTimeout(() => res.req.socket.destroy(), 1000).unref());
  }
  res.writeHead(status, {
    'content-type': format === 'proto' ? 'application/x-protobuf' : 'application/json',
    'content-length': String(body.length),
    ...headers,
  });
  res.end(body);
}
