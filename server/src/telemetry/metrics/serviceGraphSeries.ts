// The service-graph peers' Prometheus series (contract.md §7), named and labelled as the
// Collector's servicegraphconnector and Tempo's metrics generator write them, so Grafana's
// service graph and alert rules written for them work on our /metrics unchanged.

import { Counter, Histogram, type Registry } from 'prom-client';
import type { ConnectionType } from '../topology/classify';
import { BoundedSeries } from './boundedSeries';

/** The connector's default latency buckets, in seconds. */
export const SERVICE_GRAPH_BUCKETS = [0.002, 0.004, 0.006, 0.008, 0.01, 0.05, 0.1, 0.2, 0.4, 0.8, 1, 1.4, 2, 5, 10, 15];

const LABELS = ['client', 'server', 'connection_type'] as const;
type Label = (typeof LABELS)[number];
export type PairLabels = Record<Label, string> & { connection_type: ConnectionType };

export class ServiceGraphSeries {
  private readonly requests: Counter<Label>;
  private readonly failed: Counter<Label>;
  private readonly serverSeconds: Histogram<Label>;
  private readonly clientSeconds: Histogram<Label>;
  private readonly unpairedSpans: Counter<Label>;
  private readonly droppedSpans: Counter<Label>;
  private readonly series: BoundedSeries<PairLabels>;

  constructor(registry: Registry, maxSeries: number, onCapDrop: () => void) {
    const registers = [registry];
    const labelNames = LABELS;
    this.requests = new Counter({ name: 'traces_service_graph_request_total', help: 'Total count of requests between two nodes', labelNames, registers });
    this.failed = new Counter({ name: 'traces_service_graph_request_failed_total', help: 'Total count of failed requests between two nodes', labelNames, registers });
    this.serverSeconds = new Histogram({
      name: 'traces_service_graph_request_server_seconds', help: 'Time for a request between two nodes as seen from the server', labelNames, registers, buckets: SERVICE_GRAPH_BUCKETS,
    });
    this.clientSeconds = new Histogram({
      name: 'traces_service_graph_request_client_seconds', help: 'Time for a request between two nodes as seen from the client', labelNames, registers, buckets: SERVICE_GRAPH_BUCKETS,
    });
    this.unpairedSpans = new Counter({ name: 'traces_service_graph_unpaired_spans_total', help: 'Total count of unpaired spans', labelNames, registers });
    this.droppedSpans = new Counter({ name: 'traces_service_graph_dropped_spans_total', help: 'Total count of dropped spans', labelNames, registers });
    this.series = new BoundedSeries(maxSeries, onCapDrop, (labels) => {
      for (const m of [this.requests, this.failed, this.unpairedSpans, this.droppedSpans]) m.remove(labels);
      for (const h of [this.serverSeconds, this.clientSeconds]) h.remove(labels);
    });
  }

  /** One completed pair (or single-span edge): as the peers do on completing an edge. */
  request(labels: PairLabels, failed: boolean, serverSeconds: number, clientSeconds: number, now: number): void {
    if (!this.series.touch(labels, now)) return;
    this.requests.inc(labels);
    // Like the peers, a failed series exists only once something failed.
    if (failed) this.failed.inc(labels);
    this.serverSeconds.observe(labels, serverSeconds);
    this.clientSeconds.observe(labels, clientSeconds);
  }

  unpaired(labels: PairLabels, now: number): void {
    if (this.series.touch(labels, now)) this.unpairedSpans.inc(labels);
  }

  dropped(labels: PairLabels, now: number): void {
    if (this.series.touch(labels, now)) this.droppedSpans.inc(labels);
  }

  /** Series not updated since `before` leave (the peers drop stale series too). */
  expire(before: number): void {
    this.series.expire(before);
  }

  clear(): void {
    this.series.clear();
    for (const m of [this.requests, this.failed, this.unpairedSpans, this.droppedSpans]) m.reset();
    for (const h of [this.serverSeconds, this.clientSeconds]) h.reset();
  }
}
