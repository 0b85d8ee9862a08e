// Per-span-name numbers from the spanmetrics connector's series (`traces_span_metrics_*`, its
// default namespace): what CodeLens and hover show for a team's spans when the map reads a
// Prometheus. Keyed as the local receiver keys them — service, span name, span kind — with the
// totals since each producer started and the numbers over a recent window. Quantiles are bucket
// estimates of `…_duration_milliseconds_bucket` (the connector's default unit).

import type { LiveWindow } from '../topology/liveWindow';
import type { SpanKindName, SpanNameStat, SpanNameWindow } from '../topology/spanNames';
import { queryPrometheus, type PromSample, type PrometheusSourceOptions } from './prometheus';

const CALLS = 'traces_span_metrics_calls_total';
const FAILED = `${CALLS}{status_code="STATUS_CODE_ERROR"}`;
const BUCKETS = 'traces_span_metrics_duration_milliseconds_bucket';
const BY = 'service_name, span_name, span_kind';
const KINDS: readonly SpanKindName[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

/** The names read: totals for the lens's "since start", and the window's numbers. */
export interface SpanMetricsNames {
  totals: SpanNameStat[];
  window: LiveWindow;
}

interface Numbers {
  count: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Reads the names, or undefined when Prometheus has no span metrics. `windowSec`: the recent window. */
export async function readSpanMetricsNames(o: PrometheusSourceOptions, windowSec: number): Promise<SpanMetricsNames | undefined> {
  const w = `${windowSec}s`;
  const [totals, recent] = await Promise.all([
    numbersBy(o, CALLS, FAILED, (q) => `histogram_quantile(${q}, sum by (le, ${BY}) (${BUCKETS}))`),
    numbersBy(o, `increase(${CALLS}[${w}])`, `increase(${FAILED}[${w}])`, (q) => `histogram_quantile(${q}, sum by (le, ${BY}) (rate(${BUCKETS}[${w}])))`),
  ]);
  if (totals.size === 0) return undefined;
  const ms = (v: number) => (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : 0);
  const stats: SpanNameStat[] = [];
  const names: SpanNameWindow[] = [];
  for (const [key, t] of totals) {
    const [service, name, kind] = key.split('\u0000') as [string, string, SpanKindName];
    stats.push({ service, name, kind, scopes: [], count: Math.round(t.count), errors: Math.round(t.errors), p50Ms: ms(t.p50), p95Ms: ms(t.p95), p99Ms: ms(t.p99), codeRefs: [] });
    const r = recent.get(key);
    const count = Math.round(r?.count ?? 0);
    names.push({
      service, name, kind,
      window: { count, errors: Math.round(r?.errors ?? 0), ratePerSec: (r?.count ?? 0) / windowSec, p50Ms: ms(r?.p50 ?? NaN), p95Ms: ms(r?.p95 ?? NaN), p99Ms: ms(r?.p99 ?? NaN) },
      // The series say only whether the name had spans in the window, not when the last one came.
      idleMs: count > 0 ? 0 : windowSec * 1000,
    });
  }
  return { totals: stats, window: { windowMs: windowSec * 1000, names, steps: [] } };
}

/** Counts, errors and the three quantiles per (service, span name, kind), keyed as the local map keys them. */
async function numbersBy(o: PrometheusSourceOptions, calls: string, failed: string, quantile: (q: number) => string): Promise<Map<string, Numbers>> {
  const [count, errors, p50, p95, p99] = await Promise.all(
    [`sum by (${BY}) (${calls})`, `sum by (${BY}) (${failed})`, quantile(0.5), quantile(0.95), quantile(0.99)].map((q) => queryPrometheus(o, q)),
  );
  const out = new Map<string, Numbers>();
  for (const s of count.samples) {
    const key = keyOf(s);
    if (key) out.set(key, { count: s.value, errors: 0, p50: NaN, p95: NaN, p99: NaN });
  }
  const fill = (part: PromSample[], set: (n: Numbers, v: number) => void) => {
    for (const s of part) {
      const n = out.get(keyOf(s) ?? '');
      if (n) set(n, s.value);
    }
  };
  fill(errors.samples, (n, v) => (n.errors = v));
  fill(p50.samples, (n, v) => (n.p50 = v));
  fill(p95.samples, (n, v) => (n.p95 = v));
  fill(p99.samples, (n, v) => (n.p99 = v));
  return out;
}

function keyOf(s: PromSample): string | undefined {
  const { service_name: service, span_name: name, span_kind: rawKind } = s.metric;
  const kind = (rawKind ?? '').replace(/^SPAN_KIND_/, '').toLowerCase() as SpanKindName;
  if (!service || name === undefined || !KINDS.includes(kind)) return undefined;
  return `${service}\u0000${name}\u0000${kind}`;
}
