// A real Go service (test/clients/go, go.opentelemetry.io/otel/sdk v1.47 with the OTLP trace,
// metric and log exporters over gRPC and HTTP, otelhttp and the slog bridge), set up from the
// standard OTEL_* environment alone, points OTEL_EXPORTER_OTLP_ENDPOINT at the receiver over gRPC and
// http/protobuf: the graph is right, its metrics and logs are counted, the log record sits on its
// span, and no exporter writes an error. scripts/setup-test.sh downloads the modules and builds
// build/go-otel/shop; this suite rebuilds it offline first so it runs the current source.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { TelemetryHost } from '../../server/src/telemetry/host';
import { BUILD_DIR, requireTool } from './runtimes';
import { startHost, waitFor } from './support';

const MODULE = join(__dirname, '..', 'clients', 'go');
const BINARY = join(BUILD_DIR, 'go-otel', 'shop');
/** What an exporter or the SDK writes when something went wrong. */
const EXPORT_TROUBLE = /error|fail|refused|unimplemented|not supported|timed? ?out|exceeded|retry/i;

function run(file: string, args: string[], env: Record<string, string>, cwd?: string): Promise<{ status: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, encoding: 'utf8', timeout: 120_000, env: { PATH: process.env.PATH ?? '', ...env } }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  });
}

/** The value of an unlabelled counter in the Prometheus text, 0 when absent. */
function counter(text: string, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
}

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
    const build = await run(go, ['build', '-o', BINARY, '.'], {
      HOME: process.env.HOME ?? '', GOPROXY: 'off', GOFLAGS: '-mod=readonly -buildvcs=false',
      ...(process.env.GOPATH ? { GOPATH: process.env.GOPATH } : {}), ...(process.env.GOMODCACHE ? { GOMODCACHE: process.env.GOMODCACHE } : {}),
      ...(process.env.GOCACHE ? { GOCACHE: process.env.GOCACHE } : {}),
    }, MODULE);
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
      const { status, stderr, stdout } = await run(BINARY, [], {
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
      const graph = await waitFor('the client edges', async () => {
        const g = await host.graph();
        return g.edges.filter((e) => e.id.includes(`service:${service}`)).length >= expected.length ? g : undefined;
      }, 20_000);
      assert.deepEqual(graph.edges.map((e) => e.id).filter((id) => id.includes(`service:${service}`)).sort(), expected);
      const kinds = new Map(graph.nodes.map((n) => [n.id, n.kind]));
      assert.equal(kinds.get(`service:${service}`), 'service');
      assert.equal(kinds.get(database), 'database');
      assert.equal(kinds.get('queue:kafka:orders'), 'queue');
      assert.equal(kinds.get('external:localhost'), 'external');

      const after = await host.metrics();
      assert.ok(counter(after, 'otel_flow_map_log_records_received_total') > counter(before, 'otel_flow_map_log_records_received_total'), 'no log record counted');
      assert.ok(counter(after, 'otel_flow_map_metric_points_received_total') > counter(before, 'otel_flow_map_metric_points_received_total'), 'no metric point counted');

      const [span] = await host.spans({ service, name: 'POST /orders' });
      assert.ok(span, 'the server span POST /orders');
      const logs = await host.logs(span.traceId);
      assert.deepEqual(logs.map((l) => [l.service, l.body, l.spanId]), [[service, 'order placed', span.spanId]]);
    });
  }
});
