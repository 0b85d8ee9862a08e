// OTLP/HTTP: POST /v1/traces, /v1/metrics and /v1/logs with application/x-protobuf or
// application/json, optionally gzip; CORS for listed browser origins; load shedding answers 429
// with Retry-After.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { MalformedRequestError } from '../otlp/span';
import { authorized } from './auth';
import { BadEncodingError, BodyTooLargeError, readBody } from './body';
import { allowedOrigin, answerPreflight, corsHeaders } from './cors';
import { allowedHost } from './hostGuard';
import type { BodyFormat, ExportHandler, Signal } from './exportHandler';
import { encodeExportResponseProto, encodeStatusProto, exportResponseJson, statusJson } from './exportResponse';

export interface HttpReceiverOptions {
  token: string;
  maxRequestBytes: number;
  /** Bytes of request bodies being read at once before new requests are shed. */
  maxInFlightBytes: number;
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

export function createHttpReceiver(handle: ExportHandler, opts: HttpReceiverOptions): Server {
  let inFlight = 0;
  const server = createServer((req, res) => {
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
    const declared = Number(req.headers['content-length']) || 0;
    if (inFlight + declared > opts.maxInFlightBytes) {
      opts.onShed();
      return reply(429, GRPC_UNAVAILABLE, 'receiver is busy, retry later', { 'retry-after': '1' });
    }
    inFlight += declared;
    readBody(req, opts.maxRequestBytes)
      .then((body) => {
        const result = handle(body, format, signal);
        const out = format === 'proto' ? encodeExportResponseProto(result) : Buffer.from(exportResponseJson(result, signal));
        send(res, 200, format, out, cors);
      })
      .catch((err: unknown) => {
        if (err instanceof BodyTooLargeError) reply(413, GRPC_RESOURCE_EXHAUSTED, err.message);
        else if (err instanceof MalformedRequestError || err instanceof BadEncodingError) reply(400, GRPC_INVALID_ARGUMENT, `malformed request: ${err.message}`);
        else reply(500, GRPC_UNAVAILABLE, 'internal error');
      })
      .finally(() => {
        inFlight -= declared;
      });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
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
  res.writeHead(status, {
    'content-type': format === 'proto' ? 'application/x-protobuf' : 'application/json',
    'content-length': String(body.length),
    ...headers,
  });
  res.end(body);
}
