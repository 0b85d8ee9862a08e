// The `prometheus=<url>` source (issue 18): the map's graph read back from a Prometheus over
// its HTTP API (/api/v1/query), with no dependency but fetch. Our own typed family
// (`otel_flow_map_edge_*`, a team that scrapes our `serve`) gives the typed graph; without it
// the peers' `traces_service_graph_*` series give a service graph, mapped as docs/contract.md
// §2f says. Every answer is bounded (bytes, series, time); a failure is a status, never a throw
// out of the poller.

import type { Graph, GraphEdge, GraphNode, NodeKind, Relation } from '../../../../common/src/graph';
import { durationOption, fetchBounded, sourceUrl } from './http';

export interface PrometheusSourceOptions {
  /** Base URL of the Prometheus (http or https), without /api/v1. */
  url: string;
  /** increase() / rate() window in seconds; null = the counters' current values (totals since each producer started, as the local map's counts). */
  windowSec: number | null;
  /** How often the graph is read again. */
  refreshMs: number;
  /** Series kept per query; more are cut (and said so in the status). */
  maxSeries: number;
  /** Bytes read per answer; a longer one fails the refresh. */
  maxResponseBytes: number;
  timeoutMs: number;
  /** Which family to read: ours when present, else the peers' service graph, else span metrics (auto); or one of them only. */
  series: 'auto' | 'ours' | 'peers' | 'spanmetrics';
  /** Bearer token, from the environment of `serve` only (OTEL_FLOW_MAP_PROMETHEUS_TOKEN). */
  token?: string;
}

export const PROMETHEUS_DEFAULTS = { series: 'auto', windowSec: null, refreshMs: 10_000, maxSeries: 2_000, maxResponseBytes: 4 * 1024 * 1024, timeoutMs: 5_000 } as const;

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

/** What one read found: the graph, which family it came from, and the series cut by the cap. */
export interface PrometheusRead {
  graph: Graph;
  family: 'otel_flow_map_edge' | 'traces_service_graph' | 'traces_span_metrics' | 'none';
  truncated: number;
}

/**
 * `prometheus=http://host:9090[,window=5m][,refresh=10s][,max-series=N][,max-bytes=N]` ->
 * options, or an error message. The URL may not carry credentials (use the environment).
 */
export function parsePrometheusSpec(spec: string, env: NodeJS.ProcessEnv = process.env): PrometheusSourceOptions | string {
  const [rawUrl, ...opts] = spec.split(',');
  const base = sourceUrl('prometheus', rawUrl, 'OTEL_FLOW_MAP_PROMETHEUS_TOKEN');
  if (typeof base === 'string') return base;
  const out: PrometheusSourceOptions = { url: base.url, ...PROMETHEUS_DEFAULTS };
  for (const opt of opts) {
    const [key, value = ''] = opt.split('=', 2);
    switch (key) {
      case 'window': {
        if (value === 'total') {
          out.windowSec = null;
          break;
        }
        const s = durationOption('prometheus', key, value, 10, 31 * 86_400, '10s … 31d (or total)');
        if (typeof s === 'string') return s;
        out.windowSec = s;
        break;
      }
      case 'refresh': {
        const s = durationOption('prometheus', key, value, 1, 3_600, '1s … 1h');
        if (typeof s === 'string') return s;
        out.refreshMs = s * 1000;
        break;
      }
      case 'series':
        if (value !== 'auto' && value !== 'ours' && value !== 'peers' && value !== 'spanmetrics') return `prometheus source: series=${value} needs auto, ours, peers or spanmetrics`;
        out.series = value;
        break;
      case 'max-series':
      case 'max-bytes': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1) return `prometheus source: ${key}=${value} needs a positive integer`;
        if (key === 'max-series') out.maxSeries = Math.min(n, 100_000);
        else out.maxResponseBytes = Math.min(n, 256 * 1024 * 1024);
        break;
      }
      default:
        return `prometheus source: unknown option ${JSON.stringify(key)} (window, refresh, series, max-series, max-bytes)`;
    }
  }
  const token = env.OTEL_FLOW_MAP_PROMETHEUS_TOKEN;
  if (token) out.token = token;
  return out;
}

/** One instant query; the vector's samples, at most maxSeries of them (`cut` = how many more there were). */
export async function queryPrometheus(o: PrometheusSourceOptions, promql: string): Promise<{ samples: PromSample[]; cut: number }> {
  const res = await fetchBounded(`${o.url}/api/v1/query?query=${encodeURIComponent(promql)}`, o);
  const text = res.text;
  let body: { status?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`HTTP ${res.status}, not a Prometheus API answer`);
  }
  if (body.status !== 'success') throw new Error(`HTTP ${res.status}: ${String(body.error ?? 'query failed').slice(0, 200)}`);
  if (body.data?.resultType !== 'vector' || !Array.isArray(body.data.result)) throw new Error('answer is not an instant vector');
  const result = body.data.result as { metric?: Record<string, string>; value?: [number, string] }[];
  const samples: PromSample[] = [];
  for (const r of result.slice(0, o.maxSeries)) {
    const value = Number(r.value?.[1]);
    if (r.metric && typeof r.metric === 'object') samples.push({ metric: r.metric, value: Number.isFinite(value) ? value : 0 });
  }
  return { samples, cut: Math.max(0, result.length - o.maxSeries) };
}

const EDGE_BY = 'source, source_kind, target, target_kind, relation';
const PEER_BY = 'client, server, connection_type';

/** The PromQL of one family: counts, errors and the three quantiles, over the window or in total. */
export function queriesOf(family: 'edge' | 'peer', windowSec: number | null): { count: string; errors: string; quantile: (q: number) => string } {
  const [requests, failed, bucket, by] =
    family === 'edge'
      ? ['otel_flow_map_edge_requests_total', 'otel_flow_map_edge_failed_total', 'otel_flow_map_edge_duration_seconds_bucket', EDGE_BY]
      : ['traces_service_graph_request_total', 'traces_service_graph_request_failed_total', 'traces_service_graph_request_server_seconds_bucket', PEER_BY];
  const over = (m: string, fn: 'increase' | 'rate') => (windowSec === null ? m : `${fn}(${m}[${windowSec}s])`);
  return {
    count: `sum by (${by}) (${over(requests, 'increase')})`,
    errors: `sum by (${by}) (${over(failed, 'increase')})`,
    quantile: (q) => `histogram_quantile(${q}, sum by (le, ${by}) (${over(bucket, 'rate')}))`,
  };
}

/** Reads the graph: our family when Prometheus has it, else the peers', else the services of the span metrics. */
export async function readPrometheusGraph(o: PrometheusSourceOptions, now = Date.now()): Promise<PrometheusRead> {
  if (o.series === 'spanmetrics') return readSpanMetricsServices(o, now);
  const families = o.series === 'ours' ? (['edge'] as const) : o.series === 'peers' ? (['peer'] as const) : (['edge', 'peer'] as const);
  for (const family of families) {
    const q = queriesOf(family, o.windowSec);
    const counts = await queryPrometheus(o, q.count);
    if (counts.samples.length === 0) continue;
    const [errors, p50, p95, p99] = await Promise.all([q.errors, q.quantile(0.5), q.quantile(0.95), q.quantile(0.99)].map((x) => queryPrometheus(o, x)));
    const rows: Row[] = counts.samples.map((s) => ({ labels: s.metric, count: s.value, errors: 0, p50: 0, p95: 0, p99: 0 }));
    const byKey = new Map(rows.map((r) => [keyOf(family, r.labels), r] as const));
    const fill = (part: PromSample[], set: (r: Row, v: number) => void) => {
      for (const s of part) {
        const r = byKey.get(keyOf(family, s.metric));
        if (r) set(r, s.value);
      }
    };
    fill(errors.samples, (r, v) => (r.errors = v));
    fill(p50.samples, (r, v) => (r.p50 = v));
    fill(p95.samples, (r, v) => (r.p95 = v));
    fill(p99.samples, (r, v) => (r.p99 = v));
    const graph = family === 'edge' ? graphFromEdgeFamily(rows, now) : graphFromServiceGraph(rows, now);
    return { graph, family: family === 'edge' ? 'otel_flow_map_edge' : 'traces_service_graph', truncated: counts.cut };
  }
  return o.series === 'auto' ? readSpanMetricsServices(o, now) : { graph: emptyOf(), family: 'none', truncated: 0 };
}

/** The spanmetrics connector's calls counter, under its default namespace (`traces.span.metrics`). */
const SPAN_CALLS = 'traces_span_metrics_calls_total';

/**
 * Services without edges from the spanmetrics connector's series (contract §2f): each service
 * node's span count and errors are its spans' (`status_code="STATUS_CODE_ERROR"`), as the local
 * map counts a service's own spans. The series say nothing of who calls whom.
 */
async function readSpanMetricsServices(o: PrometheusSourceOptions, now: number): Promise<PrometheusRead> {
  const over = (m: string) => (o.windowSec === null ? m : `increase(${m}[${o.windowSec}s])`);
  const counts = await queryPrometheus(o, `sum by (service_name) (${over(SPAN_CALLS)})`);
  if (counts.samples.length === 0) return { graph: emptyOf(), family: 'none', truncated: 0 };
  const errors = await queryPrometheus(o, `sum by (service_name) (${over(`${SPAN_CALLS}{status_code="STATUS_CODE_ERROR"}`)})`);
  const errorsOf = new Map(errors.samples.map((s) => [s.metric.service_name, s.value] as const));
  const graph = emptyOf();
  for (const s of counts.samples) {
    const name = s.metric.service_name;
    if (!name) continue;
    const spanCount = Math.round(s.value);
    graph.nodes.push({ id: `service:${name}`, kind: 'service', name, spanCount, errorCount: Math.min(spanCount, Math.round(errorsOf.get(name) ?? 0)), firstSeen: now, lastSeen: now });
  }
  return { graph, family: 'traces_span_metrics', truncated: counts.cut };
}

/** One series set of a family: its labels and numbers (quantiles in seconds, NaN allowed). */
export interface Row {
  labels: Record<string, string>;
  count: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
}

function keyOf(family: 'edge' | 'peer', l: Record<string, string>): string {
  // Prometheus stores an empty label as no label: a missing one reads as "".
  const names = family === 'edge' ? ['source', 'source_kind', 'target', 'target_kind', 'relation'] : ['client', 'server', 'connection_type'];
  return names.map((n) => l[n] ?? '').join('\u0000');
}

const KINDS: readonly NodeKind[] = ['service', 'database', 'queue', 'external'];
const RELATIONS: readonly Relation[] = ['calls', 'reads', 'writes', 'publishes', 'consumes'];

/** The typed graph from our own family: node names, kinds and relations exactly as the producing map had them. */
export function graphFromEdgeFamily(rows: Row[], now: number): Graph {
  const b = new GraphBuilder(now);
  for (const r of rows) {
    const l = r.labels;
    const sk = l.source_kind as NodeKind;
    const tk = l.target_kind as NodeKind;
    const rel = l.relation as Relation;
    if (!KINDS.includes(sk) || !KINDS.includes(tk) || !RELATIONS.includes(rel) || !l.source || !l.target) continue;
    // A database or queue name starts with its system (contract §2d).
    const system = (kind: NodeKind, name: string) => (kind === 'database' || kind === 'queue' ? name.split(' ')[0] : undefined);
    b.edge({ kind: sk, name: l.source, system: system(sk, l.source) }, { kind: tk, name: l.target, system: system(tk, l.target) }, rel, r);
  }
  return b.graph();
}

/**
 * The service graph from the peers' series (docs/contract.md §2f): `""` → service calls
 * service; `database` → a service when the server is one, else a database node; messaging →
 * producer publishes to a queue node the consumer consumes; `virtual_node` → an external node
 * on the side that is not a service (a root request's `user`, or an uninstrumented peer).
 */
export function graphFromServiceGraph(rows: Row[], now: number): Graph {
  const b = new GraphBuilder(now);
  const ct = (r: Row) => r.labels.connection_type ?? '';
  // Names known to be services: a client of any non-virtual series, a server of a plain or messaging one.
  const services = new Set<string>();
  for (const r of rows) {
    const t = ct(r);
    if (t !== 'virtual_node' && r.labels.client) services.add(r.labels.client);
    if ((t === '' || t === 'messaging_system') && r.labels.server) services.add(r.labels.server);
  }
  for (const r of rows) {
    const { client, server } = r.labels;
    if (!client || !server) continue;
    const svc = (name: string) => ({ kind: 'service' as const, name });
    switch (ct(r)) {
      case '':
        b.edge(svc(client), svc(server), 'calls', r);
        break;
      case 'database':
        if (services.has(server)) b.edge(svc(client), svc(server), 'calls', r);
        // The series say neither read nor write: drawn as calls to the database node.
        else b.edge(svc(client), { kind: 'database', name: server }, 'calls', r);
        break;
      case 'messaging_system': {
        // No destination in the series: one queue per producer→consumer pair, named by both.
        const queue = { kind: 'queue' as const, name: `${client} → ${server}` };
        b.edge(svc(client), queue, 'publishes', r);
        b.edge(svc(server), queue, 'consumes', r);
        break;
      }
      case 'virtual_node':
        if (client === 'user' || (services.has(server) && !services.has(client))) b.edge({ kind: 'external', name: client }, svc(server), 'calls', r);
        else b.edge(svc(client), { kind: 'external', name: server }, 'calls', r);
        break;
      default:
        // An unknown connection type (a newer connector): a plain call, so the edge is not lost.
        b.edge(svc(client), svc(server), 'calls', r);
    }
  }
  return b.graph();
}

interface End {
  kind: NodeKind;
  name: string;
  system?: string;
}

/** Node ids as the local map makes them for services and externals (`kind:name`); database and queue ids lack the system part the series do not carry. */
class GraphBuilder {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly edges = new Map<string, GraphEdge>();
  constructor(private readonly now: number) {}

  edge(from: End, to: End, relation: Relation, r: Row): void {
    const source = this.node(from);
    const target = this.node(to);
    const count = Math.round(r.count);
    const errors = Math.min(count, Math.round(r.errors));
    const id = `${source.id}|${relation}|${target.id}`;
    const prev = this.edges.get(id);
    const ms = (s: number) => (Number.isFinite(s) ? Math.round(s * 1_000_000) / 1000 : 0);
    if (prev) {
      // Two series on one edge (several connection types to one service): counts add, the slower quantiles win.
      prev.count += count;
      prev.errors += errors;
      prev.p50Ms = Math.max(prev.p50Ms, ms(r.p50));
      prev.p95Ms = Math.max(prev.p95Ms, ms(r.p95));
      prev.p99Ms = Math.max(prev.p99Ms, ms(r.p99));
    } else {
      this.edges.set(id, {
        id, source: source.id, target: target.id, relation, count, errors,
        p50Ms: ms(r.p50), p95Ms: ms(r.p95), p99Ms: ms(r.p99), firstSeen: this.now, lastSeen: this.now, spanNames: [], scopes: [],
      });
    }
    // A node's numbers: the spans of the edges it is the target of (a server's spans), and a caller's own for the source.
    target.spanCount += count;
    target.errorCount += errors;
    if (source.kind === 'service' && source.id !== target.id) source.spanCount += count;
  }

  private node(n: End): GraphNode {
    const id = `${n.kind}:${n.name}`;
    let node = this.nodes.get(id);
    if (!node) {
      node = { id, kind: n.kind, name: n.name, spanCount: 0, errorCount: 0, firstSeen: this.now, lastSeen: this.now };
      if (n.system) node.system = n.system;
      this.nodes.set(id, node);
    }
    return node;
  }

  graph(): Graph {
    const g = emptyOf();
    g.nodes = [...this.nodes.values()];
    g.edges = [...this.edges.values()];
    return g;
  }
}

function emptyOf(): Graph {
  return { nodes: [], edges: [], flows: [], stats: { spansReceived: 0, spansDropped: 0, dropped: {}, spansPerSecond: 0 } };
}
