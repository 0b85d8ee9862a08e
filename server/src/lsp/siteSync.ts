// The client's copy of the workspace's span sites (the map's code links, "Show in Map" at the
// cursor): the whole list once, then after each change only the files whose sites changed. At 25k
// files the whole list is 17k summaries, ~40 ms to encode and write: sent after every edit or
// created file, it held the server that long each time. A file's sites are the same array while
// they are unchanged (the analyzer keeps each file's results), so finding the changed files is a
// walk over the files comparing arrays, and only those files are summarised.

import { SitesChangedNotification, SitesDeltaNotification } from '../../../common/src/lspMethods';
import type { SitesDelta, SpanSiteSummary } from '../../../common/src/sites';
import type { SpanSite } from '../analysis/types';
import { toSiteSummaries } from '../link/siteSummary';
import type { ServerContext, SiteIndexSource } from './context';

export function registerSiteSync(ctx: ServerContext, siteIndex: SiteIndexSource): void {
  const sync = new SiteListSync();
  siteIndex.onDidChange(() => {
    const folders = ctx.workspaceFolders();
    const prefix = ctx.settings().analysis.attributePrefix;
    const next = sync.next(siteIndex.sitesByFile(), (sites) => toSiteSummaries(sites, folders, prefix), `${prefix}\u0000${folders.join('\u0000')}`);
    if (next?.full) void ctx.connection.sendNotification(SitesChangedNotification.method, next.full);
    else if (next?.delta) void ctx.connection.sendNotification(SitesDeltaNotification.method, next.delta);
  });
}

interface Sent {
  sites: SpanSite[];
  summaries: SpanSiteSummary[];
}

/**
 * What the client needs to hold the sites of `byFile`, given what it was sent before: the whole
 * list the first time, when the folders or flow prefix changed (every summary differs) or when
 * most files changed (a rescan), the changed files' sites otherwise, nothing when none changed.
 * A delta names files as the client sees them (workspace-relative): two folders holding the same
 * relative path send both files' sites under it.
 */
export class SiteListSync {
  private sent = new Map<string, Sent>();
  /** Files by the workspace-relative path their summaries carry (a path two folders share has two). */
  private byRelative = new Map<string, Set<string>>();
  private key: string | undefined;

  next(
    byFile: ReadonlyMap<string, SpanSite[]>,
    summarize: (sites: SpanSite[]) => SpanSiteSummary[],
    key: string,
  ): { full: SpanSiteSummary[]; delta?: undefined } | { full?: undefined; delta: SitesDelta } | undefined {
    const changed: string[] = [];
    for (const [file, sites] of byFile) if (this.sent.get(file)?.sites !== sites) changed.push(file);
    for (const file of this.sent.keys()) if (!byFile.has(file)) changed.push(file);
    if (this.key !== key || changed.length > byFile.size / 2) {
      this.key = key;
      this.sent = new Map();
      this.byRelative = new Map();
      for (const [file, sites] of byFile) this.keep(file, sites, summarize(sites));
      return { full: [...this.sent.values()].flatMap((s) => s.summaries) };
    }
    const relative = new Set<string>();
    for (const file of changed) {
      const old = this.sent.get(file);
      if (old?.summaries.length) {
        relative.add(old.summaries[0].file);
        this.byRelative.get(old.summaries[0].file)?.delete(file);
      }
      this.sent.delete(file);
      const sites = byFile.get(file);
      if (!sites) continue;
      const summaries = summarize(sites);
      this.keep(file, sites, summaries);
      if (summaries.length) relative.add(summaries[0].file);
    }
    if (relative.size === 0) return undefined;
    const sites: SpanSiteSummary[] = [];
    for (const rel of relative) for (const file of this.byRelative.get(rel) ?? []) sites.push(...(this.sent.get(file)?.summaries ?? []));
    return { delta: { files: [...relative], sites } };
  }

  private keep(file: string, sites: SpanSite[], summaries: SpanSiteSummary[]): void {
    this.sent.set(file, { sites, summaries });
    if (!summaries.length) return;
    let files = this.byRelative.get(summaries[0].file);
    if (!files) this.byRelative.set(summaries[0].file, (files = new Set()));
    files.add(file);
  }
}
