// Plain summaries of sites and findings for JSON output, the map and code links:
// files relative to a root with `/`, lines and columns 1-based.

import { relative } from 'node:path';
import { flowKeys } from '../../../common/src/semconv';
import type { FindingSummary, SpanSiteSummary } from '../../../common/src/sites';
import { toPosix } from './files';
import type { Finding, SpanSite } from './types';

export function relativeFile(file: string, root: string): string {
  return toPosix(relative(root, file));
}

export function toSiteSummary(site: SpanSite, root: string, attributePrefix: string): SpanSiteSummary {
  const attributes: SpanSiteSummary['attributes'] = {};
  for (const a of site.attributes) if (a.key !== null) attributes[a.key] = a.value.constant ? (a.value.value ?? null) : null;
  const keys = flowKeys(attributePrefix);
  const text = (k: string) => (typeof attributes[k] === 'string' ? attributes[k] : null);
  return {
    file: relativeFile(site.file, root),
    line: site.range.start.line + 1,
    column: site.range.start.character + 1,
    language: site.language,
    name: site.name?.constant ? String(site.name.value) : null,
    flow: text(keys.name),
    step: text(keys.step),
    scope: site.scope,
    kind: site.kind,
    attributes,
  };
}

/** Also for the CLI's own reports (unused suppressions), whose rule is not one of the analyzer's. */
export function toFindingSummary(f: Pick<Finding, 'severity' | 'file' | 'range' | 'message'> & { rule: string }, root: string): FindingSummary {
  return {
    rule: f.rule,
    severity: f.severity,
    file: relativeFile(f.file, root),
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    message: f.message,
  };
}
