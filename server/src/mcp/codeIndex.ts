// The workspace's span sites and findings for the MCP tools: the analyzer run on --workspace
// (scanPaths, with the folder's otel-flow-map.json), rescanned when a code question comes more
// than RESCAN_MS after the last scan so that edits show up.

import { loadWorkspaceConfig } from '../analysis/config';
import { toFindingSummary } from '../analysis/summaries';
import { scanPaths } from '../analysis/workspace';
import { toSiteSummaries } from '../link/siteSummary';
import type { FindingSummary, SpanSiteSummary } from '../../../common/src/sites';

const RESCAN_MS = 30_000;

export interface CodeSnapshot {
  sites: SpanSiteSummary[];
  findings: FindingSummary[];
  files: number;
  problems: string[];
}

export class CodeIndex {
  private current?: Promise<CodeSnapshot>;
  private scannedAt = 0;

  constructor(readonly root: string, private readonly rescanMs = RESCAN_MS) {}

  get(): Promise<CodeSnapshot> {
    if (!this.current || Date.now() - this.scannedAt > this.rescanMs) {
      const previous = this.current;
      this.scannedAt = Date.now();
      this.current = scan(this.root).catch((err: unknown) => {
        if (previous) return previous;
        throw err;
      });
    }
    return this.current;
  }
}

async function scan(root: string): Promise<CodeSnapshot> {
  const config = loadWorkspaceConfig(root);
  const out = await scanPaths([root], config.analysis, root);
  return {
    sites: toSiteSummaries(out.sites, [root], config.analysis.attributePrefix),
    findings: out.findings.map((f) => toFindingSummary(f, root)),
    files: out.files.length,
    problems: [...(config.error ? [config.error] : []), ...out.problems.slice(0, 20).map((p) => (p.file ? `${p.file}: ${p.message}` : p.message))],
  };
}
