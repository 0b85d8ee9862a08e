// A real JS service set up from the environment alone (NodeSDK, all three signals) points
// OTEL_EXPORTER_OTLP_ENDPOINT at the receiver: traces, metrics and logs are accepted over
// http/protobuf, http/json and gRPC, the graph is right, and no exporter logs an error.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { TelemetryHost } from '../../server/src/telemetry/host';
import { startHost, waitFor } from './support';

const CLIENT = join(__dirname, '..', 'clients', 'js', 'allSignals.mjs');

function runClient(service: string, endpoint: string, protocol: string): { stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLIENT], {
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      OTEL_SERVICE_NAME: service,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_LOGS_EXPORTER: 'otlp',
    },
  });
  return { stderr: r.stderr, status: r.status };
}

describe('JS SDK (NodeSDK from the environment) sends all three signals', function () {
  this.timeout(120_000);
  let host: TelemetryHost;
  let http: string;
  let grpc: string;

  before(async () => {
    ({ host, http, grpc } = await startHost());
  });
  after(() => host?.dispose());

  for (const [protocol, endpointOf] of [
    ['http/protobuf', () => `http://${http}`],
    ['http/json', () => `http://${http}`],
    ['grpc', () => `http://${grpc}`],
  ] as const) {
    it(`${protocol}: the graph from the trace, metrics and logs counted, no export error`, async () => {
      const service = `js-${protocol.replace('/', '-')}`;
      const { stderr, status } = runClient(service, endpointOf(), protocol);
      assert.equal(status, 0, stderr);
      assert.doesNotMatch(stderr, /error|fail|refused|unimplemented|not supported/i, stderr);
      const graph = await waitFor('the client edges', async () => {
        const g = await host.graph();
        return g.edges.filter((e) => e.source === `service:${service}`).length >= 3 ? g : undefined;
      });
      const ids = graph.edges.map((e) => e.id).filter((id) => id.includes(service)).sort();
      assert.deepEqual(ids, [
        `external:user|calls|service:${service}`,
        `service:${service}|calls|external:payments.example.com`,
        `service:${service}|publishes|queue:kafka:orders`,
        `service:${service}|reads|database:postgresql:shop@pg.local`,
      ]);
      const text = await host.metrics();
      assert.match(text, /^otel_flow_map_log_records_received_total [1-9]/m);
      assert.match(text, /^otel_flow_map_metric_points_received_total [1-9]/m);
      const [span] = await host.spans({ service, name: 'GET /orders' });
      const logs = await host.logs(span.traceId);
      assert.deepEqual(logs.map((l) => [l.service, l.body, l.spanId]), [[service, 'order listed', span.spanId]]);
    });
  }
});
