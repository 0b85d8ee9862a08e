// Forwarding to our own listen address would loop: each request forwarded to ourselves is
// received, counted and forwarded again. Refused at start, with the bound ports known.
import { networkInterfaces } from 'node:os';

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

function isLoopbackName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::ffff:127.0.0.1';
}

function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.add(a.address.toLowerCase());
  return out;
}

/** The port a forwardTo URL sends to (the scheme's default when none is given), or undefined. */
function targetOf(forwardTo: string): { host: string; port: number } | undefined {
  let url: URL;
  try {
    url = new URL(forwardTo);
  } catch {
    return undefined;
  }
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : NaN;
  if (!Number.isInteger(port)) return undefined;
  return { host: url.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port };
}

/**
 * A message when `forwardTo` names one of our own listen ports on an address we listen on
 * (the bind address itself, a loopback name for a loopback or wildcard bind, any local interface
 * for a wildcard bind); undefined otherwise.
 */
export function forwardsToSelf(forwardTo: string | undefined, bindAddress: string, ports: readonly number[]): string | undefined {
  if (!forwardTo) return undefined;
  const target = targetOf(forwardTo);
  if (!target || !ports.includes(target.port)) return undefined;
  const bind = bindAddress.replace(/^\[|\]$/g, '').toLowerCase();
  const wildcard = WILDCARDS.has(bind);
  const self =
    target.host === bind ||
    (isLoopbackName(target.host) && (wildcard || isLoopbackName(bind))) ||
    (wildcard && (WILDCARDS.has(target.host) || localAddresses().has(target.host)));
  return self ? `forwardTo ${forwardTo} is this receiver's own listen address (${bindAddress} port ${target.port}): forwarding there would loop` : undefined;
}
