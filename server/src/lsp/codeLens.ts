// CodeLens above each span site: the recent window's count, rate, error ratio, p95 and when it
// was last seen, `idle 3m` once it was silent for the whole window, or `not seen live`; with a
// command that focuses the step or span in the map. Window numbers slide with time, not with
// deltas: while a site may still change its numbers, the lenses are refreshed on a timer.

import type { CodeLens, Connection } from 'vscode-languageserver/node';
import type { TraceQuery } from '../../../common/src/traces';
import { lensTitle } from '../link/liveMatch';
import type { ServerContext, SiteIndexSource } from './context';
import { liveSitesOf, type LiveSite, type LiveWindowSource } from './liveSites';
import type { HostAccess } from './receiverBridge';

export const SHOW_IN_MAP_COMMAND = 'otelFlowMap.showInMap';
export const OPEN_RECENT_TRACE_COMMAND = 'otelFlowMap.openRecentTrace';

/** Window numbers move by 10 s buckets; an idle label by the minute. */
const ACTIVE_REFRESH_MS = 10_000;
const IDLE_REFRESH_MS = 60_000;
/** An `idle 59m` label stops changing once the data is this old (it leaves the graph at 1 h). */
const IDLE_LABEL_MAX_MS = 60 * 60_000;

export function registerCodeLens(ctx: ServerContext, siteIndex: SiteIndexSource, host: HostAccess, windows: LiveWindowSource): void {
  ctx.connection.onCodeLens(async (params) => (await liveSitesOf(params.textDocument.uri, ctx, siteIndex, host, windows)).flatMap((s) => {
    const trace = recentTraceLink(s);
    const lens = lensOf(s);
    return trace ? [lens, { range: lens.range, command: { title: trace.title, command: OPEN_RECENT_TRACE_COMMAND, arguments: [trace.query] } }] : [lens];
  }));
  refreshWhileSliding(ctx.connection, windows);
}

export function lensOf({ site, summary, stats }: LiveSite): CodeLens {
  const start = site.headRange?.start ?? site.range.start;
  const target = summary.flow && summary.step ? { flow: summary.flow, step: summary.step } : summary.name !== null ? { name: summary.name } : undefined;
  return {
    range: { start, end: start },
    command: { title: lensTitle(stats), command: target ? SHOW_IN_MAP_COMMAND : '', arguments: target ? [target] : undefined },
  };
}

/**
 * "Open a recent trace" for a site seen live with a span name or flow step to find it by: the
 * failing one when the site's spans ever failed (the trace store keeps failing traces longest, and
 * a sliding window's error count can drop to 0 between two reads of the lens), else the slowest.
 */
export function recentTraceLink({ summary, stats }: LiveSite): { title: string; query: TraceQuery } | undefined {
  if (!stats || stats.count === 0) return undefined;
  const where: TraceQuery | undefined = summary.flow && summary.step ? { flow: summary.flow, step: summary.step } : summary.name !== null ? { name: summary.name } : undefined;
  if (!where) return undefined;
  const failing = stats.errors > 0;
  const service = stats.services.length === 1 ? { service: stats.services[0] } : {};
  return failing
    ? { title: 'open a failing trace', query: { ...where, ...service, order: 'errors' } }
    : { title: 'open the slowest trace', query: { ...where, ...service, order: 'slowest' } };
}

/**
 * Asks the editor to re-read the lenses while the last answer had a name inside the window (its
 * numbers slide, then it turns idle) every 10 s, and while one shows an idle age every minute.
 */
function refreshWhileSliding(connection: Connection, windows: LiveWindowSource): void {
  let lastRefresh = 0;
  const timer = setInterval(() => {
    const last = windows.last;
    if (!last) return;
    const now = Date.now();
    const aged = now - last.at;
    const idleMs = Math.min(...last.window.names.map((n) => n.idleMs + aged));
    const every = idleMs <= last.window.windowMs + ACTIVE_REFRESH_MS ? ACTIVE_REFRESH_MS : idleMs < IDLE_LABEL_MAX_MS ? IDLE_REFRESH_MS : Infinity;
    if (now - lastRefresh + 50 < every) return;
    lastRefresh = now;
    connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  }, ACTIVE_REFRESH_MS);
  timer.unref();
}
