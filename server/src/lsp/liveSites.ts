// Shared by CodeLens and hover: the span sites of a document and their live numbers.

import { fileURLToPath } from 'node:url';
import type { SpanSite } from '../analysis/types';
import { liveStatsForSite, type LiveSiteStats } from '../link/liveMatch';
import { toSiteSummary } from '../link/siteSummary';
import type { SpanSiteSummary } from '../../../common/src/sites';
import type { ServerContext, SiteIndexSource } from './context';
import type { HostAccess } from './receiverBridge';

export interface LiveSite {
  site: SpanSite;
  summary: SpanSiteSummary;
  stats: LiveSiteStats | undefined;
}

export function liveSitesOf(uri: string, ctx: ServerContext, siteIndex: SiteIndexSource, host: HostAccess): LiveSite[] {
  let path: string;
  try {
    path = fileURLToPath(uri);
  } catch {
    return [];
  }
  const prefix = ctx.settings().analysis.attributePrefix;
  const h = host();
  const graph = h?.currentGraph();
  const names = h ? [...h.live().names.values()] : [];
  const out: LiveSite[] = [];
  for (const site of siteIndex.sites()) {
    if (site.file !== path) continue;
    const summary = toSiteSummary(site, ctx.workspaceFolders(), prefix);
    if (!summary) continue;
    const stats = graph ? liveStatsForSite(summary, site.name?.constantPrefix, graph, names) : undefined;
    out.push({ site, summary, stats });
  }
  return out;
}
