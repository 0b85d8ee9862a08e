// `npm test`: build, type-check and lint, then every suite with real parts:
//   unit/      pure functions and analyzer fixtures (mocha)
//   server/    the language server over real JSON-RPC stdio
//   receiver/  the receiver fed by the real OTel JS SDK exporters
//   webview/   the map in headless Debian Chromium (playwright-core)
//   integration/ the extension in a real VS Code (code-server), see test/integration/harness.ts
// Usage: tsx scripts/run-tests.ts [suite | file | folder ...] [--grep PATTERN] [--no-build]
//   suite    unit, server, receiver, webview, integration (none = all of them)
//   file     one test file, e.g. test/unit/settings.test.ts
//   folder   every *.test.ts below it, e.g. test/unit/analysis
//   --grep   only the tests whose full title (describe + it) matches PATTERN (a regular expression)
//   --no-build  skip the bundle, type-check and lint
// A run narrowed by a file, folder or --grep bundles dist/ (tests spawn dist/cli.js and load the
// webview bundle) but leaves type-check and lint to the full run.
// Prints a closing `N passed, N failed` line; exits non-zero on any failure.
import Mocha from 'mocha';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const MOCHA_SUITES = ['unit', 'server', 'receiver', 'webview'];
const ALL = [...MOCHA_SUITES, 'integration'];
const TEST_ROOT = resolve('test');
const INTEGRATION_ROOT = join(TEST_ROOT, 'integration');

interface Options {
  suites: string[];
  paths: string[];
  grep?: string;
  skipBuild: boolean;
}

function usageError(message: string): never {
  console.error(`run-tests: ${message}`);
  console.error('usage: tsx scripts/run-tests.ts [suite | file | folder ...] [--grep PATTERN] [--no-build]');
  console.log('0 passed, 1 failed');
  process.exit(2);
}

function parseArgs(args: string[]): Options {
  const opts: Options = { suites: [], paths: [], skipBuild: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--no-build') opts.skipBuild = true;
    else if (a === '--grep' || a === '-g') {
      if (i + 1 >= args.length) usageError(`${a} needs a pattern`);
      opts.grep = args[++i];
    } else if (a.startsWith('--grep=')) opts.grep = a.slice('--grep='.length);
    else if (a.startsWith('-')) usageError(`unknown option ${a}`);
    else if (ALL.includes(a)) opts.suites.push(a);
    else if (existsSync(a)) opts.paths.push(resolve(a));
    else usageError(`${a} is neither a suite (${ALL.join(', ')}) nor an existing file or folder`);
  }
  if (opts.grep !== undefined) {
    try {
      new RegExp(opts.grep);
    } catch (err) {
      usageError(`--grep: ${(err as Error).message}`);
    }
  }
  return opts;
}

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

function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir + sep);
}

/** The mocha files a path stands for: the file itself, or every *.test.ts below a folder. */
function filesOf(path: string): string[] {
  // The integration harness is not mocha: its files are run by runIntegration, not loaded here.
  if (isInside(path, INTEGRATION_ROOT)) return [];
  if (statSync(path).isDirectory()) return testFiles(path).filter((f) => !isInside(f, INTEGRATION_ROOT));
  return [path];
}

async function runMocha(files: string[], grep: string | undefined): Promise<{ passed: number; failed: number }> {
  const mocha = new Mocha({ timeout: 60_000, reporter: 'spec', ...(grep !== undefined ? { grep } : {}) });
  for (const f of files) mocha.addFile(f);
  await mocha.loadFilesAsync();
  return new Promise((resolve) => {
    const runner = mocha.run(() => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0 }));
  });
}

function runIntegration(): { passed: number; failed: number } {
  const r = spawnSync('npx', ['tsx', 'test/integration/harness.ts'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(r.stdout ?? '');
  const m = /^(\d+) passed, (\d+) failed/m.exec(r.stdout ?? '');
  const reported = { passed: Number(m?.[1] ?? 0), failed: Number(m?.[2] ?? 0) };
  // A harness that died (no count) or exited non-zero without a failed test still fails the run.
  return { passed: reported.passed, failed: reported.failed > 0 ? reported.failed : r.status !== 0 || !m ? 1 : 0 };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const narrowed = opts.paths.length > 0 || opts.grep !== undefined;
  // A bare --grep searches the mocha suites: the integration harness cannot be filtered.
  const suites = opts.suites.length || opts.paths.length ? opts.suites : opts.grep !== undefined ? MOCHA_SUITES : ALL;
  if (!opts.skipBuild) {
    run('node', ['esbuild.mjs']);
    if (!narrowed) {
      run('npx', ['tsc', '-b']);
      run('npx', ['eslint', '.']);
    }
  }
  let passed = 0;
  let failed = 0;
  const files = [
    ...MOCHA_SUITES.filter((s) => suites.includes(s)).flatMap((s) => testFiles(join('test', s))),
    ...opts.paths.flatMap(filesOf).map((f) => relative(process.cwd(), f)),
  ].filter((f, i, all) => all.indexOf(f) === i);
  if (files.length) {
    const r = await runMocha(files, opts.grep);
    passed += r.passed;
    failed += r.failed;
    if (opts.grep !== undefined && r.passed + r.failed === 0) {
      console.error(`\nno test in ${files.length} file(s) matches --grep ${JSON.stringify(opts.grep)}`);
      failed += 1;
    }
  } else if (opts.paths.length && !opts.paths.some((p) => isInside(p, INTEGRATION_ROOT))) {
    console.error('\nno *.test.ts file in the given paths');
    failed += 1;
  }
  const integration = suites.includes('integration') || opts.paths.some((p) => isInside(p, INTEGRATION_ROOT) || isInside(INTEGRATION_ROOT, p));
  if (integration) {
    if (opts.grep !== undefined) console.error('run-tests: --grep does not apply to the integration harness; it runs whole');
    const r = runIntegration();
    passed += r.passed;
    failed += r.failed;
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

void main();
