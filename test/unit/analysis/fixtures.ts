// Shared helpers for the analyzer's fixture tests.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveSettings, type AnalysisSettings } from '../../../common/src/settings';
import { scanPaths, type ScanOutput } from '../../../server/src/analysis/workspace';

export const FIXTURES = resolve(__dirname, '../../fixtures/ts');

export function defaults(overrides: Partial<AnalysisSettings> = {}): AnalysisSettings {
  return { ...resolveSettings({}).analysis, ...overrides };
}

export function scanFixtures(paths: string[] = ['.'], settings = defaults()): Promise<ScanOutput> {
  return scanPaths(paths, settings, FIXTURES);
}

/** `// expect: a, b` markers of a fixture file: 1-based line -> sorted rule ids. */
export function expectations(relFile: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  readFileSync(join(FIXTURES, relFile), 'utf8').split('\n').forEach((line, i) => {
    const m = /\/\/ expect: (.*)$/.exec(line);
    if (m) out.set(i + 1, m[1].split(',').map((s) => s.trim()).sort());
  });
  return out;
}

/** The findings of one file in the same shape as expectations(). */
export function findingsByLine(scan: ScanOutput, relFile: string): Map<number, string[]> {
  const abs = join(FIXTURES, relFile);
  const out = new Map<number, string[]>();
  for (const f of scan.findings.filter((x) => x.file === abs)) {
    const line = f.range.start.line + 1;
    out.set(line, [...(out.get(line) ?? []), f.rule].sort());
  }
  return out;
}

/** 1-based line of the first occurrence of `text` in a fixture file. */
export function lineOf(relFile: string, text: string): number {
  return readFileSync(join(FIXTURES, relFile), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
}
