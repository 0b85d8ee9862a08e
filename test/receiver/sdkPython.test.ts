// A real Python service (test/clients/python/shop.py) run under `opentelemetry-instrument`, set up
// from the environment alone (opentelemetry-distro + opentelemetry-exporter-otlp 1.45, the urllib
// and sqlite3 instrumentations, all three signals), points OTEL_EXPORTER_OTLP_ENDPOINT at the
// receiver over gRPC and http/protobuf: the graph is right, its metrics and logs are counted, the log
// record sits on its span, and no exporter writes an error. The venv is build/py-otel, made by
// scripts/setup-test.sh from test/clients/python/requirements.txt.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { TelemetryHost } from '../../server/src/telemetry/host';
import { BUILD_DIR, requireTool } from './runtimes';
import { startHost, waitFor } from './support';

const VENV = join(BUILD_DIR, 'py-otel');
const SHOP = join(__dirname, '..', 'clients', 'python', 'shop.py');
/** What an exporter or the SDK writes when something went wrong. */
const EXPORT_TROUBLE = /error|fail|refused|unimplemented|not supported|timed? ?out|exceeded|retry/i;

function run(file: string, args: string[], env: Record<string, string>): Promise<{ status: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '', ...env } }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  });
}

/** The value of an unlabelled counter in the Prometheus text, 0 when absent. */
function counter(text: string, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
}

describe('Python SDK (opentelemetry-instrument from the environment) sends all three signals', function () {
  this.timeout(120_000);
  let host: TelemetryHost;
  let http: string;
  let grpc: string;
  let instrument: string | undefined;

  before(async function () {
    instrument = requireTool(this, 'The Python OpenTelemetry venv', [join(VENV, 'bin', 'opentelemetry-instrument')],
      'run scripts/setup-test.sh (pip installs test/clients/python/requirements.txt into build/py-otel)');
    if (!instrument) return;
    ({ host, http, grpc } = await startHost());
  });
  after(() => host?.dispose());

  for (const [protocol, endpointOf] of [
    ['grpc', () => `http://${grpc}`],
    ['http/protobuf', () => `http://${http}`],
  ] as const) {
    it(`${protocol}: the graph from the trace, metrics and logs counted, no export error`, async () => {
      const service = `py-shop-${protocol.replace('/', '-')}`;
      const before = await host.metrics();
      const { status, stderr, stdout } = await run(instrument!, [join(VENV, 'bin', 'python'), SHOP], {
        OTEL_SERVICE_NAME: service,
        OTEL_EXPORTER_OTLP_ENDPOINT: endpointOf(),
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_LOGS_EXPORTER: 'otlp',
        OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED: 'true',
      });
      assert.equal(status, 0, `shop.py exited ${status}:\n${stderr}${stdout}`);
      assert.doesNotMatch(stderr, EXPORT_TROUBLE, stderr);

      const expected = [
        `external:user|calls|service:${service}`,
        // CREATE TABLE at start-up (neither a read nor a write), then the order's INSERT and SELECT.
        `service:${service}|calls|database:sqlite:sqlite`,
        `service:${service}|calls|external:localhost`,
        `service:${service}|publishes|queue:rabbitmq:orders`,
        `service:${service}|reads|database:sqlite:sqlite`,
        `service:${service}|writes|database:sqlite:sqlite`,
      ];
      const graph = await waitFor('the client edges', async () => {
        const g = await host.graph();
        return g.edges.filter((e) => e.id.includes(`service:${service}`)).length >= expected.length ? g : undefined;
      }, 20_000);
      assert.deepEqual(graph.edges.map((e) => e.id).filter((id) => id.includes(`service:${service}`)).sort(), expected);
      const kinds = new Map(graph.nodes.map((n) => [n.id, n.kind]));
      assert.equal(kinds.get(`service:${service}`), 'service');
      assert.equal(kinds.get('database:sqlite:sqlite'), 'database');
      assert.equal(kinds.get('queue:rabbitmq:orders'), 'queue');
      assert.equal(kinds.get('external:localhost'), 'external');

      const after = await host.metrics();
      assert.ok(counter(after, 'otel_flow_map_log_records_received_total') > counter(before, 'otel_flow_map_log_records_received_total'), 'no log record counted');
      assert.ok(counter(after, 'otel_flow_map_metric_points_received_total') > counter(before, 'otel_flow_map_metric_points_received_total'), 'no metric point counted');

      const [span] = await host.spans({ service, name: 'POST /orders' });
      assert.ok(span, 'the server span POST /orders');
      const logs = await host.logs(span.traceId);
      assert.deepEqual(logs.map((l) => [l.service, l.body, l.spanId]), [[service, 'order placed: book x2, payment captured, 1 open', span.spanId]]);
    });
  }
});
