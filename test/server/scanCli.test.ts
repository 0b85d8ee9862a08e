import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RULE_IDS } from '../../common/src/settings';
import type { ScanResult } from '../../common/src/sites';

/** The parts of SARIF 2.1.0 this file reads. */
interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { rules: { id: string; helpUri?: string; fullDescription: { text: string }; help: { text: string; markdown: string }; defaultConfiguration: { level: string } }[] } };
    results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: unknown; region: unknown } }[] }[];
    originalUriBaseIds: Record<string, { uri: string }>;
  }[];
}

const CLI = resolve(__dirname, '../../dist/cli.js');
const FIXTURES = resolve(__dirname, '../fixtures/ts');

function scan(args: string[], cwd = FIXTURES) {
  const r = spawnSync(process.execPath, [CLI, 'scan', ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('otel-flow-map scan (dist/cli.js)', function () {
  this.timeout(20_000);
  it('prints the JSON shape with relative files and 1-based positions; exit 1 on error findings', () => {
    const r = scan(['--format', 'json']);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as ScanResult;
    assert.deepEqual(Object.keys(out), ['spans', 'findings']);
    const skeleton = out.spans.find((s) => s.file === 'skeleton.ts');
    assert.deepEqual(skeleton, { file: 'skeleton.ts', line: 6, column: 10, language: 'typescript', name: 'handler', flow: null, step: null, scope: 'checkout-service', kind: null, attributes: {} });
    assert.ok(out.spans.some((s) => s.file === 'cjs/app.js' && s.language === 'javascript' && s.flow === 'shipping.dispatch'));
    for (const f of out.findings) {
      assert.deepEqual(Object.keys(f), ['rule', 'severity', 'file', 'line', 'column', 'endLine', 'endColumn', 'message']);
      assert.ok(!f.file.startsWith('/') && f.line >= 1 && f.column >= 1);
    }
    assert.deepEqual(out.findings.filter((f) => f.file === 'skeleton.ts').map((f) => [f.rule, f.line, f.column]), [['generic-name', 6, 33]]);
  });

  it('exits 0 when nothing is at error severity, and reads --config', () => {
    assert.equal(scan(['skeleton.ts']).code, 0);
    const dir = mkdtempSync(join(tmpdir(), 'ofm-cli-'));
    try {
      writeFileSync(join(dir, 'strict.json'), JSON.stringify({ analysis: { severities: { 'generic-name': 'error' } } }));
      writeFileSync(join(dir, 'flat.json'), JSON.stringify({ severities: { 'generic-name': 'off' } }));
      const strict = scan(['skeleton.ts', '--config', join(dir, 'strict.json')]);
      assert.equal(strict.code, 1);
      assert.match(strict.stdout, /skeleton\.ts:6:33: error .*\[generic-name\]/);
      const off = scan(['skeleton.ts', '--config', join(dir, 'flat.json'), '--format', 'json']);
      assert.equal(off.code, 0);
      assert.deepEqual((JSON.parse(off.stdout) as ScanResult).findings, []);
      // otel-flow-map.json in the working directory is picked up without --config.
      writeFileSync(join(dir, 'otel-flow-map.json'), JSON.stringify({ analysis: { severities: { 'generic-name': 'error' } } }));
      writeFileSync(join(dir, 'a.ts'), "trace.getTracer('x').startActiveSpan('handler', (s) => s.end());\n");
      assert.equal(scan([], dir).code, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes SARIF 2.1.0 for code scanning', () => {
    const r = scan(['rules/positives.ts', '--format', 'sarif']);
    assert.equal(r.code, 1);
    const sarif = JSON.parse(r.stdout) as SarifLog;
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    assert.deepEqual(run.tool.driver.rules.map((x) => x.id), [...RULE_IDS]);
    for (const rule of run.tool.driver.rules) {
      // No public URL exists for the docs: the doc travels inside the SARIF instead.
      assert.equal(rule.helpUri, undefined);
      assert.ok(rule.fullDescription.text.length > 40, rule.id);
      assert.match(rule.help.markdown, /## How to suppress/, rule.id);
      assert.ok(rule.help.text.length > 200 && !rule.help.text.includes('```'), rule.id);
      assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level));
    }
    assert.ok(run.results.length > 10);
    const res = run.results[0];
    assert.equal(res.ruleId, 'dynamic-span-name');
    assert.equal(run.tool.driver.rules[res.ruleIndex].id, res.ruleId);
    assert.equal(res.level, 'warning');
    assert.deepEqual(res.locations[0].physicalLocation.artifactLocation, { uri: 'rules/positives.ts', uriBaseId: 'SRCROOT' });
    assert.deepEqual(res.locations[0].physicalLocation.region, { startLine: 6, startColumn: 33, endLine: 6, endColumn: 54 });
    assert.ok(run.results.some((x) => x.level === 'note'), 'information maps to note');
    assert.match(run.originalUriBaseIds.SRCROOT.uri, /^file:\/\/.*\/$/);
  });

  it('exits 2 on usage errors, a missing path or a missing config, with the reason on stderr', () => {
    assert.equal(scan(['--format', 'xml']).code, 2);
    assert.equal(scan(['--bogus']).code, 2);
    assert.equal(scan(['--config', 'missing.json']).code, 2);
    const r = scan(['skeleton.ts', 'does-not-exist']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /No such file or directory: does-not-exist/);
  });
});
