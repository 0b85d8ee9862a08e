// SpanSite (analyzer, absolute paths) -> SpanSiteSummary relative to the workspace folder that
// holds it: the analyzer's own summary, with the root chosen among several folders.

import type { SpanSiteSummary } from '../../../common/src/sites';
import { toSiteSummary as summarize } from '../analysis/summaries';
import type { SpanSite } from '../analysis/types';
import { relativeToFolders } from './workspacePaths';

/**
 * Summaries by site object, with the folders and prefix they were made for. The analyzer keeps
 * each file's sites (the same objects) until the file changes, so a site list is mostly the one
 * summarised last time; resolving every site's folder again cost ~100 ms per list at 17k sites.
 */
const summaries = new WeakMap<SpanSite, { key: string; summary: SpanSiteSummary | undefined }>();

/** Undefined for a site outside every workspace folder. */
export function toSiteSummary(site: SpanSite, folders: string[], attributePrefix: string, key = cacheKey(folders, attributePrefix)): SpanSiteSummary | undefined {
  const hit = summaries.get(site);
  if (hit?.key === key) return hit.summary;
  const rel = relativeToFolders(site.file, folders);
  const summary = rel ? summarize(site, rel.folder, attributePrefix) : undefined;
  summaries.set(site, { key, summary });
  return summary;
}

export function toSiteSummaries(sites: SpanSite[], folders: string[], attributePrefix: string): SpanSiteSummary[] {
  const key = cacheKey(folders, attributePrefix);
  const out: SpanSiteSummary[] = [];
  for (const s of sites) {
    const summary = toSiteSummary(s, folders, attributePrefix, key);
    if (summary) out.push(summary);
  }
  return out;
}

function cacheKey(folders: string[], attributePrefix: string): string {
  return `${attributePrefix}\u0000${folders.join('\u0000')}`;
}
