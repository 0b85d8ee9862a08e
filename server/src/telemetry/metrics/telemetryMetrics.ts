// The worker's Prometheus registry: the peers' service-graph series, our edge series, and the
// receiver's span counters, written as Prometheus text by prom-client for GET /metrics.

import { Counter, Registry } from 'prom-client';
import type { GraphStats } from '../../../../common/src/graph';
import { EdgeSeries } from './edgeSeries';
import { ServiceGraphSeries } from './serviceGraphSeries';

/** Series per family: the registry's memory stays bounded (drops counted as `series-cap`). */
export const MAX_SERIES_PER_FAMILY = 10_000;

export class TelemetryMetrics {
  readonly registry = new Registry();
  readonly serviceGraph: ServiceGraphSeries;
  readonly edges: EdgeSeries;
  /** Log records and metric data points accepted on /v1/logs, /v1/metrics and their gRPC services. */
  readonly logRecords: Counter;
  readonly metricPoints: Counter;

  constructor(stats: () => GraphStats, onCapDrop: () => void, maxSeries = MAX_SERIES_PER_FAMILY) {
    this.serviceGraph = new ServiceGraphSeries(this.registry, maxSeries, onCapDrop);
    this.edges = new EdgeSeries(this.registry, maxSeries, onCapDrop);
    const registers = [this.registry];
    this.logRecords = new Counter({ name: 'otel_flow_map_log_records_received_total', help: 'OTLP log records accepted', registers });
    this.metricPoints = new Counter({ name: 'otel_flow_map_metric_points_received_total', help: 'OTLP metric data points accepted', registers });
    // Totals live in GraphStats already: copied in at scrape time (collect), never counted twice.
    new Counter({
      name: 'otel_flow_map_spans_received_total', help: 'Spans accepted by the receiver', registers,
      collect() {
        this.reset();
        this.inc(stats().spansReceived);
      },
    });
    const byReason = (name: string, help: string, of: (s: GraphStats) => Record<string, number> | undefined) =>
      new Counter({
        name, help, labelNames: ['reason'], registers,
        collect() {
          this.reset();
          for (const [reason, n] of Object.entries(of(stats()) ?? {})) this.inc({ reason }, n);
        },
      });
    // Lost spans apart from collapsed detail: a dashboard alerting on loss must not fire on folding.
    byReason('otel_flow_map_spans_dropped_total', 'Spans lost (in no count of the graph), by reason', (s) => s.dropped);
    byReason('otel_flow_map_details_collapsed_total', 'Spans counted whose detail was not kept (folded into "(other)", a run step, a series), by reason', (s) => s.collapsed);
    byReason('otel_flow_map_requests_refused_total', 'Requests answered with a retryable error (the sender keeps the data), by reason', (s) => s.refused);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  clear(): void {
    this.serviceGraph.clear();
    this.edges.clear();
  }
}
