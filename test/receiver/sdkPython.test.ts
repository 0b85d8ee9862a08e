// A real Python service (test/clients/python/shop.py) run under `opentelemetry-instrument`, set up
// from the environment alone (opentelemetry-distro + opentelemetry-exporter-otlp 1.45, the urllib
// and sqlite3 instrumentations, all three signals), points OTEL_EXPORTER_OTLP_ENDPOINT at the
// receiver over gRPC and http/protobuf: the graph is right, its metrics and logs are counted, the log
// record sits on its span, and no exporter writes an error. The venv is build/py-otel, made by
// scripts/setup-test.sh from test/clients/python/requirements.txt.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TelemetryHost } from '../../server/src/telemetry/host';
import { BUILD_DIR, requireTool } from './runtimes';
import { assertClientSent, EXPORT_TROUBLE, runClient } from './sdkClient';
import { startHost } from './support';

const VENV = join(BUILD_DIR, 'py-otel');
const SHOP = join(__dirname, '..', 'clients', 'python', 'shop.py');
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
      const { status, stderr, stdout } = await runClient(instrument!, [join(VENV, 'bin', 'python'), SHOP], {
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
      await assertClientSent(host, service, before, expected, { 'database:sqlite:sqlite': 'database', 'queue:rabbitmq:orders': 'queue', 'external:localhost': 'external' }, 'order placed: book x2, payment captured, 1 open');
    });
  }
});
