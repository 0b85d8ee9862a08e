// SpanSite (analyzer, absolute paths, 0-based) -> SpanSiteSummary (workspace-relative, 1-based),
// the shape the map and `scan --format json` share.

import type { SpanSiteSummary } from '../../../common/src/sites';
import { flowKeys } from '../../../common/src/semconv';
import type { SpanSite } from '../analysis/types';
import { relativeToFolders } from './workspacePaths';

/** Undefined for a site outside every workspace folder. */
export function toSiteSummary(site: SpanSite, folders: string[], attributePrefix: string): SpanSiteSummary | undefined {
  const rel = relativeToFolders(site.file, folders);
  if (!rel) return undefined;
  const attributes: SpanSiteSummary['attributes'] = {};
  for (const a of site.attributes) {
    if (a.key === null) continue;
    attributes[a.key] = a.value.constant && a.value.value !== undefined ? a.value.value : null;
  }
  const keys = flowKeys(attributePrefix);
  const text = (k: string) => (typeof attributes[k] === 'string' ? (attributes[k] as string) : null);
  return {
    file: rel.relative,
    line: site.range.start.line + 1,
    column: site.range.start.character + 1,
    language: site.language,
    name: site.name?.constant && typeof site.name.value === 'string' ? site.name.value : null,
    flow: text(keys.name),
    step: text(keys.step),
    scope: site.scope,
    kind: site.kind,
    attributes,
  };
}

export function toSiteSummaries(sites: SpanSite[], folders: string[], attributePrefix: string): SpanSiteSummary[] {
  return sites.map((s) => toSiteSummary(s, folders, attributePrefix)).filter((s): s is SpanSiteSummary => s !== undefined);
}
