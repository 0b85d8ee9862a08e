// A real Prometheus (Debian's `prometheus`) and `serve` processes for the receiver suite:
// serve on ephemeral ports (its JSON line read back), Prometheus on a free loopback port
// scraping given targets every second. Shared by prometheus.test.ts and prometheusSource.test.ts.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, requireTool } from './runtimes';
import { waitFor } from './support';

export const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

export interface PromVector {
  metric: Record<string, string>;
  value: [number, string];
}

/** The prometheus binary, or undefined after skipping (locally) / throwing (CI=true). */
export function requirePrometheus(ctx: Mocha.Context): string | undefined {
  return requireTool(ctx, 'Prometheus', ['prometheus'], 'run scripts/setup-test.sh (apt-get install prometheus)');
}

/** `serve` on ephemeral ports with an empty workspace `dir`; resolves with its printed addresses. */
export async function startServe(procs: ChildProcess[], dir: string, extra: string[] = []): Promise<{ ui: string; http: string; grpc: string }> {
  const serve = spawn(process.execPath, [CLI, 'serve', '--grpc-port', '0', '--http-port', '0', '--ui-port', '0', '--workspace', dir, ...extra], { stdio: ['ignore', 'pipe', 'ignore'] });
  procs.push(serve);
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: serve.stdout }).once('line', resolve);
    serve.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return JSON.parse(line) as { ui: string; http: string; grpc: string };
}

/** Prometheus scraping `targets` (host:port) every second, data under `dir`; resolves with its base URL once ready. */
export async function startPrometheus(procs: ChildProcess[], bin: string, dir: string, targets: string[]): Promise<string> {
  const port = await freePort();
  const list = targets.map((t) => `'${t}'`).join(', ');
  writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: otel-flow-map\n    static_configs:\n      - targets: [${list}]\n`);
  const p = spawn(bin, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  procs.push(p);
  const prom = `http://127.0.0.1:${port}`;
  await waitFor('prometheus ready', async () => (await fetch(`${prom}/-/ready`).catch(() => undefined))?.ok, 30_000);
  return prom;
}

/** One instant query, asserted successful. */
export async function promQuery(prom: string, q: string): Promise<PromVector[]> {
  const res = (await (await fetch(`${prom}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { status: string; data: { result: PromVector[] } };
  assert.equal(res.status, 'success', q);
  return res.data.result;
}

export interface FailedHealth {
  ok: boolean;
  reason?: string;
  sources?: { source: string; state: string; message?: string; failures: number; nextReadInMs?: number }[];
}

/** /healthz of a serve at `ui` once it answers 503 with its first source in error. */
export async function failedSourceHealth(ui: string): Promise<FailedHealth> {
  return waitFor('the failure reported', async () => {
    const res = await fetch(`${ui}healthz`);
    const body = (await res.json()) as FailedHealth;
    return res.status === 503 && body.sources?.[0]?.state === 'error' ? body : undefined;
  }, 10_000);
}

export function killAll(procs: ChildProcess[]): void {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
}
