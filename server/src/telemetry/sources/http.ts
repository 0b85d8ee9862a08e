// What every source's HTTP read shares: a GET with a time limit, no redirects (a redirect could
// carry the token elsewhere), a bearer token from serve's environment, and a body read only up
// to a byte limit (a source's answer is outside input).

export interface FetchLimits {
  timeoutMs: number;
  maxResponseBytes: number;
  token?: string;
}

export async function fetchBounded(url: string, o: FetchLimits): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    headers: { accept: 'application/json', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
    signal: AbortSignal.timeout(o.timeoutMs),
    redirect: 'error',
  });
  return { status: res.status, text: await readBounded(res, o.maxResponseBytes) };
}

async function readBounded(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (declared > max) {
    await res.body?.cancel();
    throw new Error(`answer of ${declared} bytes is over the ${max}-byte limit (max-bytes)`);
  }
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new Error(`answer over the ${max}-byte limit (max-bytes)`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `30s`, `5m`, `1h`, `2d` -> seconds, or undefined. */
function parseDuration(v: string): number | undefined {
  const m = /^(\d+)(s|m|h|d)$/.exec(v);
  if (!m) return undefined;
  return Number(m[1]) * { s: 1, m: 60, h: 3_600, d: 86_400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

/**
 * A source's base URL (`kind=URL,…`: the part before the first comma) without a trailing slash,
 * or an error message: http or https only, and no credentials in it (they belong in `tokenVar`).
 */
export function sourceUrl(kind: string, raw: string, tokenVar: string): { url: string } | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `${kind} source: ${JSON.stringify(raw)} is not a URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${kind} source: the URL must be http or https`;
  if (url.username || url.password) return `${kind} source: put credentials in ${tokenVar}, not in the URL`;
  if (url.search || url.hash) return `${kind} source: the URL takes no query or fragment`;
  return { url: url.href.replace(/\/+$/, '') };
}

/** A `key=<duration>` option between `minS` and `maxS` seconds, or an error message naming the range. */
export function durationOption(kind: string, key: string, value: string, minS: number, maxS: number, range: string): number | string {
  const s = parseDuration(value);
  return s === undefined || s < minS || s > maxS ? `${kind} source: ${key}=${value} needs a duration ${range}` : s;
}
