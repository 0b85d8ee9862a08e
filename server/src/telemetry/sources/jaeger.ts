// The `jaeger=<url>` source: traces for the trace list and the waterfall read from a Jaeger v2
// query service over its HTTP JSON API (api_v3: /api/v3/services, /operations, /traces search,
// /traces/{id}), whose answers are OTLP/JSON that our own decoder reads. Also the service
// dependencies Jaeger computes (/api/dependencies), a service graph from its stored traces.
// Every answer is bounded (bytes, time); a failure is an Error whose message names the source.
// Spans carry no `code` here: the host that knows the workspace adds it (link/traceCode.ts), so a
// runtime path from a span is never shown unless it maps into the workspace.

import type { TraceDetail, TraceEvent, TraceLink, TraceList, TraceQuery, TraceSpan, TraceSummary } from '../../../../common/src/traces';
import { flowKeys } from '../../../../common/src/semconv';
import { DEFAULT_SETTINGS } from '../../../../common/src/settings';
import { decodeTraceRequestJson } from '../otlp/jsonDecoder';
import { SPAN_KIND_NAMES, type DecodedSpan } from '../otlp/span';
import { flowAttributesOf } from '../topology/flows';
import { durationOption, fetchBounded, sourceUrl } from './http';

export interface JaegerSourceOptions {
  /** Base URL of the query service (http or https), e.g. http://jaeger:16686. */
  url: string;
  /** How far back a trace search looks. */
  lookbackMs: number;
  /** Traces asked for when the query names no limit; at most MAX_LIMIT. */
  limit: number;
  /** How often the source is probed for its status (backs off after failures). */
  refreshMs: number;
  maxResponseBytes: number;
  timeoutMs: number;
  /** Bearer token, from the environment of `serve` only (OTEL_FLOW_MAP_JAEGER_TOKEN). */
  token?: string;
}

export const JAEGER_DEFAULTS = { lookbackMs: 3_600_000, limit: 20, refreshMs: 30_000, maxResponseBytes: 16 * 1024 * 1024, timeoutMs: 10_000 } as const;
const MAX_LIMIT = 500;

/**
 * `jaeger=http://host:16686[,lookback=1h][,limit=N][,refresh=30s][,max-bytes=N]` -> options,
 * or an error message. The URL may not carry credentials (use the environment).
 */
export function parseJaegerSpec(spec: string, env: NodeJS.ProcessEnv = process.env): JaegerSourceOptions | string {
  const [rawUrl, ...opts] = spec.split(',');
  const base = sourceUrl('jaeger', rawUrl, 'OTEL_FLOW_MAP_JAEGER_TOKEN');
  if (typeof base === 'string') return base;
  const out: JaegerSourceOptions = { url: base.url, ...JAEGER_DEFAULTS };
  for (const opt of opts) {
    const [key, value = ''] = opt.split('=', 2);
    switch (key) {
      case 'lookback':
      case 'refresh': {
        const s = key === 'lookback' ? durationOption('jaeger', key, value, 60, 31 * 86_400, '1m … 31d') : durationOption('jaeger', key, value, 1, 3_600, '1s … 1h');
        if (typeof s === 'string') return s;
        if (key === 'lookback') out.lookbackMs = s * 1000;
        else out.refreshMs = s * 1000;
        break;
      }
      case 'limit':
      case 'max-bytes': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1) return `jaeger source: ${key}=${value} needs a positive integer`;
        if (key === 'limit') out.limit = Math.min(n, MAX_LIMIT);
        else out.maxResponseBytes = Math.min(n, 256 * 1024 * 1024);
        break;
      }
      default:
        return `jaeger source: unknown option ${JSON.stringify(key)} (lookback, limit, refresh, max-bytes)`;
    }
  }
  const token = env.OTEL_FLOW_MAP_JAEGER_TOKEN;
  if (token) out.token = token;
  return out;
}

/** A GET of the query service; the parsed JSON, or null for Jaeger's 404 (no such trace, no traces found). */
async function getJson(o: JaegerSourceOptions, path: string): Promise<unknown> {
  const { status, text } = await fetchBounded(`${o.url}${path}`, o);
  if (status === 404) return null;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${status}, not a Jaeger API answer`);
  }
  if (status < 200 || status >= 300) {
    // api_v3 says why in error.message, the older /api/* in errors[0].msg.
    const answer = body as { error?: { message?: unknown }; errors?: { msg?: unknown }[] } | null;
    const why = [answer?.error?.message, answer?.errors?.[0]?.msg].find((m): m is string => typeof m === 'string') ?? 'request failed';
    throw new Error(`HTTP ${status}: ${why.slice(0, 200)}`);
  }
  return body;
}

export async function jaegerServices(o: JaegerSourceOptions): Promise<string[]> {
  const body = (await getJson(o, '/api/v3/services')) as { services?: unknown } | null;
  return Array.isArray(body?.services) ? body.services.filter((s): s is string => typeof s === 'string') : [];
}

export async function jaegerOperations(o: JaegerSourceOptions, service: string): Promise<{ name: string; spanKind: string }[]> {
  const body = (await getJson(o, `/api/v3/operations?service=${encodeURIComponent(service)}`)) as { operations?: unknown } | null;
  if (!Array.isArray(body?.operations)) return [];
  return body.operations.flatMap((op: { name?: unknown; spanKind?: unknown }) => (typeof op?.name === 'string' ? [{ name: op.name, spanKind: typeof op.spanKind === 'string' ? op.spanKind : '' }] : []));
}

/** The spans of an api_v3 answer (`{ result: TracesData }`), decoded as any OTLP/JSON request. */
function spansOf(body: unknown): DecodedSpan[] {
  const result = (body as { result?: unknown } | null)?.result;
  if (!result || typeof result !== 'object') return [];
  return decodeTraceRequestJson(JSON.stringify(result)).spans;
}

/** The trace list for a query: Jaeger searches by service, span name and duration; the rest is filtered here. */
export async function jaegerTraces(o: JaegerSourceOptions, q: TraceQuery, now = Date.now()): Promise<TraceList> {
  const limit = Math.max(1, Math.min(q.limit ?? o.limit, MAX_LIMIT));
  const params = new URLSearchParams();
  const service = q.service ?? serviceOfNode(q.nodeId) ?? serviceOfNode(q.edgeId?.split('|')[0]);
  if (service) params.set('query.service_name', service);
  if (q.name) params.set('query.operation_name', q.name);
  if (q.minDurationMs !== undefined && q.minDurationMs > 0) params.set('query.duration_min', `${Math.round(q.minDurationMs * 1000)}us`);
  params.set('query.start_time_min', new Date(now - o.lookbackMs).toISOString());
  params.set('query.start_time_max', new Date(now).toISOString());
  // Filters Jaeger cannot apply remove traces after the search: ask for more so a page stays full.
  const filtered = q.status === 'error' || q.flow !== undefined || q.step !== undefined || q.edgeId !== undefined;
  params.set('query.num_traces', String(Math.min(filtered ? limit * 5 : limit, MAX_LIMIT)));
  const body = await getJson(o, `/api/v3/traces?${params.toString()}`);
  const byTrace = groupByTrace(spansOf(body));
  const keys = flowKeys(DEFAULT_SETTINGS.analysis.attributePrefix);
  let summaries: TraceSummary[] = [];
  for (const spans of byTrace.values()) {
    if (q.flow !== undefined && !spans.some((s) => flowAttributesOf(s, keys)?.flow === q.flow)) continue;
    if (q.step !== undefined && !spans.some((s) => flowAttributesOf(s, keys)?.step === q.step)) continue;
    if (q.edgeId !== undefined) {
      const target = serviceOfNode(q.edgeId.split('|')[2]);
      if (target !== undefined && !spans.some((s) => s.service === target)) continue;
    }
    const summary = summaryOf(spans);
    if (q.status === 'error' && summary.errorCount === 0) continue;
    summaries.push(summary);
  }
  const order = q.order ?? 'newest';
  summaries.sort((a, b) => (order === 'slowest' ? b.durationMs - a.durationMs : order === 'errors' ? b.errorCount - a.errorCount || b.startMs - a.startMs : b.startMs - a.startMs));
  summaries = summaries.slice(0, limit);
  return { traces: summaries, source: 'jaeger' };
}

/** One trace by id, or null when Jaeger has no such trace. */
export async function jaegerTrace(o: JaegerSourceOptions, traceId: string): Promise<TraceDetail | null> {
  if (!/^[0-9a-f]{32}$/i.test(traceId)) throw new Error(`${JSON.stringify(traceId)} is not a 32-digit hex trace id`);
  const body = await getJson(o, `/api/v3/traces/${traceId.toLowerCase()}`);
  const spans = spansOf(body).filter((s) => s.traceId === traceId.toLowerCase());
  if (spans.length === 0) return null;
  return detailOf(traceId.toLowerCase(), spans);
}

export interface DependencyLink {
  parent: string;
  child: string;
  callCount: number;
}

/**
 * The service dependencies Jaeger computes from its stored traces over `lookbackMs`: one link
 * per (parent span's service, child span's service) pair, counting child spans — including a
 * service's calls to itself, which the map does not draw.
 */
export async function jaegerDependencies(o: JaegerSourceOptions, lookbackMs = o.lookbackMs, now = Date.now()): Promise<DependencyLink[]> {
  const body = (await getJson(o, `/api/dependencies?endTs=${now}&lookback=${lookbackMs}`)) as { data?: unknown } | null;
  if (!Array.isArray(body?.data)) return [];
  return body.data.flatMap((d: { parent?: unknown; child?: unknown; callCount?: unknown }) =>
    typeof d?.parent === 'string' && typeof d.child === 'string' && typeof d.callCount === 'number' ? [{ parent: d.parent, child: d.child, callCount: d.callCount }] : [],
  );
}

function serviceOfNode(nodeId: string | undefined): string | undefined {
  return nodeId?.startsWith('service:') ? nodeId.slice('service:'.length) : undefined;
}

function groupByTrace(spans: DecodedSpan[]): Map<string, DecodedSpan[]> {
  const out = new Map<string, DecodedSpan[]>();
  for (const s of spans) {
    let list = out.get(s.traceId);
    if (!list) out.set(s.traceId, (list = []));
    list.push(s);
  }
  return out;
}

function summaryOf(spans: DecodedSpan[]): TraceSummary {
  const ids = new Set(spans.map((s) => s.spanId));
  const byStart = [...spans].sort((a, b) => a.startMs - b.startMs);
  const root = byStart.find((s) => s.parentSpanId === '') ?? byStart.find((s) => !ids.has(s.parentSpanId)) ?? byStart[0];
  const start = byStart[0].startMs;
  const end = Math.max(...spans.map((s) => s.startMs + s.durationMs));
  return {
    traceId: root.traceId, rootName: root.name, rootService: root.service,
    startMs: start, durationMs: end - start, spanCount: spans.length, errorCount: spans.filter((s) => s.error).length,
  };
}

function detailOf(traceId: string, spans: DecodedSpan[]): TraceDetail {
  const ids = new Set(spans.map((s) => s.spanId));
  // A parent named but not returned is a span Jaeger does not hold (not received, or dropped).
  const missing = new Set(spans.filter((s) => s.parentSpanId !== '' && !ids.has(s.parentSpanId)).map((s) => s.parentSpanId));
  const out: TraceDetail = { traceId, spans: [...spans].sort((a, b) => a.startMs - b.startMs).map(traceSpanOf), logs: [], source: 'jaeger' };
  if (missing.size) out.missingSpans = missing.size;
  return out;
}

function traceSpanOf(s: DecodedSpan): TraceSpan {
  const span: TraceSpan = {
    spanId: s.spanId, name: s.name, service: s.service, kind: SPAN_KIND_NAMES[s.kind] ?? 'unspecified',
    startMs: s.startMs, durationMs: s.durationMs, status: s.error ? 'error' : s.statusCode === 1 ? 'ok' : 'unset',
    attributes: { ...s.attributes },
    events: (s.events ?? []).map((e): TraceEvent => ({ name: e.name, timeMs: e.timeMs, attributes: { ...e.attributes } })),
    links: s.links.map((l): TraceLink => ({ traceId: l.traceId, spanId: l.spanId, attributes: { ...(l.attributes ?? {}) } })),
  };
  if (s.parentSpanId) span.parentSpanId = s.parentSpanId;
  if (s.scope) span.scope = s.scope;
  if (s.statusMessage) span.statusMessage = s.statusMessage;
  return span;
}
