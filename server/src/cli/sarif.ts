// SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif), shaped by GitHub's
// ingestion rules (checked in tests with Microsoft's SARIF Multitool, `--rule-kind Gh`): every
// rule carries its documentation (`fullDescription`, `help` text and Markdown, read from
// docs/rules/<rule>.md) because the project has no public page to point `helpUri` at; every result
// carries `partialFingerprints` computed from the rule, file and source text — not the line
// number — so an alert stays the same alert when code above it moves.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { DEFAULT_SEVERITIES, RULE_IDS, type Severity } from '../../../common/src/settings';
import { RULE_SUMMARIES, ruleDoc } from '../analysis/ruleDocs';
import { relativeFile } from '../analysis/summaries';
import type { Range } from '../analysis/types';
import { UNUSED_SUPPRESSION, type Report, type ReportItem } from './report';

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note' | 'none'> = {
  error: 'error', warning: 'warning', information: 'note', hint: 'note', off: 'none',
};

/** The key GitHub reads our fingerprints under; bump the version if the recipe changes. */
export const FINGERPRINT_KEY = 'otelFlowMap/v1';

interface RuleInfo {
  id: string;
  summary: string;
  level: Severity;
}

function rules(report: Report): RuleInfo[] {
  const out: RuleInfo[] = RULE_IDS.map((id) => ({ id, summary: RULE_SUMMARIES[id], level: DEFAULT_SEVERITIES[id] }));
  if (report.reportsUnused) out.push({ id: UNUSED_SUPPRESSION, summary: 'A suppression comment silences no finding.', level: 'warning' });
  return out;
}

export function formatSarif(report: Report, root: string): string {
  const ruleList = rules(report);
  const fingerprints = new Fingerprints(root);
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'otel-flow-map',
          version: process.env.OTEL_FLOW_MAP_VERSION ?? '0.0.0',
          rules: ruleList.map(({ id, summary, level }) => {
            const doc = ruleDoc(id, summary);
            return {
              id,
              name: id.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
              shortDescription: { text: summary },
              fullDescription: { text: doc.description || summary },
              help: { text: doc.text, markdown: doc.markdown },
              defaultConfiguration: { level: SARIF_LEVEL[level] },
              properties: { tags: ['opentelemetry', 'observability'] },
            };
          }),
        },
      },
      invocations: [{ executionSuccessful: true }],
      originalUriBaseIds: { SRCROOT: { uri: folderUri(root) } },
      results: report.items.map((f) => ({
        ruleId: f.rule,
        ruleIndex: ruleList.findIndex((r) => r.id === f.rule),
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: [{ physicalLocation: sarifLocation(f.file, f.range, root) }],
        partialFingerprints: { [FINGERPRINT_KEY]: fingerprints.of(f) },
        ...(f.related?.length ? { relatedLocations: f.related.map((r, id) => ({ id, physicalLocation: sarifLocation(r.file, r.range, root), message: { text: r.message } })) } : {}),
      })),
    }],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

/**
 * sha256 of rule, file, the finding's source line (whitespace collapsed) and its own text, plus
 * an occurrence number among identical ones in the file, so two equal lines stay two alerts.
 */
class Fingerprints {
  private readonly lines = new Map<string, string[]>();
  private readonly seen = new Map<string, number>();

  constructor(private readonly root: string) {}

  of(f: ReportItem): string {
    const lines = this.linesOf(f.file);
    const { start, end } = f.range;
    const line = lines[start.line] ?? '';
    const own = start.line === end.line ? line.slice(start.character, end.character) : line.slice(start.character);
    const hash = createHash('sha256').update([f.rule, relativeFile(f.file, this.root), line.replace(/\s+/g, ' ').trim(), own].join('\0')).digest('hex').slice(0, 32);
    const n = (this.seen.get(hash) ?? 0) + 1;
    this.seen.set(hash, n);
    return `${hash}:${n}`;
  }

  private linesOf(file: string): string[] {
    let lines = this.lines.get(file);
    if (!lines) {
      try {
        lines = readFileSync(file, 'utf8').split(/\r?\n/);
      } catch {
        lines = [];
      }
      this.lines.set(file, lines);
    }
    return lines;
  }
}

function sarifLocation(file: string, range: Range, root: string): object {
  return {
    artifactLocation: { uri: relativeFile(file, root).split('/').map(encodeURIComponent).join('/'), uriBaseId: 'SRCROOT' },
    region: { startLine: range.start.line + 1, startColumn: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 },
  };
}

/** A folder's file URI ending with `/` (SARIF resolves relative URIs against it): `file:///C:/ws/` on Windows, with `#`, `?` and `%` escaped. */
function folderUri(folder: string): string {
  const href = pathToFileURL(folder).href;
  return href.endsWith('/') ? href : `${href}/`;
}
