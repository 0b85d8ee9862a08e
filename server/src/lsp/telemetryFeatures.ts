// Placeholder until the telemetry bridge lands: receiver worker, graph deltas, CodeLens, hover.
import type { ServerContext, SiteIndexSource } from './context';
export function registerTelemetry(_ctx: ServerContext, _sites: SiteIndexSource): void {}
