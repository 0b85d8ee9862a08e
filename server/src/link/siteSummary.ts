// SpanSite (analyzer, absolute paths) -> SpanSiteSummary relative to the workspace folder that
// holds it: the analyzer's own summary, with the root chosen among several folders.

import type { SpanSiteSummary } from '../../../common/src/sites';
import { toSiteSummary as summarize } from '../analysis/summaries';
import type { SpanSite } from '../analysis/types';
import { relativeToFolders } from './workspacePaths';

/** Undefined for a site outside every workspace folder. */
export function toSiteSummary(site: SpanSite, folders: string[], attributePrefix: string): SpanSiteSummary | undefined {
  const rel = relativeToFolders(site.file, folders);
  return rel ? summarize(site, rel.folder, attributePrefix) : undefined;
}

export function toSiteSummaries(sites: SpanSite[], folders: string[], attributePrefix: string): SpanSiteSummary[] {
  return sites.map((s) => toSiteSummary(s, folders, attributePrefix)).filter((s): s is SpanSiteSummary => s !== undefined);
}
