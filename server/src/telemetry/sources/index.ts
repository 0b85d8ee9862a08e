// `serve --source …`: where the map's graph comes from. `local` (the default) is our receiver;
// `prometheus=<url>[,options]` replaces the graph the map shows (/api/graph, the SSE stream)
// with the one read from that Prometheus every refresh. The local receiver keeps running
// beside it: it still takes spans, its /metrics stays its own (never the read graph, which a
// scrape would count twice), and traces / spans still come from it.

import type { Graph, GraphDelta } from '../../../../common/src/graph';
import type { ReceiverStatus } from '../../../../common/src/telemetry';
import type { TelemetryHost } from '../host';
import { parsePrometheusSpec, readPrometheusGraph, type PrometheusSourceOptions } from './prometheus';

export interface SourceStatus {
  /** The source as given, without options (`prometheus=http://…:9090`). */
  source: string;
  state: 'starting' | 'ok' | 'error';
  /** Why the last read failed, or what it cut. */
  message?: string;
  /** Which series the graph came from. */
  family?: string;
  /** Epoch ms of the last good read. */
  lastSuccess?: number;
  failures: number;
  /** Ms until the next read (backs off after failures). */
  nextReadInMs?: number;
}

export type SourceSpec = { kind: 'local' } | { kind: 'prometheus'; name: string; options: PrometheusSourceOptions };

/** One `--source` value, or an error message for the usage line. */
export function parseSource(spec: string, env: NodeJS.ProcessEnv = process.env): SourceSpec | string {
  if (spec === 'local') return { kind: 'local' };
  const eq = spec.indexOf('=');
  const kind = eq < 0 ? spec : spec.slice(0, eq);
  if (kind === 'prometheus') {
    const options = parsePrometheusSpec(spec.slice(eq + 1), env);
    return typeof options === 'string' ? options : { kind, name: `prometheus=${options.url}`, options };
  }
  if (kind === 'jaeger') return 'source jaeger=<url> is not built yet (issue 18)';
  return `unknown source ${JSON.stringify(kind)} (local, prometheus=<url>)`;
}

const MAX_BACKOFF_MS = 5 * 60_000;

/** Polls one Prometheus: the last good graph, and a status that says why not when a read fails. */
export class PrometheusSource {
  private current: Graph = { nodes: [], edges: [], flows: [], stats: { spansReceived: 0, spansDropped: 0, dropped: {}, spansPerSecond: 0 } };
  private state: SourceStatus;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastJson = '';
  private readonly listeners: ((g: Graph) => void)[] = [];
  private readonly statusListeners: ((s: SourceStatus) => void)[] = [];

  constructor(
    readonly name: string,
    private readonly options: PrometheusSourceOptions,
  ) {
    this.state = { source: name, state: 'starting', failures: 0 };
  }

  start(): void {
    void this.read();
  }

  graph(): Graph {
    return this.current;
  }

  status(): SourceStatus {
    return { ...this.state };
  }

  onGraph(cb: (g: Graph) => void): void {
    this.listeners.push(cb);
  }

  onStatus(cb: (s: SourceStatus) => void): void {
    this.statusListeners.push(cb);
  }

  /** Reads once now (also what the timer runs); resolves when the read is done. */
  async read(): Promise<void> {
    clearTimeout(this.timer);
    let delay = this.options.refreshMs;
    const before = JSON.stringify(this.state);
    try {
      const got = await readPrometheusGraph(this.options);
      if (this.stopped) return;
      this.state = {
        source: this.name, state: 'ok', family: got.family, lastSuccess: Date.now(), failures: 0,
        ...(got.truncated ? { message: `${got.truncated} series over the cap (max-series) left out` } : got.family === 'none' ? { message: 'no otel_flow_map_edge_* or traces_service_graph_* series' } : {}),
      };
      const json = JSON.stringify({ n: got.graph.nodes, e: got.graph.edges });
      if (json !== this.lastJson) {
        this.lastJson = json;
        this.current = got.graph;
        for (const cb of this.listeners) cb(got.graph);
      }
    } catch (err) {
      if (this.stopped) return;
      const failures = this.state.failures + 1;
      delay = Math.min(MAX_BACKOFF_MS, this.options.refreshMs * 2 ** Math.min(failures - 1, 10));
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why = e.name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : [e.message, e.cause?.code ?? e.cause?.message].filter(Boolean).join(': ');
      // The last good graph stays shown; the status says it is stale and why.
      this.state = { source: this.name, state: 'error', message: why, failures, ...(this.state.lastSuccess ? { lastSuccess: this.state.lastSuccess } : {}), ...(this.state.family ? { family: this.state.family } : {}) };
    }
    this.state.nextReadInMs = delay;
    if (JSON.stringify(this.state) !== before) for (const cb of this.statusListeners) cb(this.status());
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.read(), delay);
      this.timer.unref();
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}

export interface AttachedSources {
  /** The host the map is served from: the local one, or one showing the source's graph. */
  host: TelemetryHost;
  statuses(): SourceStatus[];
}

/**
 * The host `serve` hands to its UI server. With no prometheus source it is `host` itself;
 * with one, graph reads and deltas come from the source, the rest from `host`.
 */
export function attachSources(host: TelemetryHost, specs: SourceSpec[]): AttachedSources {
  const prom = specs.filter((s): s is Extract<SourceSpec, { kind: 'prometheus' }> => s.kind === 'prometheus');
  if (prom.length === 0) return { host, statuses: () => [] };
  const source = new PrometheusSource(prom[0].name, prom[0].options);
  const statusOf = (local: ReceiverStatus): ReceiverStatus => {
    const s = source.status();
    const note = s.state === 'error' ? `source ${s.source} failed: ${s.message}` : s.message ? `source ${s.source}: ${s.message}` : undefined;
    return note ? { ...local, message: local.message ? `${local.message}; ${note}` : note } : local;
  };
  const deltaListeners: ((d: GraphDelta) => void)[] = [];
  const statusListeners: ((s: ReceiverStatus) => void)[] = [];
  source.onGraph((g) => {
    const delta: GraphDelta = { nodes: g.nodes, edges: g.edges, flows: g.flows, removedNodeIds: [], removedEdgeIds: [], removedFlowNames: [], stats: g.stats, reset: true };
    for (const cb of deltaListeners) cb(delta);
  });
  source.onStatus(() => {
    const s = statusOf(host.status());
    for (const cb of statusListeners) cb(s);
  });
  host.onStatus((local) => {
    const s = statusOf(local);
    for (const cb of statusListeners) cb(s);
  });
  source.start();
  const shown: TelemetryHost = {
    ...bindAll(host),
    status: () => statusOf(host.status()),
    graph: () => Promise.resolve(source.graph()),
    currentGraph: () => source.graph(),
    // The window is the source's own (window=…): every window shows it.
    windowGraph: () => Promise.resolve(source.graph()),
    onDelta: (cb) => void deltaListeners.push(cb),
    onStatus: (cb) => void statusListeners.push(cb),
    dispose: async () => {
      source.stop();
      await host.dispose();
    },
  };
  return { host: shown, statuses: () => [source.status()] };
}

/** The host's methods bound to it, so the spread copy calls them on the real object. */
function bindAll(host: TelemetryHost): TelemetryHost {
  const out: Record<string, unknown> = {};
  let proto: object | null = host;
  while (proto && proto !== Object.prototype) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const v = (host as unknown as Record<string, unknown>)[key];
      if (key !== 'constructor' && !(key in out)) out[key] = typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(host) : v;
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return out as unknown as TelemetryHost;
}
