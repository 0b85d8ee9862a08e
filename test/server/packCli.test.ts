// The npm package as users get it: `npm pack` of the current build (the .npmignore allowlist
// decides what goes in), installed into an empty folder with dev dependencies omitted and npm kept
// offline, then `npx otel-flow-map scan` on a TypeScript, a Python and a Go file. The bundled CLI
// must need nothing but what the tarball holds (no dependency to fetch, grammars and rule docs inside).
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RULE_IDS } from '../../common/src/settings';
import type { ScanResult } from '../../common/src/sites';

const ROOT = resolve(__dirname, '../..');
const MAX_TARBALL_BYTES = 5 * 1024 * 1024;
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

interface PackResult {
  filename: string;
  size: number;
  entryCount: number;
  files: { path: string }[];
}

/** npm without the update check, funding and audit chatter; `--offline` makes a fetch fail instead of reaching out. */
function npm(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    shell: process.platform === 'win32',
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
  });
}

const SAMPLES: Record<string, string> = {
  'checkout.ts': [
    "import { trace } from '@opentelemetry/api';",
    "const tracer = trace.getTracer('checkout');",
    'export function placeOrder(): void {',
    "  tracer.startActiveSpan('checkout.place_order', (span) => span.end());",
    '}',
    '',
  ].join('\n'),
  'inventory.py': [
    'from opentelemetry import trace',
    'tracer = trace.get_tracer("inventory")',
    'with tracer.start_as_current_span("inventory.reserve"):',
    '    pass',
    '',
  ].join('\n'),
  'shipping.go': [
    'package main',
    '',
    'import "go.opentelemetry.io/otel"',
    '',
    'func Dispatch(ctx context.Context) {',
    '\t_, span := otel.Tracer("shipping").Start(ctx, "shipping.dispatch")',
    '\tdefer span.End()',
    '}',
    '',
  ].join('\n'),
};

describe('npm package (npm pack, install from the tarball, npx otel-flow-map scan)', function () {
  this.timeout(180_000);
  let tmp: string;
  let pack: PackResult;
  let project: string;

  before(function () {
    assert.ok(existsSync(join(ROOT, 'dist', 'cli.js')), 'dist/cli.js is missing: build first (node esbuild.mjs)');
    tmp = mkdtempSync(join(tmpdir(), 'ofm-pack-'));
    // --ignore-scripts: pack the build under test as it is (prepack would rebuild dist/ in place).
    const r = npm(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT);
    assert.equal(r.status, 0, `npm pack failed: ${r.stderr}`);
    [pack] = JSON.parse(r.stdout) as PackResult[];
  });

  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('is at most 5 MB and holds the CLI only: no tests, demo, sources, source maps or extension bundles', () => {
    const paths = pack.files.map((f) => f.path);
    assert.ok(pack.size <= MAX_TARBALL_BYTES, `tarball is ${pack.size} bytes`);
    assert.deepEqual(paths.filter((p) => /^(test|demo|bench|server|client|webview|common|scripts)\//.test(p)), []);
    assert.deepEqual(paths.filter((p) => p.endsWith('.map') || p.endsWith('.ts') || p.endsWith('.vsix')), []);
    assert.deepEqual(paths.filter((p) => ['dist/client.js', 'dist/server.js'].includes(p)), [], 'the extension bundles ship in the .vsix only');
    for (const needed of ['dist/cli.js', 'dist/web-tree-sitter.wasm', 'dist/tree-sitter-python.wasm', 'dist/tree-sitter-go.wasm', 'dist/telemetryWorker.js', 'dist/webview.js', 'package.json', 'README.md', 'LICENSE']) {
      assert.ok(paths.includes(needed), `${needed} is not in the tarball`);
    }
    for (const id of RULE_IDS) assert.ok(paths.includes(`docs/rules/${id}.md`), `docs/rules/${id}.md is not in the tarball`);
  });

  it('installs offline without dev dependencies and `npx otel-flow-map scan` finds the spans in TS, Python and Go', () => {
    project = join(tmp, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'sample-project', version: '1.0.0', private: true }));
    const install = npm(NPM, ['install', join(tmp, pack.filename), '--omit=dev', '--no-audit', '--no-fund', '--offline', '--no-package-lock'], project);
    assert.equal(install.status, 0, `npm install failed: ${install.stderr}`);
    // Everything the CLI runs on is bundled: the tarball brings no dependency along.
    assert.deepEqual(readdirSync(join(project, 'node_modules')).filter((e) => !e.startsWith('.')), ['otel-flow-map']);

    for (const [file, text] of Object.entries(SAMPLES)) writeFileSync(join(project, file), text);
    const r = npm(NPX, ['--no', 'otel-flow-map', 'scan', '--format', 'json'], project);
    assert.doesNotMatch(r.stderr, /unavailable|cannot find module/i);
    assert.equal(r.status, 0, `scan exited ${r.status}: ${r.stderr}${r.stdout}`);
    const out = JSON.parse(r.stdout) as ScanResult;
    assert.deepEqual(out.spans.map((s) => [s.file, s.language, s.name]).sort(), [
      ['checkout.ts', 'typescript', 'checkout.place_order'],
      ['inventory.py', 'python', 'inventory.reserve'],
      ['shipping.go', 'go', 'shipping.dispatch'],
    ]);
    assert.deepEqual(out.findings, []);
  });

  it('exits 1 on a finding and embeds the shipped rule document in SARIF', () => {
    assert.ok(project, 'the install test runs first');
    writeFileSync(join(project, 'leak.go'), 'package main\n\nimport "go.opentelemetry.io/otel"\n\nfunc Charge(ctx context.Context) {\n\t_, span := otel.Tracer("pay").Start(ctx, "payments.charge")\n\tspan.AddEvent("charged")\n}\n');
    const r = npm(NPX, ['--no', 'otel-flow-map', 'scan', 'leak.go', '--format', 'sarif', '-o', 'report.sarif', '--max-warnings', '0'], project);
    assert.equal(r.status, 1, `scan exited ${r.status}: ${r.stderr}`);
    const sarif = JSON.parse(readFileSync(join(project, 'report.sarif'), 'utf8')) as {
      runs: { tool: { driver: { rules: { id: string; help: { markdown: string } }[] } }; results: { ruleId: string }[] }[];
    };
    const [run] = sarif.runs;
    assert.deepEqual(run.results.map((x) => x.ruleId), ['span-not-ended']);
    const rule = run.tool.driver.rules.find((x) => x.id === 'span-not-ended');
    const doc = readFileSync(join(ROOT, 'docs', 'rules', 'span-not-ended.md'), 'utf8').replace(/^# .*\r?\n/, '').trim();
    assert.equal(rule?.help.markdown, doc, 'the rule help is the document from the package, not the one-line fallback');
  });
});
