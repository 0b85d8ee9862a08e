// Prometheus text exposition of the live graph, named like the OpenTelemetry Collector's
// service-graph connector so existing dashboards work.

import type { Graph, GraphNode } from '../../../common/src/graph';

const CONNECTION_TYPE: Record<GraphNode['kind'], string> = { service: '', database: 'database', queue: 'messaging_system', external: 'virtual_node' };

export function prometheusText(graph: Graph): string {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const out: string[] = [];
  const family = (name: string, type: string, help: string, rows: string[]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...rows);
  };
  const labelsOf = (e: Graph['edges'][number]) => {
    const target = byId.get(e.target);
    return `client="${esc(byId.get(e.source)?.name ?? e.source)}",server="${esc(target?.name ?? e.target)}",connection_type="${target ? CONNECTION_TYPE[target.kind] : ''}",relation="${e.relation}"`;
  };
  family('traces_service_graph_request_total', 'counter', 'Requests between two nodes.', graph.edges.map((e) => `traces_service_graph_request_total{${labelsOf(e)}} ${e.count}`));
  family('traces_service_graph_request_failed_total', 'counter', 'Failed requests between two nodes.', graph.edges.map((e) => `traces_service_graph_request_failed_total{${labelsOf(e)}} ${e.errors}`));
  family(
    'traces_service_graph_request_client_seconds',
    'summary',
    'Request latency seen by the client.',
    graph.edges.flatMap((e) =>
      ([['0.5', e.p50Ms], ['0.95', e.p95Ms], ['0.99', e.p99Ms]] as const).map(([q, ms]) => `traces_service_graph_request_client_seconds{${labelsOf(e)},quantile="${q}"} ${ms / 1000}`),
    ),
  );
  family('otel_flow_map_spans_received_total', 'counter', 'Spans accepted by the receiver.', [`otel_flow_map_spans_received_total ${graph.stats.spansReceived}`]);
  family('otel_flow_map_spans_dropped_total', 'counter', 'Spans refused by the receiver.', [`otel_flow_map_spans_dropped_total ${graph.stats.spansDropped}`]);
  family(
    'otel_flow_map_dropped_total',
    'counter',
    'Spans or graph entries dropped or collapsed, by reason.',
    Object.entries(graph.stats.dropped).map(([reason, n]) => `otel_flow_map_dropped_total{reason="${esc(reason)}"} ${n}`),
  );
  family('otel_flow_map_flow_runs_total', 'counter', 'Runs seen per business flow.', graph.flows.map((f) => `otel_flow_map_flow_runs_total{flow="${esc(f.name)}"} ${f.runs}`));
  return out.join('\n') + '\n';
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
