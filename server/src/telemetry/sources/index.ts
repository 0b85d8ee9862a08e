// `serve --source …`: where the map's graph and traces come from. `local` (the default) is our
// receiver; `prometheus=<url>[,options]` replaces the graph the map shows (/api/graph, the SSE
// stream) with the one read from that Prometheus every refresh; `jaeger=<url>[,options]` answers
// the trace list and trace detail from that Jaeger. The local receiver keeps running beside
// them: it still takes spans, its /metrics stays its own (never the read graph, which a scrape
// would count twice), and spans still come from it.

import type { GraphDelta } from '../../../../common/src/graph';
import type { ReceiverStatus } from '../../../../common/src/telemetry';
import type { TelemetryHost } from '../host';
import { parseJaegerSpec, type JaegerSourceOptions } from './jaeger';
import { JaegerSource, PrometheusSource, type SourceStatus, type TraceSource } from './pollers';
import { parsePrometheusSpec, type PrometheusSourceOptions } from './prometheus';
import type { SpanMetricsNames } from './spanMetrics';
import type { SpanNameStat } from '../topology/spanNames';

export { JaegerSource, PrometheusSource, type SourceStatus, type TraceSource } from './pollers';

export type SourceSpec =
  | { kind: 'local' }
  | { kind: 'prometheus'; name: string; options: PrometheusSourceOptions }
  | { kind: 'jaeger'; name: string; options: JaegerSourceOptions };

/** One `--source` value, or an error message for the usage line. */
export function parseSource(spec: string, env: NodeJS.ProcessEnv = process.env): SourceSpec | string {
  if (spec === 'local') return { kind: 'local' };
  const eq = spec.indexOf('=');
  const kind = eq < 0 ? spec : spec.slice(0, eq);
  if (kind === 'prometheus') {
    const options = parsePrometheusSpec(spec.slice(eq + 1), env);
    return typeof options === 'string' ? options : { kind, name: `prometheus=${options.url}`, options };
  }
  if (kind === 'jaeger') {
    const options = parseJaegerSpec(spec.slice(eq + 1), env);
    return typeof options === 'string' ? options : { kind, name: `jaeger=${options.url}`, options };
  }
  return `unknown source ${JSON.stringify(kind)} (local, prometheus=<url>, jaeger=<url>)`;
}

/** The `otelFlowMap.sources` setting parsed as `--source` values; the ones that do not parse, with why. */
export function parseSources(values: readonly string[], env: NodeJS.ProcessEnv = process.env): { specs: SourceSpec[]; errors: string[] } {
  const specs: SourceSpec[] = [];
  const errors: string[] = [];
  for (const v of values) {
    const got = parseSource(v, env);
    if (typeof got === 'string') errors.push(`${v}: ${got}`);
    else specs.push(got);
  }
  return { specs, errors };
}

export interface AttachedSources {
  /** The host the map is served from: the local one, or one showing the source's graph. */
  host: TelemetryHost;
  statuses(): SourceStatus[];
  /** Where traces come from when a trace source is configured (else the local receiver's store). */
  traceSource?: TraceSource;
}

/**
 * The host `serve` hands to its UI server. With no prometheus source it is `host` itself;
 * with one, graph reads and deltas come from the source, the rest from `host`.
 */
export function attachSources(host: TelemetryHost, specs: SourceSpec[]): AttachedSources {
  const promSpec = specs.find((s): s is Extract<SourceSpec, { kind: 'prometheus' }> => s.kind === 'prometheus');
  const jaegerSpec = specs.find((s): s is Extract<SourceSpec, { kind: 'jaeger' }> => s.kind === 'jaeger');
  if (!promSpec && !jaegerSpec) return { host, statuses: () => [] };
  const source = promSpec ? new PrometheusSource(promSpec.name, promSpec.options) : undefined;
  const traces = jaegerSpec ? new JaegerSource(jaegerSpec.name, jaegerSpec.options) : undefined;
  const statuses = () => [...(source ? [source.status()] : []), ...(traces ? [traces.status()] : [])];
  // Every source's failure is named in the receiver status (the map's banner, the status bar).
  const statusOf = (local: ReceiverStatus): ReceiverStatus => {
    const notes = statuses().flatMap((s) => (s.state === 'error' ? [`source ${s.source} failed: ${s.message}`] : s.message ? [`source ${s.source}: ${s.message}`] : []));
    if (!notes.length) return local;
    const note = notes.join('; ');
    return { ...local, message: local.message ? `${local.message}; ${note}` : note };
  };
  const deltaListeners: ((d: GraphDelta) => void)[] = [];
  const statusListeners: ((s: ReceiverStatus) => void)[] = [];
  /** The span-metrics names keyed as the local index keys them, rebuilt only when a read brings new ones. */
  let indexed: { from: SpanMetricsNames; map: Map<string, SpanNameStat> } | undefined;
  const relayStatus = () => {
    const s = statusOf(host.status());
    for (const cb of statusListeners) cb(s);
  };
  source?.onGraph((g) => {
    const delta: GraphDelta = { nodes: g.nodes, edges: g.edges, flows: g.flows, removedNodeIds: [], removedEdgeIds: [], removedFlowNames: [], stats: g.stats, reset: true };
    for (const cb of deltaListeners) cb(delta);
  });
  source?.onStatus(relayStatus);
  traces?.onStatus(relayStatus);
  host.onStatus(relayStatus);
  source?.start();
  traces?.start();
  const shown: TelemetryHost = {
    ...bindAll(host),
    status: () => statusOf(host.status()),
    onStatus: (cb) => void statusListeners.push(cb),
    ...(source
      ? {
          graph: () => Promise.resolve(source.graph()),
          currentGraph: () => source.graph(),
          // The window is the source's own (window=…): every window shows it.
          windowGraph: () => Promise.resolve(source.graph()),
          onDelta: (cb: (d: GraphDelta) => void) => void deltaListeners.push(cb),
          // CodeLens and hover: the span metrics' per-name numbers when Prometheus has them.
          live: () => {
            const names = source.names();
            if (!names) return host.live();
            if (indexed?.from !== names) indexed = { from: names, map: new Map(names.totals.map((n) => [`${n.service}\u0000${n.name}\u0000${n.kind}`, n] as const)) };
            return { names: indexed.map, stepRefs: host.live().stepRefs };
          },
          liveWindow: async () => {
            const names = source.names();
            return names ? { ...names.window, steps: (await host.liveWindow().catch(() => undefined))?.steps ?? [] } : host.liveWindow();
          },
        }
      : {}),
    dispose: async () => {
      source?.stop();
      traces?.stop();
      await host.dispose();
    },
  };
  return { host: shown, statuses, ...(traces ? { traceSource: traces } : {}) };
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
