// The running side of each source: a status that says why a read failed, retries that back off
// (refresh × 2ⁿ, at most 5 min), and listeners told when the status changes. PrometheusSource
// polls the graph; JaegerSource answers trace requests when asked and probes between them.

import type { Graph } from '../../../../common/src/graph';
import type { TraceDetail, TraceList, TraceQuery } from '../../../../common/src/traces';
import { jaegerServices, jaegerTrace, jaegerTraces, type JaegerSourceOptions } from './jaeger';
import { readPrometheusGraph, type PrometheusSourceOptions } from './prometheus';
import { readSpanMetricsNames, type SpanMetricsNames } from './spanMetrics';

/** The recent window of span-name numbers read from span metrics when the source names none (window=). */
const NAMES_WINDOW_SEC = 60;

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

/** Where the trace list and trace detail come from when it is not the local receiver. */
export interface TraceSource {
  readonly name: string;
  traces(q: TraceQuery): Promise<TraceList>;
  /** Null when the source has no such trace. */
  trace(traceId: string): Promise<TraceDetail | null>;
  status(): SourceStatus;
}

const MAX_BACKOFF_MS = 5 * 60_000;

/** Why a read failed, in words: a time-out, or the error and its cause (ECONNREFUSED, a DNS failure). */
function whyFailed(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  return e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : [e.message, e.cause?.code ?? e.cause?.message].filter(Boolean).join(': ');
}

/** A source's status, its timer and its backoff; `tick` is what each timer run does. */
abstract class PolledSource {
  protected state: SourceStatus;
  protected stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly statusListeners: ((s: SourceStatus) => void)[] = [];

  constructor(
    readonly name: string,
    protected readonly limits: { refreshMs: number; timeoutMs: number },
  ) {
    this.state = { source: name, state: 'starting', failures: 0 };
  }

  protected abstract tick(): Promise<void>;

  start(): void {
    void this.run();
  }

  status(): SourceStatus {
    return { ...this.state };
  }

  onStatus(cb: (s: SourceStatus) => void): void {
    this.statusListeners.push(cb);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Runs one tick now and schedules the next: after `refreshMs`, or the backed-off wait after a failure. */
  async run(): Promise<void> {
    clearTimeout(this.timer);
    await this.tick();
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.run(), this.state.nextReadInMs ?? this.limits.refreshMs);
    this.timer.unref();
  }

  /** The status after a good read (`extra`: family, a note) or a failed one; listeners hear of a change. */
  protected settle(outcome: { ok: Pick<SourceStatus, 'family' | 'message'> } | { err: unknown }): void {
    const before = JSON.stringify({ ...this.state, lastSuccess: 0 });
    if ('ok' in outcome) {
      this.state = { source: this.name, state: 'ok', ...outcome.ok, lastSuccess: Date.now(), failures: 0, nextReadInMs: this.limits.refreshMs };
    } else {
      const failures = this.state.failures + 1;
      const { lastSuccess, family } = this.state;
      this.state = {
        source: this.name, state: 'error', message: whyFailed(outcome.err, this.limits.timeoutMs), failures,
        ...(lastSuccess ? { lastSuccess } : {}), ...(family ? { family } : {}),
        nextReadInMs: Math.min(MAX_BACKOFF_MS, this.limits.refreshMs * 2 ** Math.min(failures - 1, 10)),
      };
    }
    if (JSON.stringify({ ...this.state, lastSuccess: 0 }) !== before) for (const cb of this.statusListeners) cb(this.status());
  }
}

/** Polls one Prometheus: the last good graph, and a status that says why not when a read fails. */
export class PrometheusSource extends PolledSource {
  private current: Graph = { nodes: [], edges: [], flows: [], stats: { spansReceived: 0, spansDropped: 0, dropped: {}, spansPerSecond: 0 } };
  private lastJson = '';
  private currentNames: SpanMetricsNames | undefined;
  private readonly listeners: ((g: Graph) => void)[] = [];

  constructor(name: string, private readonly options: PrometheusSourceOptions) {
    super(name, options);
  }

  graph(): Graph {
    return this.current;
  }

  /** Per-span-name numbers from the spanmetrics connector's series, when Prometheus has them. */
  names(): SpanMetricsNames | undefined {
    return this.currentNames;
  }

  onGraph(cb: (g: Graph) => void): void {
    this.listeners.push(cb);
  }

  /** Reads once now (also what the timer runs); resolves when the read is done. */
  read(): Promise<void> {
    return this.run();
  }

  protected async tick(): Promise<void> {
    try {
      const [got, names] = await Promise.all([readPrometheusGraph(this.options), readSpanMetricsNames(this.options, this.options.windowSec ?? NAMES_WINDOW_SEC)]);
      if (this.stopped) return;
      this.currentNames = names;
      const note = got.truncated
        ? `${got.truncated} series over the cap (max-series) left out`
        : got.family === 'none'
          ? 'no otel_flow_map_edge_*, traces_service_graph_* or traces_span_metrics_* series'
          : got.family === 'traces_span_metrics'
            ? 'services only: span metrics carry no edges (no otel_flow_map_edge_* or traces_service_graph_* series)'
            : undefined;
      this.settle({ ok: { family: got.family, ...(note ? { message: note } : {}) } });
      const json = JSON.stringify({ n: got.graph.nodes, e: got.graph.edges });
      if (json !== this.lastJson) {
        this.lastJson = json;
        this.current = got.graph;
        for (const cb of this.listeners) cb(got.graph);
      }
    } catch (err) {
      // The last good graph stays shown; the status says it is stale and why.
      if (!this.stopped) this.settle({ err });
    }
  }
}

/**
 * A Jaeger query service as a trace source. Reads happen when the map asks; a probe of its
 * service list every refresh keeps the status current. After a failure, asks fail at once with
 * the reason until the backed-off retry is due (the map is not kept waiting on a dead source).
 */
export class JaegerSource extends PolledSource implements TraceSource {
  private retryAt = 0;

  constructor(name: string, private readonly options: JaegerSourceOptions) {
    super(name, options);
  }

  traces(q: TraceQuery): Promise<TraceList> {
    return this.guard(() => jaegerTraces(this.options, q));
  }

  trace(traceId: string): Promise<TraceDetail | null> {
    return this.guard(() => jaegerTrace(this.options, traceId));
  }

  protected async tick(): Promise<void> {
    await this.guard(() => jaegerServices(this.options)).catch(() => undefined);
  }

  private async guard<T>(read: () => Promise<T>): Promise<T> {
    if (this.state.state === 'error' && Date.now() < this.retryAt) {
      throw new Error(`source ${this.name} failed: ${this.state.message} (next try in ${Math.ceil((this.retryAt - Date.now()) / 1000)} s)`);
    }
    try {
      const out = await read();
      this.settle({ ok: {} });
      return out;
    } catch (err) {
      this.settle({ err });
      this.retryAt = Date.now() + (this.state.nextReadInMs ?? 0);
      throw new Error(`source ${this.name} failed: ${this.state.message}`);
    }
  }
}
