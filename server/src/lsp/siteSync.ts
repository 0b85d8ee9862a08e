// The client's copy of the workspace's span sites (the map's code links, "Show in Map" at the
// cursor): the whole list once, then after each change only the files whose sites changed. At 25k
// files the whole list is 17k summaries, ~40 ms to encode and write: sent after every edit or
// created file, it held the server that long each time.

import { SitesChangedNotification, SitesDeltaNotification } from '../../../common/src/lspMethods';
import type { SitesDelta, SpanSiteSummary } from '../../../common/src/sites';
import { toSiteSummaries } from '../link/siteSummary';
import type { ServerContext, SiteIndexSource } from './context';

export function registerSiteSync(ctx: ServerContext, siteIndex: SiteIndexSource): void {
  const sync = new SiteListSync();
  siteIndex.onDidChange(() => {
    const next = sync.next(toSiteSummaries(siteIndex.sites(), ctx.workspaceFolders(), ctx.settings().analysis.attributePrefix));
    if (next?.full) void ctx.connection.sendNotification(SitesChangedNotification.method, next.full);
    else if (next?.delta) void ctx.connection.sendNotification(SitesDeltaNotification.method, next.delta);
  });
}

/**
 * What the client needs to hold `list`, given what it was sent before: the whole list the first
 * time or when most files changed (a rescan), the changed files' sites otherwise, nothing when no
 * file's sites changed. Summaries are the same objects while their site is (siteSummary.ts), so a
 * file's sites are unchanged when its summaries are.
 */
export class SiteListSync {
  private sent: Map<string, SpanSiteSummary[]> | undefined;

  next(list: SpanSiteSummary[]): { full: SpanSiteSummary[]; delta?: undefined } | { full?: undefined; delta: SitesDelta } | undefined {
    const byFile = new Map<string, SpanSiteSummary[]>();
    for (const s of list) {
      const sites = byFile.get(s.file);
      if (sites) sites.push(s);
      else byFile.set(s.file, [s]);
    }
    const before = this.sent;
    this.sent = byFile;
    if (!before) return { full: list };
    const files: string[] = [];
    const sites: SpanSiteSummary[] = [];
    for (const [file, now] of byFile) {
      const was = before.get(file);
      if (was && was.length === now.length && was.every((s, i) => s === now[i])) continue;
      files.push(file);
      sites.push(...now);
    }
    for (const file of before.keys()) if (!byFile.has(file)) files.push(file);
    if (files.length === 0) return undefined;
    if (files.length > byFile.size / 2) return { full: list };
    return { delta: { files, sites } };
  }
}
