// CORS for browser SDKs posting OTLP/HTTP (contract.md §8): only origins the user listed get
// Access-Control-Allow-Origin; a preflight from one is answered as the OTLP/HTTP spec asks
// (204, POST allowed, the requested headers allowed).

import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_AGE_S = '600';

export function allowedOrigin(req: IncomingMessage, allowed: readonly string[]): string | undefined {
  const origin = req.headers.origin;
  if (!origin || allowed.length === 0) return undefined;
  if (allowed.includes('*')) return '*';
  return allowed.includes(origin) ? origin : undefined;
}

/** Headers for an actual (non-preflight) response to an allowed origin. */
export function corsHeaders(origin: string | undefined): Record<string, string> {
  if (!origin) return {};
  return origin === '*' ? { 'access-control-allow-origin': '*' } : { 'access-control-allow-origin': origin, vary: 'Origin' };
}

/** Answers an OPTIONS preflight: 204 with the grants for an allowed origin, 403 otherwise. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse, allowed: readonly string[]): void {
  const origin = allowedOrigin(req, allowed);
  if (!origin) {
    res.writeHead(403, { 'content-length': '0' });
    res.end();
    return;
  }
  const requested = req.headers['access-control-request-headers'];
  res.writeHead(204, {
    ...corsHeaders(origin),
    'access-control-allow-methods': 'POST',
    'access-control-allow-headers': typeof requested === 'string' && requested ? requested : 'content-type, content-encoding, authorization',
    'access-control-max-age': MAX_AGE_S,
    'content-length': '0',
  });
  res.end();
}
