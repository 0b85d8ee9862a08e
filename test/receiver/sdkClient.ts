// What the real-SDK client suites (sdkGo, sdkPython) share: running a client program, and checking
// what it sent — the service's edges and node kinds, metrics and logs counted, the log on its span.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { NodeKind } from '../../common/src/graph';
import type { TelemetryHost } from '../../server/src/telemetry/host';
import { waitFor } from './support';

/** What an exporter or the SDK writes when something went wrong. */
export const EXPORT_TROUBLE = /error|fail|refused|unimplemented|not supported|timed? ?out|exceeded|retry/i;

export function runClient(file: string, args: string[], env: Record<string, string>, options: { cwd?: string; timeoutMs?: number } = {}): Promise<{ status: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: options.cwd, encoding: 'utf8', timeout: options.timeoutMs ?? 60_000, env: { PATH: process.env.PATH ?? '', ...env } }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  });
}

/** The value of an unlabelled counter in the Prometheus text, 0 when absent. */
function counter(text: string, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
}

/**
 * The service's edges are exactly `expected`, the nodes have the `kinds` given, metrics and logs
 * were counted since `metricsBefore`, and the one log record (`logBody`) sits on the POST /orders span.
 */
export async function assertClientSent(host: TelemetryHost, service: string, metricsBefore: string, expected: string[], kinds: Record<string, NodeKind>, logBody: string): Promise<void> {
  const graph = await waitFor('the client edges', async () => {
    const g = await host.graph();
    return g.edges.filter((e) => e.id.includes(`service:${service}`)).length >= expected.length ? g : undefined;
  }, 20_000);
  assert.deepEqual(graph.edges.map((e) => e.id).filter((id) => id.includes(`service:${service}`)).sort(), [...expected].sort());
  const kindOf = new Map(graph.nodes.map((n) => [n.id, n.kind]));
  for (const [id, kind] of Object.entries({ [`service:${service}`]: 'service', ...kinds })) assert.equal(kindOf.get(id), kind, id);

  const after = await host.metrics();
  for (const name of ['otel_flow_map_log_records_received_total', 'otel_flow_map_metric_points_received_total']) {
    assert.ok(counter(after, name) > counter(metricsBefore, name), `${name} did not grow`);
  }
  const [span] = await host.spans({ service, name: 'POST /orders' });
  assert.ok(span, 'the server span POST /orders');
  const logs = await host.logs(span.traceId);
  assert.deepEqual(logs.map((l) => [l.service, l.body, l.spanId]), [[service, logBody, span.spanId]]);
}
