// Our typed graph as Prometheus series beside the peers' (contract.md §7): one set of series
// per map edge, labelled with the node names and kinds the map shows, removed with the edge.

import { Counter, Histogram, type Registry } from 'prom-client';
import type { NodeKind, Relation } from '../../../../common/src/graph';
import { BoundedSeries } from './boundedSeries';
import { SERVICE_GRAPH_BUCKETS } from './serviceGraphSeries';

const LABELS = ['source', 'source_kind', 'target', 'target_kind', 'relation'] as const;
type Label = (typeof LABELS)[number];
export type EdgeLabels = Record<Label, string>;

export interface EdgeEnd {
  name: string;
  kind: NodeKind;
}

export class EdgeSeries {
  private readonly requests: Counter<Label>;
  private readonly failed: Counter<Label>;
  private readonly duration: Histogram<Label>;
  /** Edge id -> its labels, built once per edge (a span only looks them up). */
  private readonly labelsOf = new Map<string, EdgeLabels>();
  private readonly series: BoundedSeries<EdgeLabels>;

  constructor(registry: Registry, maxSeries: number, onCapDrop: () => void) {
    const registers = [registry];
    const labelNames = LABELS;
    this.requests = new Counter({ name: 'otel_flow_map_edge_requests_total', help: 'Spans counted on an edge of the map', labelNames, registers });
    this.failed = new Counter({ name: 'otel_flow_map_edge_failed_total', help: 'Spans with status ERROR counted on an edge of the map', labelNames, registers });
    this.duration = new Histogram({
      name: 'otel_flow_map_edge_duration_seconds', help: 'Duration of the spans counted on an edge of the map', labelNames, registers, buckets: SERVICE_GRAPH_BUCKETS,
    });
    this.series = new BoundedSeries(maxSeries, onCapDrop, (labels) => {
      this.requests.remove(labels);
      this.failed.remove(labels);
      this.duration.remove(labels);
    });
  }

  record(edgeId: string, source: EdgeEnd, target: EdgeEnd, relation: Relation, failed: boolean, seconds: number, now: number): void {
    let labels = this.labelsOf.get(edgeId);
    if (!labels) {
      labels = { source: source.name, source_kind: source.kind, target: target.name, target_kind: target.kind, relation };
      if (!this.series.touch(labels, now, edgeId)) return;
      this.labelsOf.set(edgeId, labels);
      // Both counters start at 0 so rate(failed)/rate(requests) has a value from the first span.
      this.failed.inc(labels, 0);
    } else this.series.touch(labels, now, edgeId);
    this.requests.inc(labels);
    if (failed) this.failed.inc(labels);
    this.duration.observe(labels, seconds);
  }

  /** The edge left the graph (expiry): its series leave /metrics. */
  remove(edgeId: string): void {
    this.series.remove(edgeId);
    this.labelsOf.delete(edgeId);
  }

  clear(): void {
    this.series.clear();
    this.labelsOf.clear();
    this.requests.reset();
    this.failed.reset();
    this.duration.reset();
  }
}
