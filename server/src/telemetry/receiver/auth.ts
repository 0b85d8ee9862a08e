// Bearer-token check and the loopback rule (ARCHITECTURE invariant 5): a non-loopback bind
// without a token is refused at start, so a workspace cannot expose the receiver silently.

import { createHash, timingSafeEqual } from 'node:crypto';

export function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\.\d+\.\d+\.\d+$/.test(address);
}

/** An error message when the bind is not allowed, else undefined. */
export function checkBind(address: string, token: string): string | undefined {
  if (isLoopback(address) || token) return undefined;
  return `Refusing to listen on ${address} without a token: set otelFlowMap.receiver.authToken (or bind to 127.0.0.1).`;
}

/** True when no token is configured or the Authorization header carries it. */
export function authorized(header: string | undefined, token: string): boolean {
  if (!token) return true;
  if (!header || !header.startsWith('Bearer ')) return false;
  return tokenMatches(header.slice(7).trim(), token);
}

/** Constant time whatever the lengths: digests of equal size are compared, never the raw strings. */
export function tokenMatches(given: string, token: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(token)) && given === token;
}
