// One editor's analysis session: the workspace analyzer and the state around it — the open
// documents, each folder's settings, the findings last reported per document and the site index.
// Settings, per workspace folder: the values the user set in the editor (the folder's own first) over
// `<folder>/otel-flow-map.json` over the defaults (config.ts layerSettings); the innermost folder
// holding a file decides. Files outside every folder get the editor settings over the defaults.
// Plain data in and out: the language server (lsp/analysisFeatures.ts) feeds it editor events,
// debounces them and turns what it reports into LSP messages; tests drive it without an editor.

import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRecord } from '../../../common/src/guards';
import type { AnalysisSettings } from '../../../common/src/settings';
import { CONFIG_FILE_NAME, layerSettings, loadWorkspaceConfig, parseConfig } from './config';
import { ReadBudget } from './files';
import type { Finding, SpanSite } from './types';
import { WorkspaceAnalyzer, type FolderSettings } from './workspace';
import { scanFolders } from './workspaceScan';

/** An open editor buffer; the language server's TextDocument is one. */
export interface OpenDocument {
  readonly uri: string;
  readonly version: number;
  getText(): string;
}

/** What the session reads from and reports to its editor. */
export interface SessionHost {
  /** Absolute paths of the workspace folders (no trailing slash). */
  workspaceFolders(): string[];
  /** The settings object the editor pushed, as sent: only the values the user set. */
  editorSettings(): unknown;
  /** A document's findings changed (`version` undefined: it closed, the findings are cleared). */
  report(uri: string, version: number | undefined, findings: readonly Finding[]): void;
  log(level: 'error' | 'log', message: string): void;
}

/** A file changed on disk, as a file watcher tells it. */
export interface FileChange {
  uri: string;
  deleted: boolean;
}

export class AnalysisSession {
  private analyzer: WorkspaceAnalyzer | undefined;
  /** Bumped by every rescan; a scan that finds it moved on was superseded and stops. */
  private generation = 0;
  /** Each workspace folder's otel-flow-map.json, read on first use. */
  private readonly fileSettings = new Map<string, AnalysisSettings>();
  private readonly documents = new Map<string, OpenDocument>();
  /** The file path of each open file: document, so disk events for it are ignored (the buffer wins). */
  private readonly openFiles = new Map<string, string>();
  private readonly reported = new Map<string, readonly Finding[]>();
  /** The site list each open document's findings were computed from (the analyzer returns the same array until they change). */
  private readonly reportedFrom = new Map<string, { sites: SpanSite[]; passed: readonly Finding[] }>();
  /** Document versions each analyzer was given; a new analyzer starts with none. */
  private readonly synced = new WeakMap<WorkspaceAnalyzer, Map<string, number>>();
  private readonly siteListeners: (() => void)[] = [];
  /**
   * Each file's sites (files without any left out), kept across changes and brought up to date by
   * a walk over the analyzer's files (warmSites, sliced; or at once when read first): a change
   * replaces only its files' entries, so no index of every site is rebuilt per change.
   */
  private readonly byFile = new Map<string, SpanSite[]>();
  /** No change since the last complete walk. */
  private sitesFresh = false;
  /** The flat list, built from byFile when asked for. */
  private siteList: SpanSite[] | undefined;
  /** Bumped whenever sites may have changed: a walk that saw it move on was overtaken. */
  private siteGeneration = 0;

  constructor(private readonly host: SessionHost) {}

  /** Every span site in the workspace (absolute file paths), in file order. */
  sites(): SpanSite[] {
    const byFile = this.sitesByFile();
    if (this.siteList) return this.siteList;
    const list: SpanSite[] = [];
    for (const file of this.analyzer?.sortedPaths() ?? []) for (const site of byFile.get(file) ?? []) list.push(site);
    return (this.siteList = list);
  }

  /** Each file's sites (files without any left out): the same array while a file's sites are unchanged. */
  sitesByFile(): ReadonlyMap<string, SpanSite[]> {
    if (!this.sitesFresh && this.analyzer) {
      for (const file of this.analyzer.sortedPaths()) this.updateSitesOf(this.analyzer, file);
      this.dropGoneFiles(this.analyzer);
      this.sitesFresh = true;
    }
    return this.byFile;
  }

  /**
   * Computes every file's sites, awaiting `pause()` after each file (it yields to the event loop
   * when a slice of time is spent), so that reading the sites afterwards costs nothing. After a
   * file comes or goes, its package or its importers are analysed again: inside one request or
   * timer that held the server for hundreds of milliseconds at 25k files.
   */
  async warmSites(pause: () => Promise<void>): Promise<void> {
    const analyzer = this.analyzer;
    if (!analyzer || this.sitesFresh) return;
    const generation = this.siteGeneration;
    for (const file of analyzer.sortedPaths()) {
      if (analyzer !== this.analyzer || generation !== this.siteGeneration) return;
      this.updateSitesOf(analyzer, file);
      await pause();
    }
    if (analyzer !== this.analyzer || generation !== this.siteGeneration) return;
    this.dropGoneFiles(analyzer);
    this.sitesFresh = true;
  }

  private updateSitesOf(analyzer: WorkspaceAnalyzer, file: string): void {
    const sites = analyzer.sitesOf(file);
    if (this.byFile.get(file) === sites) return;
    this.siteList = undefined;
    if (sites.length) this.byFile.set(file, sites);
    else this.byFile.delete(file);
  }

  private dropGoneFiles(analyzer: WorkspaceAnalyzer): void {
    for (const file of this.byFile.keys()) {
      if (analyzer.has(file)) continue;
      this.byFile.delete(file);
      this.siteList = undefined;
    }
  }

  /** Called, undebounced, whenever sites may have been added, changed or removed. */
  onSitesChanged(listener: () => void): void {
    this.siteListeners.push(listener);
  }

  /** The findings last reported for an open document. */
  findingsOf(uri: string): readonly Finding[] {
    return this.reported.get(uri) ?? [];
  }

  /** (Re)creates the analyzer and scans every folder; open documents win over disk content. */
  async rescan(): Promise<void> {
    const mine = ++this.generation;
    const folders = this.folderSettings();
    const next = await WorkspaceAnalyzer.create(this.baseSettings(folders), this.host.workspaceFolders(), (m) => this.host.log('error', m), folders);
    if (mine !== this.generation) return;
    this.analyzer = next;
    this.documents.forEach((doc) => this.sync(doc));
    this.reportAllOpen();
    const skipped = await scanFolders(next, this.host.workspaceFolders(), (file) => this.openFiles.has(file), () => mine !== this.generation);
    if (mine !== this.generation) return;
    if (skipped.length) this.host.log('log', `skipped ${skipped.length} file(s), e.g. ${skipped[0].file}: ${skipped[0].message}`);
    this.reportAllOpen();
    this.sitesChanged();
  }

  /** The editor settings changed: re-layer them; a change the analyzer cannot apply in place rescans. */
  async settingsChanged(): Promise<void> {
    if (!this.analyzer) return;
    const folders = this.folderSettings();
    const { rebuildNeeded } = this.analyzer.setSettings(this.baseSettings(folders), folders);
    if (rebuildNeeded) await this.rescan();
    else this.reportAllOpen();
  }

  /**
   * Folders were added or removed: a new analyzer over the new list scans the added ones, removed
   * folders' sites go (open files there fall back to the outside-every-folder settings).
   */
  async foldersChanged(): Promise<void> {
    const folders = this.host.workspaceFolders();
    for (const folder of this.fileSettings.keys()) if (!folders.includes(folder)) this.fileSettings.delete(folder);
    await this.rescan();
  }

  /** A document opened or its text changed; it is analysed when `documentSettled` is called. */
  documentChanged(doc: OpenDocument): void {
    this.documents.set(doc.uri, doc);
    const file = filePath(doc.uri);
    if (file) this.openFiles.set(file, doc.uri);
  }

  /**
   * The user paused typing in `uri`: its findings are recomputed and reported, and other open
   * documents' too when their sites changed (they took a constant or called a helper from it).
   */
  documentSettled(uri: string): void {
    const doc = this.documents.get(uri);
    if (!doc) return;
    this.report(doc);
    for (const other of this.documents.values()) if (other.uri !== uri) this.report(other, true);
  }

  /** A document closed: its findings are cleared, and the file on disk is the truth again (the buffer may have held unsaved text). */
  async documentClosed(uri: string): Promise<void> {
    this.documents.delete(uri);
    const file = filePath(uri);
    if (file && this.openFiles.get(file) === uri) this.openFiles.delete(file);
    this.reported.delete(uri);
    this.reportedFrom.delete(uri);
    const current = this.analyzer;
    if (current) this.synced.get(current)?.delete(uri);
    this.host.report(uri, undefined, []);
    if (!file || !current?.has(file)) return;
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) current.removeFile(file);
    else current.updateFile(file, text);
    this.sitesChanged();
    this.reportAllOpen();
  }

  /** Files changed on disk (not through an open editor): re-read them, or reload a folder's config file. */
  async filesChanged(changes: readonly FileChange[]): Promise<void> {
    const current = this.analyzer;
    if (!current) return;
    for (const change of changes) {
      const file = filePath(change.uri);
      if (!file || this.openFiles.has(file)) continue;
      const folder = this.configFolder(file);
      if (folder) {
        this.fileSettings.set(folder, loadWorkspaceConfig(folder).analysis);
        await this.settingsChanged();
      } else if (change.deleted) current.removeFile(file);
      else if (current.accepts(file)) {
        const refused = await new ReadBudget().admit(file);
        const text = refused ? undefined : await readFile(file, 'utf8').catch(() => undefined);
        if (text === undefined) current.removeFile(file);
        else current.updateFile(file, text);
      }
    }
    this.reportAllOpen();
    this.sitesChanged();
  }

  private sitesChanged(): void {
    this.sitesFresh = false;
    this.siteGeneration++;
    this.siteListeners.forEach((l) => l());
  }

  /** `onlyIfChanged`: skip documents whose sites are unchanged (same settings, same cached site list, same version). */
  private report(doc: OpenDocument, onlyIfChanged = false): void {
    const analyzer = this.analyzer;
    const file = filePath(doc.uri);
    if (!analyzer || !file) return;
    const before = analyzer.has(file) ? this.synced.get(analyzer)?.get(doc.uri) : undefined;
    this.sync(doc); // a document whose own debounce has not fired yet is still analysed as shown
    const sites = analyzer.has(file) ? analyzer.sitesOf(file) : [];
    // A helper edited elsewhere can change what this file's calls of it are told (passThrough.ts).
    const passed = analyzer.has(file) ? analyzer.passedFindingsOf(file) : [];
    const last = this.reportedFrom.get(doc.uri);
    if (onlyIfChanged && before === doc.version && last?.sites === sites && last.passed === passed) return;
    this.reportedFrom.set(doc.uri, { sites, passed });
    const findings = analyzer.has(file) ? analyzer.findingsOf(file) : [];
    this.reported.set(doc.uri, findings);
    this.host.report(doc.uri, doc.version, findings);
  }

  /** An edit can change constants other open files import: their cached results are invalidated, so recompute cheaply. */
  private reportAllOpen(): void {
    this.documents.forEach((doc) => this.report(doc));
  }

  /** Gives the analyzer a document's text unless it has this version already. */
  private sync(doc: OpenDocument): void {
    const analyzer = this.analyzer;
    const file = filePath(doc.uri);
    if (!analyzer || !file) return;
    const versions = this.synced.get(analyzer) ?? new Map<string, number>();
    this.synced.set(analyzer, versions);
    if (versions.get(doc.uri) === doc.version) return;
    versions.set(doc.uri, doc.version);
    if (basename(file) === CONFIG_FILE_NAME) {
      const folder = this.configFolder(file);
      if (folder) this.reloadConfig(folder, doc.getText());
      return;
    }
    if (!analyzer.accepts(file)) return;
    analyzer.updateFile(file, doc.getText());
    this.sitesChanged();
  }

  private reloadConfig(folder: string, text: string): void {
    try {
      this.fileSettings.set(folder, parseConfig(JSON.parse(text)));
    } catch {
      return; // half-typed JSON: keep the previous settings
    }
    this.settingsChanged().catch((err: unknown) => this.host.log('error', `settings update failed: ${String(err)}`));
  }

  private editorAnalysis(): unknown {
    const pushed = this.host.editorSettings();
    return isRecord(pushed) ? pushed.analysis : undefined;
  }

  /** A folder's own editor settings (multi-root: its .vscode/settings.json, resource scope) over the workspace's. */
  private editorFolderAnalysis(folder: string): unknown {
    const pushed = this.host.editorSettings();
    const own = isRecord(pushed) && isRecord(pushed.folders) ? pushed.folders[folder] : undefined;
    const base = this.editorAnalysis();
    return isRecord(own) ? { ...(isRecord(base) ? base : {}), ...own } : base;
  }

  private folderSettings(): FolderSettings {
    return new Map(this.host.workspaceFolders().map((folder) => {
      let file = this.fileSettings.get(folder);
      if (!file) this.fileSettings.set(folder, (file = loadWorkspaceConfig(folder).analysis));
      return [folder, layerSettings(this.editorFolderAnalysis(folder), file)];
    }));
  }

  /** For files outside every folder; span detection (the front-ends) also knows every folder's wrapper functions. */
  private baseSettings(folders: FolderSettings): AnalysisSettings {
    const base = layerSettings(this.editorAnalysis(), parseConfig({}));
    return { ...base, wrapperFunctions: [...new Set([...base.wrapperFunctions, ...[...folders.values()].flatMap((s) => s.wrapperFunctions)])] };
  }

  /** The folder whose otel-flow-map.json `file` is, if it is one. */
  private configFolder(file: string): string | undefined {
    return basename(file) === CONFIG_FILE_NAME ? this.host.workspaceFolders().find((f) => f === dirname(file)) : undefined;
  }
}

/** The path of a `file:` URI; none for other schemes (untitled buffers have no file to analyse). */
function filePath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
