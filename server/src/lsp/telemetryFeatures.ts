// The telemetry side of the language server: the receiver bridge (worker, deltas, requests),
// CodeLens and hover with live numbers, and the client's copy of the site list.

import { registerCodeLens } from './codeLens';
import type { ServerContext, SiteIndexSource } from './context';
import { registerHover } from './hover';
import { LiveWindowSource } from './liveSites';
import { registerReceiverBridge } from './receiverBridge';
import { registerSiteSync } from './siteSync';

export function registerTelemetry(ctx: ServerContext, siteIndex: SiteIndexSource): void {
  const host = registerReceiverBridge(ctx, siteIndex);
  const windows = new LiveWindowSource(host);
  registerCodeLens(ctx, siteIndex, host, windows);
  registerHover(ctx, siteIndex, host, windows);
  registerSiteSync(ctx, siteIndex);
}
