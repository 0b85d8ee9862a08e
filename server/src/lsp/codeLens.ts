// CodeLens above each span site: live count, error rate and p95 (or `not seen live`), with a
// command that focuses the step or span in the map.

import type { CodeLens } from 'vscode-languageserver/node';
import { lensTitle } from '../link/liveMatch';
import type { ServerContext, SiteIndexSource } from './context';
import { liveSitesOf, type LiveSite } from './liveSites';
import type { HostAccess } from './receiverBridge';

export const SHOW_IN_MAP_COMMAND = 'otelFlowMap.showInMap';

export function registerCodeLens(ctx: ServerContext, siteIndex: SiteIndexSource, host: HostAccess): void {
  ctx.connection.onCodeLens((params) => liveSitesOf(params.textDocument.uri, ctx, siteIndex, host).map(lensOf));
}

export function lensOf({ site, summary, stats }: LiveSite): CodeLens {
  const start = site.headRange?.start ?? site.range.start;
  const target = summary.flow && summary.step ? { flow: summary.flow, step: summary.step } : summary.name !== null ? { name: summary.name } : undefined;
  return {
    range: { start, end: start },
    command: { title: lensTitle(stats), command: target ? SHOW_IN_MAP_COMMAND : '', arguments: target ? [target] : undefined },
  };
}
