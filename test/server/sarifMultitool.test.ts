// The SARIF of `scan` as GitHub code scanning ingests it: Microsoft's SARIF Multitool
// (@microsoft/sarif-multitool, a self-contained Linux binary inside the npm package, runs offline)
// validates it with GitHub's ingestion rules (`--rule-kind Gh`) and with the SARIF rules (default run).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const CLI = resolve(__dirname, '../../dist/cli.js');
const FIXTURES = resolve(__dirname, '../fixtures/ts');

/** The platform binary; npm 11 holds back the package's postinstall that marks it executable. */
function multitool(): string {
  const req = createRequire(__filename);
  const bin = join(dirname(req.resolve(`@microsoft/sarif-multitool-${process.platform}/package.json`)), 'Sarif.Multitool');
  if (!(statSync(bin).mode & 0o100)) chmodSync(bin, 0o755);
  return bin;
}

interface SarifResult { ruleId: string; level?: string; message: { id?: string; text?: string; arguments?: string[] }; partialFingerprints?: Record<string, string>; locations: { physicalLocation: { region: { startLine: number } } }[] }

function validate(sarifFile: string, extra: string[], dir: string): SarifResult[] {
  const out = join(dir, `validation-${extra.length}.sarif`);
  const r = spawnSync(multitool(), ['validate', sarifFile, '--output', out, '--log', 'ForceOverwrite', ...extra], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  return (JSON.parse(readFileSync(out, 'utf8').replace(/^\uFEFF/, '')) as { runs: { results: SarifResult[] }[] }).runs[0].results;
}

interface SarifLog {
  runs: { results: SarifResult[]; tool: { driver: { rules: { id: string }[] } } }[];
}

function scanSarif(args: string[], cwd: string): SarifLog {
  const r = spawnSync(process.execPath, [CLI, 'scan', '--format', 'sarif', ...args], { cwd, encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return JSON.parse(r.stdout) as SarifLog;
}

describe('SARIF for GitHub code scanning (dist/cli.js + SARIF Multitool)', function () {
  this.timeout(240_000);
  let dir: string;
  let sarifFile: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ofm-sarif-'));
    sarifFile = join(dir, 'scan.sarif');
    // Findings with related locations, notes and errors, plus the unused-suppression rule.
    const r = spawnSync(process.execPath, [CLI, 'scan', '.', '--format', 'sarif', '--report-unused-disables', '-o', sarifFile], { cwd: FIXTURES, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('passes GitHub ingestion rules (--rule-kind Gh) with no error and no warning', () => {
    const results = validate(sarifFile, ['--rule-kind', 'Gh'], dir);
    assert.deepEqual(results.map((x) => `${x.ruleId}: ${x.message.text ?? x.message.arguments?.join(' ')}`), []);
  });

  it('passes the SARIF rules (default run) with no error; the one warning is the missing informationUri', () => {
    const results = validate(sarifFile, [], dir);
    // SARIF2005 asks for tool.driver.informationUri. The project has no public URL (a placeholder
    // would be worse than none), so that one warning is expected until it has one.
    const problems = results.filter((x) => x.ruleId !== 'SARIF2005' || !/nformationUri/.test(JSON.stringify(x.message)));
    assert.deepEqual(problems.map((x) => `${x.level ?? 'warning'} ${x.ruleId}: ${JSON.stringify(x.message)}`), []);
  });

  it('gives each result partialFingerprints that stay the same when lines shift', () => {
    const work = mkdtempSync(join(tmpdir(), 'ofm-fp-'));
    try {
      const code = "import { trace } from '@opentelemetry/api';\nconst tracer = trace.getTracer('shop');\ntracer.startActiveSpan('handler', (s) => s.end());\ntracer.startActiveSpan('handler', (s) => s.end());\n";
      writeFileSync(join(work, 'a.ts'), code);
      const before = scanSarif(['a.ts'], work).runs[0].results;
      writeFileSync(join(work, 'a.ts'), code.replace('const tracer', '// a comment\n\n// moves everything down\nconst tracer'));
      const after = scanSarif(['a.ts'], work).runs[0].results;
      assert.deepEqual(after.map((x) => x.locations[0].physicalLocation.region.startLine), [6, 7]);
      const fp = (rs: SarifResult[]) => rs.map((x) => Object.values(x.partialFingerprints ?? {})[0]);
      assert.deepEqual(fp(after), fp(before));
      assert.equal(new Set(fp(before)).size, 2, 'two identical lines are two alerts');
      writeFileSync(join(work, 'a.ts'), code.replace("startActiveSpan('handler', (s) => s.end());\ntracer", "startActiveSpan('process', (s) => s.end());\ntracer"));
      assert.notEqual(fp(scanSarif(['a.ts'], work).runs[0].results)[0], fp(before)[0], 'a changed line is a new alert');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
