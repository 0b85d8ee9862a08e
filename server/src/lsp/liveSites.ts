// Shared by CodeLens and hover: the span sites of a document and their live numbers, with the
// recent window's numbers asked from the receiver (they slide with time, so no delta carries them).

import { fileURLToPath } from 'node:url';
import type { SpanSite } from '../analysis/types';
import { liveStatsForSite, type LiveSiteStats } from '../link/liveMatch';
import { toSiteSummary } from '../link/siteSummary';
import type { LiveWindow } from '../telemetry/topology/liveWindow';
import type { SpanSiteSummary } from '../../../common/src/sites';
import type { ServerContext, SiteIndexSource } from './context';
import type { HostAccess } from './receiverBridge';

/** One answer serves the CodeLens and hover requests of a burst (every visible editor asks at once). */
const WINDOW_TTL_MS = 1_000;

export interface LiveSite {
  site: SpanSite;
  summary: SpanSiteSummary;
  stats: LiveSiteStats | undefined;
}

/** The receiver's recent-window numbers, asked at most once a second; the last answer and when it came. */
export class LiveWindowSource {
  private pending: Promise<LiveWindow | undefined> | undefined;
  private askedAt = 0;
  last: { window: LiveWindow; at: number } | undefined;

  constructor(private readonly host: HostAccess) {}

  get(): Promise<LiveWindow | undefined> {
    const h = this.host();
    if (!h) return Promise.resolve(undefined);
    const now = Date.now();
    if (!this.pending || now - this.askedAt >= WINDOW_TTL_MS) {
      this.askedAt = now;
      // A worker that is restarting or gone: the lens falls back to the numbers since start.
      this.pending = h.liveWindow().then(
        (window) => ((this.last = { window, at: Date.now() }), window),
        () => undefined,
      );
    }
    return this.pending;
  }
}

export async function liveSitesOf(uri: string, ctx: ServerContext, siteIndex: SiteIndexSource, host: HostAccess, windows: LiveWindowSource): Promise<LiveSite[]> {
  let path: string;
  try {
    path = fileURLToPath(uri);
  } catch {
    return [];
  }
  const mine = siteIndex.sitesByFile().get(path) ?? [];
  if (!mine.length) return [];
  const prefix = ctx.settings().analysis.attributePrefix;
  const h = host();
  const live = h ? await windows.get() : undefined;
  const graph = h?.currentGraph();
  const names = h ? [...h.live().names.values()] : [];
  const out: LiveSite[] = [];
  for (const site of mine) {
    const summary = toSiteSummary(site, ctx.workspaceFolders(), prefix);
    if (!summary) continue;
    const stats = graph ? liveStatsForSite(summary, site.name?.constantPrefix, graph, names, live) : undefined;
    out.push({ site, summary, stats });
  }
  return out;
}
