import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../common/src/settings';
import { createPythonFrontEnd } from '../../../server/src/analysis/python/pythonFrontEnd';
import { evaluateSite } from '../../../server/src/analysis/rules';
import { scanPaths } from '../../../server/src/analysis/workspace';
import { FIXTURES, expectedFindings, findingsByLine } from './treeSitterFixtures';

const RULES = join(FIXTURES, 'python', 'rules.py');
const TEXT = readFileSync(RULES, 'utf8');

describe('Python rules (front-end IR + language-neutral rules)', () => {
  it('reports exactly the findings each fixture line expects, decoys included', async () => {
    const frontEnd = await createPythonFrontEnd(DEFAULT_SETTINGS.analysis);
    frontEnd.updateFile(RULES, TEXT);
    const findings = frontEnd.sitesOf(RULES).sites.flatMap((s) => evaluateSite(s, DEFAULT_SETTINGS.analysis));
    const actual = findingsByLine(findings);
    const expected = expectedFindings(TEXT);
    assert.ok(expected.size >= 16);
    for (const [line, rules] of expected) assert.deepEqual(actual.get(line) ?? [], rules, `line ${line + 1}: ${TEXT.split('\n')[line].trim()}`);
    for (const line of actual.keys()) assert.ok(expected.has(line), `unexpected finding on line ${line + 1}`);
  });

  it('offers the span.end() fix with span-not-ended', async () => {
    const frontEnd = await createPythonFrontEnd(DEFAULT_SETTINGS.analysis);
    frontEnd.updateFile(RULES, TEXT);
    const finding = frontEnd.sitesOf(RULES).sites.flatMap((s) => evaluateSite(s, DEFAULT_SETTINGS.analysis)).find((f) => f.rule === 'span-not-ended');
    assert.equal(finding?.fixes[0]?.edits[0].newText, '\n    span.end()');
  });

  it('scans a Python folder through the workspace analyzer (the CLI path) with the same findings', async () => {
    const out = await scanPaths([join(FIXTURES, 'python')], DEFAULT_SETTINGS.analysis, process.cwd());
    assert.deepEqual(out.problems, []);
    const inRules = out.findings.filter((f) => f.file === RULES);
    const expectedCount = [...expectedFindings(TEXT).values()].reduce((n, rules) => n + rules.length, 0);
    assert.equal(inRules.length, expectedCount);
    assert.ok(out.sites.some((s) => s.language === 'python' && s.name?.value === 'checkout.place_order'));
  });
});
