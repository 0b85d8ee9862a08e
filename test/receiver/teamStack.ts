// The team stack (scripts/team-stack.sh: a real OpenTelemetry Collector, Jaeger v2 and Debian's
// Prometheus) for the receiver suite, on free loopback ports in a folder of the test's own.
// Locally a missing Go, prometheus or unbuilt stack skips with a message saying how to get it;
// with CI=true it fails (setup-test.sh builds the stack first).

import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, requireTool } from './runtimes';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'team-stack.sh');

export interface TeamStack {
  /** OTLP/HTTP base of the Collector (append /v1/traces). */
  collectorHttp: string;
  prometheus: string;
  jaeger: string;
  dir: string;
}

/** True when the stack can start here; else skipped (locally) or thrown (CI). */
export function requireTeamStack(ctx: Mocha.Context): boolean {
  if (!requireTool(ctx, 'Prometheus', ['prometheus'], 'run scripts/setup-test.sh (apt-get install prometheus)')) return false;
  if (!requireTool(ctx, 'Go', ['go'], 'install Go >= 1.26: the team stack builds the Collector and Jaeger from Go modules')) return false;
  if (spawnSync('bash', [SCRIPT, 'built']).status === 0) return true;
  const message = 'team stack not built: run scripts/team-stack.sh build (minutes the first time; scripts/setup-test.sh does it too)';
  if (process.env.CI === 'true') throw new Error(`CI: ${message}`);
  console.log(`      skipped: ${message}`);
  ctx.skip();
  return false;
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [SCRIPT, ...args], { env, encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`team-stack.sh ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

/** Starts the three engines on free ports with their state under `dir`; resolves once each answers. */
export async function startTeamStack(dir: string): Promise<TeamStack> {
  const names = ['COLLECTOR_GRPC_PORT', 'COLLECTOR_HTTP_PORT', 'COLLECTOR_METRICS_PORT', 'JAEGER_OTLP_GRPC_PORT', 'JAEGER_QUERY_PORT', 'JAEGER_QUERY_GRPC_PORT', 'PROMETHEUS_PORT'];
  const env: NodeJS.ProcessEnv = { ...process.env, TEAM_STACK_DIR: dir };
  for (const n of names) env[n] = String(await freePort());
  await run(['start'], env);
  const vars = Object.fromEntries(readFileSync(join(dir, 'stack.env'), 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { collectorHttp: vars.COLLECTOR_OTLP_HTTP, prometheus: vars.PROMETHEUS_URL, jaeger: vars.JAEGER_URL, dir };
}

export async function stopTeamStack(dir: string): Promise<void> {
  await run(['stop'], { ...process.env, TEAM_STACK_DIR: dir });
}
