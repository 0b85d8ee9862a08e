// Output formats of `scan`: text for people, JSON ({spans, findings}) for scripts, and
// SARIF 2.1.0 for GitHub code scanning (paths relative to %SRCROOT%, 1-based regions).

import { RULE_IDS, DEFAULT_SEVERITIES, type AnalysisSettings, type Severity } from '../../../common/src/settings';
import type { ScanResult } from '../../../common/src/sites';
import { RULE_SUMMARIES, ruleDocUrl } from '../analysis/ruleDocs';
import { relativeFile, toFindingSummary, toSiteSummary } from '../analysis/summaries';
import type { Range } from '../analysis/types';
import type { ScanOutput } from '../analysis/workspace';

export function formatJson(result: ScanOutput, root: string, settings: AnalysisSettings): string {
  const out: ScanResult = {
    spans: result.sites.map((s) => toSiteSummary(s, root, settings.attributePrefix)),
    findings: result.findings.map((f) => toFindingSummary(f, root)),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

export function formatText(result: ScanOutput, root: string): string {
  const lines = result.findings.map((f) => {
    const s = toFindingSummary(f, root);
    return `${s.file}:${s.line}:${s.column}: ${s.severity} ${s.message} [${s.rule}]`;
  });
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  lines.push(`${result.files.length} file(s), ${result.sites.length} span site(s), ${result.findings.length} finding(s), ${errors} error(s)`);
  return `${lines.join('\n')}\n`;
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note' | 'none'> = {
  error: 'error', warning: 'warning', information: 'note', hint: 'note', off: 'none',
};

export function formatSarif(result: ScanOutput, root: string): string {
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'otel-flow-map',
          informationUri: ruleDocUrl('dynamic-span-name').replace(/#.*$/, ''),
          version: process.env.OTEL_FLOW_MAP_VERSION ?? '0.0.0',
          rules: RULE_IDS.map((id) => ({
            id,
            name: id.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
            shortDescription: { text: RULE_SUMMARIES[id] },
            helpUri: ruleDocUrl(id),
            defaultConfiguration: { level: SARIF_LEVEL[DEFAULT_SEVERITIES[id]] },
          })),
        },
      },
      originalUriBaseIds: { SRCROOT: { uri: `${pathToUri(root)}/` } },
      results: result.findings.map((f) => ({
        ruleId: f.rule,
        ruleIndex: RULE_IDS.indexOf(f.rule),
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: [{ physicalLocation: sarifLocation(f.file, f.range, root) }],
        ...(f.related?.length ? { relatedLocations: f.related.map((r, id) => ({ id, physicalLocation: sarifLocation(r.file, r.range, root), message: { text: r.message } })) } : {}),
      })),
    }],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function sarifLocation(file: string, range: Range, root: string): object {
  return {
    artifactLocation: { uri: encodeURI(relativeFile(file, root)), uriBaseId: 'SRCROOT' },
    region: { startLine: range.start.line + 1, startColumn: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 },
  };
}

function pathToUri(path: string): string {
  return `file://${encodeURI(path.replace(/\\/g, '/').replace(/\/$/, ''))}`;
}
