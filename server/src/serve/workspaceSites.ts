// The code sites of `serve --workspace DIR`: scans DIR in the background with the workspace
// analyzer (settings from DIR/otel-flow-map.json), then re-scans when files under it change.
// Work is capped: changes are debounced, scans never overlap (changes during one coalesce
// into a single follow-up), and the pause between scans grows with the last scan's cost.

import { resolve, sep } from 'node:path';
import type { SpanSiteSummary } from '../../../common/src/sites';
import { CONFIG_FILE_NAME, loadWorkspaceConfig } from '../analysis/config';
import { matchesAny } from '../analysis/files';
import { scanPaths } from '../analysis/workspace';
import { toSiteSummaries } from '../link/siteSummary';
import { TreeWatcher } from './treeWatcher';

const DEBOUNCE_MS = 300;
/** Folders never worth a re-scan, whatever the exclude setting says. */
const ALWAYS_SKIPPED = new Set(['node_modules', '.git', 'dist']);
const MAX_LOGGED_PROBLEMS = 5;

export interface SiteSource {
  current(): SpanSiteSummary[];
  onChange(listener: (sites: SpanSiteSummary[]) => void): void;
}

export interface WorkspaceSitesOptions {
  root: string;
  log: (message: string) => void;
  /** Absolute folders inside the root whose writes are ours (e.g. the --data-dir). */
  ignore?: string[];
}

export class WorkspaceSites implements SiteSource {
  private sites: SpanSiteSummary[] = [];
  private published = false;
  private lastProblems = '';
  private readonly listeners: ((sites: SpanSiteSummary[]) => void)[] = [];
  private readonly root: string;
  private readonly ignored: string[];
  private exclude: readonly string[] = [];
  private readonly watcher: TreeWatcher;
  private timer: NodeJS.Timeout | undefined;
  private scanning = false;
  private pendingRescan = false;
  private lastScanMs = 0;
  private disposed = false;

  constructor(private readonly opts: WorkspaceSitesOptions) {
    this.root = resolve(opts.root);
    this.ignored = (opts.ignore ?? []).map((p) => resolve(p));
    this.watcher = new TreeWatcher({ root: this.root, skip: (rel) => this.skips(rel), onChange: () => this.schedule(), log: opts.log });
  }

  current(): SpanSiteSummary[] {
    return this.sites;
  }

  onChange(listener: (sites: SpanSiteSummary[]) => void): void {
    this.listeners.push(listener);
  }

  /** Starts the first scan and the watchers; returns at once. */
  start(): void {
    this.schedule(0);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.watcher.close();
  }

  private schedule(delay = Math.max(DEBOUNCE_MS, this.lastScanMs * 2)): void {
    if (this.disposed) return;
    if (this.scanning) {
      this.pendingRescan = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.scan(), delay);
    this.timer.unref();
  }

  private async scan(): Promise<void> {
    this.scanning = true;
    const started = Date.now();
    try {
      const config = loadWorkspaceConfig(this.root);
      if (config.error) this.opts.log(`invalid ${CONFIG_FILE_NAME}, using defaults: ${config.error}`);
      this.exclude = config.analysis.exclude;
      // Watch first, so that edits made while scanning trigger the follow-up scan.
      await this.watcher.sync();
      const out = await scanPaths([this.root], config.analysis, this.root);
      if (this.disposed) return;
      this.logProblems(out.problems.map((p) => (p.file ? `skipped ${p.file}: ${p.message}` : p.message)));
      this.publish(toSiteSummaries(out.sites, [this.root], config.analysis.attributePrefix));
    } catch (err) {
      this.opts.log(`workspace scan failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.lastScanMs = Date.now() - started;
      this.scanning = false;
      if (this.pendingRescan) {
        this.pendingRescan = false;
        this.schedule();
      }
    }
  }

  private publish(sites: SpanSiteSummary[]): void {
    if (this.published && JSON.stringify(sites) === JSON.stringify(this.sites)) return;
    this.published = true;
    this.sites = sites;
    this.opts.log(`${sites.length} code site${sites.length === 1 ? '' : 's'} in ${this.root}`);
    for (const l of this.listeners) l(sites);
  }

  /** Logs what the scan skipped, once per distinct list (re-scans find the same files). */
  private logProblems(problems: string[]): void {
    const key = problems.join('\n');
    if (key === this.lastProblems) return;
    this.lastProblems = key;
    for (const p of problems.slice(0, MAX_LOGGED_PROBLEMS)) this.opts.log(p);
    if (problems.length > MAX_LOGGED_PROBLEMS) this.opts.log(`... and ${problems.length - MAX_LOGGED_PROBLEMS} more problems`);
  }

  private skips(rel: string): boolean {
    if (rel.split('/').some((part) => ALWAYS_SKIPPED.has(part))) return true;
    const abs = resolve(this.root, rel);
    if (this.ignored.some((d) => abs === d || abs.startsWith(d + sep))) return true;
    return rel !== '' && rel !== '/' && matchesAny(rel, this.exclude);
  }
}
