// `npm run bench:start`: how long `otel-flow-map --version` and `--help` take next to a bare
// `node -e 0`, in the same run, runs interleaved so machine noise hits both alike. Prints the
// medians and the ratio; exits 1 when `--version` takes more than 3x the bare start (issue 17).
// Needs a build (node esbuild.mjs). RUNS=N sets the runs per command (default 15).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const RUNS = Number(process.env.RUNS ?? 15);
const LIMIT = 3;
const cli = join(__dirname, '..', 'dist', 'cli.js');
const commands: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  'otel-flow-map --version': [cli, '--version'],
  'otel-flow-map --help': [cli, '--help'],
};

function timeOnce(args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const samples = new Map(Object.keys(commands).map((k) => [k, [] as number[]]));
for (const args of Object.values(commands)) timeOnce(args); // warm the file cache
for (let i = 0; i < RUNS; i++) for (const [name, args] of Object.entries(commands)) samples.get(name)!.push(timeOnce(args));
const base = median(samples.get('node -e 0')!);
for (const [name, xs] of samples) console.log(`${name.padEnd(26)} median ${median(xs).toFixed(1).padStart(7)} ms  (${(median(xs) / base).toFixed(2)}x node -e 0)`);
const ratio = median(samples.get('otel-flow-map --version')!) / base;
if (ratio > LIMIT) {
  console.error(`--version takes ${ratio.toFixed(2)}x a bare node start (limit ${LIMIT}x)`);
  process.exit(1);
}
