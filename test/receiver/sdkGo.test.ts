// A real Go service (test/clients/go, go.opentelemetry.io/otel/sdk v1.47 with the OTLP trace,
// metric and log exporters over gRPC and HTTP, otelhttp and the slog bridge), set up from the
// standard OTEL_* environment alone, points OTEL_EXPORTER_OTLP_ENDPOINT at the receiver over gRPC and
// http/protobuf: the graph is right, its metrics and logs are counted, the log record sits on its
// span, and no exporter writes an error. scripts/setup-test.sh downloads the modules and builds
// build/go-otel/shop; this suite rebuilds it offline first so it runs the current source.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TelemetryHost } from '../../server/src/telemetry/host';
import { BUILD_DIR, requireTool } from './runtimes';
import { assertClientSent, EXPORT_TROUBLE, runClient } from './sdkClient';
import { startHost } from './support';

const MODULE = join(__dirname, '..', 'clients', 'go');
const BINARY = join(BUILD_DIR, 'go-otel', 'shop');
describe('Go SDK (OTLP exporters from the environment) sends all three signals', function () {
  this.timeout(120_000);
  let host: TelemetryHost;
  let http: string;
  let grpc: string;

  before(async function () {
    const how = 'run scripts/setup-test.sh (go mod download in test/clients/go, go build into build/go-otel)';
    const go = requireTool(this, 'The Go toolchain', ['go'], how);
    if (!go || !requireTool(this, 'The Go test client', [BINARY], how)) return;
    // Offline: the modules are in the module cache since setup; the build cache makes this quick.
    const build = await runClient(go, ['build', '-o', BINARY, '.'], {
      HOME: process.env.HOME ?? '', GOPROXY: 'off', GOFLAGS: '-mod=readonly -buildvcs=false',
      ...(process.env.GOPATH ? { GOPATH: process.env.GOPATH } : {}), ...(process.env.GOMODCACHE ? { GOMODCACHE: process.env.GOMODCACHE } : {}),
      ...(process.env.GOCACHE ? { GOCACHE: process.env.GOCACHE } : {}),
    }, { cwd: MODULE, timeoutMs: 120_000 });
    assert.equal(build.status, 0, `go build failed (${how}):\n${build.stderr}`);
    ({ host, http, grpc } = await startHost());
  });
  after(() => host?.dispose());

  for (const [protocol, endpointOf] of [
    ['grpc', () => `http://${grpc}`],
    ['http/protobuf', () => `http://${http}`],
  ] as const) {
    it(`${protocol}: the graph from the trace, metrics and logs counted, no export error`, async () => {
      const service = `go-shop-${protocol.replace('/', '-')}`;
      const before = await host.metrics();
      const { status, stderr, stdout } = await runClient(BINARY, [], {
        OTEL_SERVICE_NAME: service,
        OTEL_EXPORTER_OTLP_ENDPOINT: endpointOf(),
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_LOGS_EXPORTER: 'otlp',
      });
      assert.equal(status, 0, `shop exited ${status}:\n${stderr}${stdout}`);
      assert.doesNotMatch(stderr, EXPORT_TROUBLE, stderr);

      const database = 'database:postgresql:shop@db.internal';
      const expected = [
        `external:user|calls|service:${service}`,
        `service:${service}|calls|external:localhost`,
        `service:${service}|publishes|queue:kafka:orders`,
        `service:${service}|reads|${database}`,
        `service:${service}|writes|${database}`,
      ];
      await assertClientSent(host, service, before, expected, { [database]: 'database', 'queue:kafka:orders': 'queue', 'external:localhost': 'external' }, 'order placed');
    });
  }
});
