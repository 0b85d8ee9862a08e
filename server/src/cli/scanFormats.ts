// Output formats of `scan` besides SARIF (sarif.ts): text for people, JSON ({spans, findings})
// for scripts, and GitHub Actions workflow commands that annotate the pull request's diff.

import type { AnalysisSettings } from '../../../common/src/settings';
import type { ScanResult } from '../../../common/src/sites';
import { toFindingSummary, toSiteSummary } from '../analysis/summaries';
import type { ScanOutput } from '../analysis/workspace';
import type { Report } from './report';

export function formatJson(report: Report, result: ScanOutput, root: string, settings: AnalysisSettings): string {
  const out: ScanResult = {
    spans: result.sites.map((s) => toSiteSummary(s, root, settings.attributePrefix)),
    findings: report.items.map((f) => toFindingSummary(f, root)),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

export function formatText(report: Report, root: string): string {
  const lines = report.items.map((f) => {
    const s = toFindingSummary(f, root);
    return `${s.file}:${s.line}:${s.column}: ${s.severity} ${s.message} [${s.rule}]`;
  });
  lines.push(`${report.files.length} file(s), ${report.siteCount} span site(s), ${report.items.length} finding(s), ${report.errors} error(s), ${report.warnings} warning(s)`);
  return `${lines.join('\n')}\n`;
}

const GITHUB_COMMAND = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' } as const;

/**
 * `::warning file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`, one per finding. Paths
 * are relative to the working directory, which in a workflow is the checkout GitHub resolves them against.
 */
export function formatGithub(report: Report, root: string): string {
  return report.items.map((f) => {
    const s = toFindingSummary(f, root);
    const props: [string, string | number][] = [['file', s.file], ['line', s.line], ['col', s.column], ['endLine', s.endLine], ['endColumn', s.endColumn], ['title', `otel-flow-map ${s.rule}`]];
    const list = props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
    return `::${GITHUB_COMMAND[s.severity]} ${list}::${escapeData(`${s.message} [${s.rule}]`)}\n`;
  }).join('');
}

// The escaping of GitHub's workflow-command parser (toolkit's command.ts): data escapes %, CR, LF;
// property values also `:` and `,`, which would otherwise end the value.
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
