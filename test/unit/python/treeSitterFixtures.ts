// Shared by the Python and Go front-end tests: load a fixture folder into a front-end, and read
// the `expect: rule-a, rule-b` comments that say which findings each line must produce.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, LanguageFrontEnd, SpanSite } from '../../../server/src/analysis/types';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures');

export function filesUnder(dir: string, extensions: readonly string[]): string[] {
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
