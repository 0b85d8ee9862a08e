// What a scan reports, after the command line's filters: the findings, the unused suppression
// comments when asked for (as warnings, like ESLint's --report-unused-disable-directives), and
// nothing below error level under --quiet. Formats and the exit code read this, never ScanOutput.

import type { Finding, Range, RelatedLocation } from '../analysis/types';
import type { ScanOutput } from '../analysis/workspace';

/** Rule id of the reports of unused suppression comments (docs/rules/unused-suppression.md). */
export const UNUSED_SUPPRESSION = 'unused-suppression';

export interface ReportItem {
  rule: string;
  severity: Finding['severity'];
  file: string;
  range: Range;
  message: string;
  related?: RelatedLocation[];
}

export interface Report {
  items: ReportItem[];
  files: string[];
  siteCount: number;
  errors: number;
  warnings: number;
  /** Whether unused suppressions were asked for (SARIF then declares their rule). */
  reportsUnused: boolean;
}

export function buildReport(result: ScanOutput, opts: { quiet: boolean; reportUnusedDisables: boolean }): Report {
  const unused: ReportItem[] = opts.reportUnusedDisables ? result.unusedSuppressions.map(({ file, suppression: s, rule }) => ({
    rule: UNUSED_SUPPRESSION,
    severity: 'warning' as const,
    file,
    range: { start: { line: s.line, character: s.column }, end: { line: s.line, character: s.column + s.text.length } },
    message: rule ? `Unused suppression: no '${rule}' finding is silenced by this comment.` : 'Unused suppression: no finding is silenced by this comment.',
  })) : [];
  const all: ReportItem[] = [...result.findings, ...unused].sort((a, b) =>
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  const items = opts.quiet ? all.filter((i) => i.severity === 'error') : all;
  return {
    items,
    files: result.files,
    siteCount: result.sites.length,
    errors: items.filter((i) => i.severity === 'error').length,
    warnings: items.filter((i) => i.severity === 'warning').length,
    reportsUnused: opts.reportUnusedDisables,
  };
}
