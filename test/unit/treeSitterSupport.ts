// Shared by the Python and Go front-end tests: load a fixture folder into a front-end, read the
// `expect: rule-a, rule-b` comments that say which findings each line must produce, and the
// rule-level suite both languages run over their fixtures.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, type AnalysisSettings } from '../../common/src/settings';
import type { Language } from '../../common/src/sites';
import { evaluateSite } from '../../server/src/analysis/rules';
import type { Finding, LanguageFrontEnd, SpanSite } from '../../server/src/analysis/types';
import { scanPaths } from '../../server/src/analysis/workspace';

export const FIXTURES = join(__dirname, '..', 'fixtures');

function filesUnder(dir: string, extensions: readonly string[]): string[] {
  return readdirSync(dir).sort().flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return filesUnder(path, extensions);
    return extensions.some((e) => entry.endsWith(e)) ? [path] : [];
  });
}

/** Feeds every file of `dir` to the front-end (like the workspace analyzer does) and returns them. */
export function loadInto(frontEnd: LanguageFrontEnd, dir: string): string[] {
  const files = filesUnder(dir, frontEnd.extensions);
  for (const file of files) frontEnd.updateFile(file, readFileSync(file, 'utf8'));
  return files;
}

/** Loads the fixture folder `root` into the front-end and returns the sites of `file`, which must analyse without problems. */
export function fixtureSites(frontEnd: LanguageFrontEnd, root: string, file: string): SpanSite[] {
  loadInto(frontEnd, root);
  const result = frontEnd.sitesOf(file);
  assert.deepEqual(result.problems, []);
  return result.sites;
}

/** Attribute key -> constant value, or `<source text>` for a dynamic one. */
export function attributeValues(site: SpanSite): Record<string, unknown> {
  return Object.fromEntries(site.attributes.map((a) => [String(a.key), a.value.constant ? a.value.value : `<${a.value.text}>`]));
}

/** The site whose call starts on 1-based `line`. */
export function siteOnLine(sites: SpanSite[], line: number): SpanSite {
  const site = sites.find((s) => s.range.start.line === line - 1);
  if (!site) throw new Error(`no site on line ${line}; sites on lines ${sites.map((s) => s.range.start.line + 1).join(', ')}`);
  return site;
}

/** 1-based line of the first line containing `marker`. */
export function lineOf(text: string, marker: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(marker));
  if (index < 0) throw new Error(`marker not found: ${marker}`);
  return index + 1;
}

/** 0-based line -> sorted rule ids, from `expect: a, b` (or `expect: none`) comments. */
export function expectedFindings(text: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  text.split('\n').forEach((line, i) => {
    const m = /expect: ([a-z, -]+)$/.exec(line.trimEnd());
    if (m && !line.trimStart().startsWith('#') && !line.trimStart().startsWith('//')) {
      out.set(i, m[1] === 'none' ? [] : m[1].split(',').map((r) => r.trim()).sort());
    }
  });
  return out;
}

/** 0-based line -> sorted rule ids of the findings starting there. */
export function findingsByLine(findings: Finding[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const f of findings) out.set(f.range.start.line, [...(out.get(f.range.start.line) ?? []), f.rule].sort());
  return out;
}

export interface RuleFixtures {
  /** As in test titles, e.g. 'Python'. */
  title: string;
  language: Language;
  createFrontEnd(settings: AnalysisSettings): Promise<LanguageFrontEnd>;
  /** The fixture folder scanned like the CLI does, and its file of `expect:` lines. */
  root: string;
  rulesFile: string;
  /** Text the span-not-ended fix inserts. */
  endFixText: string;
}

/** The rule-level suite of a tree-sitter language: its front-end's IR through the language-neutral rules. */
export function describeRuleFixtures(fixtures: RuleFixtures): void {
  const { title, language, rulesFile } = fixtures;
  const text = readFileSync(rulesFile, 'utf8');
  const findingsOfRulesFile = async () => {
    const frontEnd = await fixtures.createFrontEnd(DEFAULT_SETTINGS.analysis);
    frontEnd.updateFile(rulesFile, text);
    return frontEnd.sitesOf(rulesFile).sites.flatMap((s) => evaluateSite(s, DEFAULT_SETTINGS.analysis));
  };

  describe(`${title} rules (front-end IR + language-neutral rules)`, () => {
    it('reports exactly the findings each fixture line expects, decoys included', async () => {
      const actual = findingsByLine(await findingsOfRulesFile());
      const expected = expectedFindings(text);
      assert.ok(expected.size >= 16);
      for (const [line, rules] of expected) assert.deepEqual(actual.get(line) ?? [], rules, `line ${line + 1}: ${text.split('\n')[line].trim()}`);
      for (const line of actual.keys()) assert.ok(expected.has(line), `unexpected finding on line ${line + 1}`);
    });

    it(`offers \`${fixtures.endFixText.trim()}\` with span-not-ended`, async () => {
      const finding = (await findingsOfRulesFile()).find((f) => f.rule === 'span-not-ended');
      assert.equal(finding?.fixes[0]?.edits[0].newText, fixtures.endFixText);
    });

    it(`scans a ${title} folder through the workspace analyzer (the CLI path) with the same findings`, async () => {
      const out = await scanPaths([fixtures.root], DEFAULT_SETTINGS.analysis, process.cwd());
      assert.deepEqual(out.problems, []);
      const expectedCount = [...expectedFindings(text).values()].reduce((n, rules) => n + rules.length, 0);
      assert.equal(out.findings.filter((f) => f.file === rulesFile).length, expectedCount);
      assert.ok(out.sites.some((s) => s.language === language && s.name?.value === 'checkout.place_order'));
    });
  });
}
