// `npm test`: build, type-check and lint, then every suite with real parts:
//   unit/      pure functions and analyzer fixtures (mocha)
//   server/    the language server over real JSON-RPC stdio
//   receiver/  the receiver fed by the real OTel JS SDK exporters
//   webview/   the map in headless Debian Chromium (playwright-core)
//   integration/ the extension in a real VS Code (code-server), see test/integration/harness.ts
// Usage: tsx scripts/run-tests.ts [suite...] [--no-build]
// Prints a closing `N passed, N failed` line; exits non-zero on any failure.
import Mocha from 'mocha';
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const MOCHA_SUITES = ['unit', 'server', 'receiver', 'webview'];
const ALL = [...MOCHA_SUITES, 'integration'];

const args = process.argv.slice(2);
const skipBuild = args.includes('--no-build');
const suites = args.filter((a) => !a.startsWith('--'));
const selected = suites.length ? suites : ALL;

function run(cmd: string, cmdArgs: string[]): void {
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${cmdArgs.join(' ')} failed`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

function testFiles(dir: string): string[] {
  let out: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries.sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out = out.concat(testFiles(p));
    else if (e.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

async function runMocha(files: string[]): Promise<{ passed: number; failed: number }> {
  const mocha = new Mocha({ timeout: 60_000, reporter: 'spec' });
  for (const f of files) mocha.addFile(f);
  await mocha.loadFilesAsync();
  return new Promise((resolve) => {
    const runner = mocha.run(() => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0 }));
  });
}

async function main(): Promise<void> {
  if (!skipBuild) {
    run('node', ['esbuild.mjs']);
    run('npx', ['tsc', '-b']);
    run('npx', ['eslint', '.']);
  }
  let passed = 0;
  let failed = 0;
  const files = MOCHA_SUITES.filter((s) => selected.includes(s)).flatMap((s) => testFiles(join('test', s)));
  if (files.length) {
    const r = await runMocha(files);
    passed += r.passed;
    failed += r.failed;
  }
  if (selected.includes('integration')) {
    const r = spawnSync('npx', ['tsx', 'test/integration/harness.ts'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    process.stdout.write(r.stdout ?? '');
    const m = /^(\d+) passed, (\d+) failed/m.exec(r.stdout ?? '');
    const reported = { passed: Number(m?.[1] ?? 0), failed: Number(m?.[2] ?? 0) };
    passed += reported.passed;
    // A harness that died (no count) or exited non-zero without a failed test still fails the run.
    failed += reported.failed > 0 ? reported.failed : r.status !== 0 || !m ? 1 : 0;
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

void main();
