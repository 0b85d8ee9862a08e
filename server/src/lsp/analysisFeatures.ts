// Placeholder until the analyzer features land: diagnostics, code actions.
import type { ServerContext, SiteIndexSource } from './context';
export function registerAnalysis(_ctx: ServerContext): SiteIndexSource {
  return { sites: () => [], onDidChange: () => undefined };
}
