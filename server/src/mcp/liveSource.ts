// Live data for the MCP tools, read over HTTP from a `serve` UI URL or the receiver's read API
// (the extension's receiver on its OTLP HTTP port). Both answer GET /api/graph, /api/traces and
// /api/traces/{traceId}; only `serve` answers /api/spans and /healthz, so the receiver's status
// falls back to the first SSE frame of /api/events there.

import type { Graph } from '../../../common/src/graph';
import type { SpanQuery, SpanSummary } from '../../../common/src/telemetry';
import type { TraceDetail, TraceList, TraceQuery } from '../../../common/src/traces';

const TIMEOUT_MS = 5_000;

export class LiveError extends Error {}

export interface LiveSource {
  readonly base: string;
  graph(): Promise<Graph>;
  /** Undefined when the source has no span drill-down (the receiver's read API). */
  spans(q: SpanQuery): Promise<SpanSummary[] | undefined>;
  /** Recent traces (GET /api/traces). */
  traces(q: TraceQuery): Promise<TraceList>;
  /** One trace (GET /api/traces/{traceId}); null when the source does not keep it. */
  trace(traceId: string): Promise<TraceDetail | null>;
  status(): Promise<unknown>;
}

export function httpLiveSource(from: string, token?: string): LiveSource {
  const base = from.endsWith('/') ? from : `${from}/`;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};

  async function get(path: string): Promise<Response> {
    try {
      return await fetch(new URL(path, base), { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (err) {
      throw new LiveError(`cannot reach ${base} (${err instanceof Error ? err.message : String(err)}): is \`otel-flow-map serve\` or the extension's receiver running? Pass --from <URL>.`);
    }
  }
  async function getJson(path: string): Promise<unknown> {
    const res = await get(path);
    if (!res.ok) throw new LiveError(`GET ${path} answered ${res.status}${res.status === 401 ? ' (pass --token)' : ''}`);
    return res.json();
  }

  return {
    base,
    graph: async () => (await getJson('api/graph')) as Graph,
    async spans(q) {
      const res = await get(`api/spans?${paramsOf(q).toString()}`);
      if (res.status === 404) return undefined;
      if (!res.ok) throw new LiveError(`GET /api/spans answered ${res.status}`);
      return (await res.json()) as SpanSummary[];
    },
    traces: async (q) => (await getJson(`api/traces?${paramsOf(q).toString()}`)) as TraceList,
    async trace(traceId) {
      const res = await get(`api/traces/${encodeURIComponent(traceId)}`);
      if (res.status === 404) return null;
      if (!res.ok) throw new LiveError(`GET /api/traces/${traceId} answered ${res.status}${res.status === 401 ? ' (pass --token)' : ''}`);
      return (await res.json()) as TraceDetail;
    },
    async status() {
      const health = await get('healthz');
      if (health.status !== 404) return { source: base, ...((await health.json()) as object) };
      return { source: base, receiver: await firstSseInit(await get('api/events')) };
    },
  };
}

function paramsOf(q: object): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
  return params;
}

/** The receiver status in the `init` frame of an /api/events stream, then the stream is closed. */
async function firstSseInit(res: Response): Promise<unknown> {
  if (!res.ok || !res.body) throw new LiveError(`GET /api/events answered ${res.status}`);
  // Node's fetch typings leave a body's chunks as any; a response body yields Uint8Arrays.
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
        const data = text.slice(0, end).split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
        text = text.slice(end + 2);
        if (data) return (JSON.parse(data) as { receiver?: unknown }).receiver;
      }
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  throw new LiveError('the event stream closed before its first frame');
}
