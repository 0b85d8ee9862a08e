import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../common/src/settings';
import { createGoFrontEnd } from '../../../server/src/analysis/go/goFrontEnd';
import { evaluateSite } from '../../../server/src/analysis/rules';
import { scanPaths } from '../../../server/src/analysis/workspace';
import { FIXTURES, expectedFindings, findingsByLine } from '../python/treeSitterFixtures';

const RULES = join(FIXTURES, 'go', 'rules', 'rules.go');
const TEXT = readFileSync(RULES, 'utf8');

describe('Go rules (front-end IR + language-neutral rules)', () => {
  it('reports exactly the findings each fixture line expects, decoys included', async () => {
    const frontEnd = await createGoFrontEnd(DEFAULT_SETTINGS.analysis);
    frontEnd.updateFile(RULES, TEXT);
    const findings = frontEnd.sitesOf(RULES).sites.flatMap((s) => evaluateSite(s, DEFAULT_SETTINGS.analysis));
    const actual = findingsByLine(findings);
    const expected = expectedFindings(TEXT);
    assert.ok(expected.size >= 16);
    for (const [line, rules] of expected) assert.deepEqual(actual.get(line) ?? [], rules, `line ${line + 1}: ${TEXT.split('\n')[line].trim()}`);
    for (const line of actual.keys()) assert.ok(expected.has(line), `unexpected finding on line ${line + 1}`);
  });

  it('offers `defer span.End()` with span-not-ended', async () => {
    const frontEnd = await createGoFrontEnd(DEFAULT_SETTINGS.analysis);
    frontEnd.updateFile(RULES, TEXT);
    const finding = frontEnd.sitesOf(RULES).sites.flatMap((s) => evaluateSite(s, DEFAULT_SETTINGS.analysis)).find((f) => f.rule === 'span-not-ended');
    assert.equal(finding?.fixes[0]?.edits[0].newText, '\n\tdefer span.End()');
  });

  it('scans a Go folder through the workspace analyzer (the CLI path) with the same findings', async () => {
    const out = await scanPaths([join(FIXTURES, 'go')], DEFAULT_SETTINGS.analysis, process.cwd());
    assert.deepEqual(out.problems, []);
    const expectedCount = [...expectedFindings(TEXT).values()].reduce((n, rules) => n + rules.length, 0);
    assert.equal(out.findings.filter((f) => f.file === RULES).length, expectedCount);
    assert.ok(out.sites.some((s) => s.language === 'go' && s.name?.value === 'checkout.place_order'));
  });
});
