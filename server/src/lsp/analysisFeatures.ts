// The analyzer in the editor: scans the workspace folders in the background after
// `initialized`, keeps open documents' text in the analyzer, publishes diagnostics as the user
// types (debounced), offers quick fixes, follows files changed on disk (watchers registered
// dynamically) and workspace folders added or removed, and exposes the live site index to other features.
// Settings, per workspace folder: the values the user set in the editor (the folder's own first) over
// `<folder>/otel-flow-map.json` over the defaults (config.ts layerSettings); the innermost folder
// holding a file decides. Files outside every folder get the editor settings over the defaults.

import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DidChangeWatchedFilesNotification, FileChangeType, type FileEvent } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisSettings } from '../../../common/src/settings';
import { CONFIG_FILE_NAME, layerSettings, loadWorkspaceConfig, parseConfig } from '../analysis/config';
import { ReadBudget } from '../analysis/files';
import { WorkspaceAnalyzer, type FolderSettings } from '../analysis/workspace';
import type { Finding, SpanSite } from '../analysis/types';
import type { ServerContext, SiteIndexSource } from './context';
import { toCodeActions, toDiagnostic } from './diagnostics';
import { scanFolders } from './workspaceScan';

/** Typing pause before diagnostics are recomputed; OTEL_FLOW_MAP_DEBOUNCE_MS overrides it (benchmarks). */
const DEBOUNCE_MS = Number(process.env.OTEL_FLOW_MAP_DEBOUNCE_MS ?? 150);
const SITES_CHANGED_DEBOUNCE_MS = 300;

export function registerAnalysis(ctx: ServerContext): SiteIndexSource {
  const { connection, documents } = ctx;
  let analyzer: WorkspaceAnalyzer | undefined;
  /** Each workspace folder's otel-flow-map.json, read on first use. */
  const fileSettings = new Map<string, AnalysisSettings>();
  let generation = 0;
  const published = new Map<string, Finding[]>();
  const pending = new Map<string, NodeJS.Timeout>();
  const siteListeners: (() => void)[] = [];
  let sitesTimer: NodeJS.Timeout | undefined;
  let siteCache: SpanSite[] | undefined;

  const editorAnalysis = (): unknown => {
    const pushed = ctx.editorSettings();
    return typeof pushed === 'object' && pushed !== null ? (pushed as { analysis?: unknown }).analysis : undefined;
  };
  /** A folder's own editor settings (multi-root: its .vscode/settings.json, resource scope) over the workspace's. */
  const editorFolderAnalysis = (folder: string): unknown => {
    const pushed = ctx.editorSettings() as { folders?: Record<string, unknown> } | null;
    const own = typeof pushed?.folders === 'object' && pushed.folders !== null ? pushed.folders[folder] : undefined;
    const base = editorAnalysis();
    return typeof own === 'object' && own !== null ? { ...(typeof base === 'object' && base !== null ? base : {}), ...own } : base;
  };
  const folderSettings = (): FolderSettings => new Map(ctx.workspaceFolders().map((folder) => {
    let file = fileSettings.get(folder);
    if (!file) fileSettings.set(folder, (file = loadWorkspaceConfig(folder).analysis));
    return [folder, layerSettings(editorFolderAnalysis(folder), file)];
  }));
  /** For files outside every folder; span detection (the front-ends) also knows every folder's wrapper functions. */
  const baseSettings = (folders: FolderSettings): AnalysisSettings => {
    const base = layerSettings(editorAnalysis(), parseConfig({}));
    return { ...base, wrapperFunctions: [...new Set([...base.wrapperFunctions, ...[...folders.values()].flatMap((s) => s.wrapperFunctions)])] };
  };
  /** The folder whose otel-flow-map.json `file` is, if it is one. */
  const configFolder = (file: string): string | undefined =>
    basename(file) === CONFIG_FILE_NAME ? ctx.workspaceFolders().find((f) => f === dirname(file)) : undefined;

  const sitesChanged = (): void => {
    siteCache = undefined;
    clearTimeout(sitesTimer);
    sitesTimer = setTimeout(() => siteListeners.forEach((l) => l()), SITES_CHANGED_DEBOUNCE_MS);
  };

  /** The site list each open document's diagnostics were computed from (the analyzer returns the same array until they change). */
  const publishedFrom = new Map<string, { sites: SpanSite[]; passed: readonly Finding[] }>();

  /** `onlyIfChanged`: skip documents whose sites are unchanged (same settings, same cached site list, same version). */
  const publish = (doc: TextDocument, onlyIfChanged = false): void => {
    const file = filePath(doc.uri);
    if (!analyzer || !file) return;
    const before = analyzer.has(file) ? synced.get(analyzer)?.get(doc.uri) : undefined;
    syncDocument(doc); // a document whose own debounce has not fired yet is still analysed as shown
    const sites = analyzer.has(file) ? analyzer.sitesOf(file) : [];
    // A helper edited elsewhere can change what this file's calls of it are told (passThrough.ts).
    const passed = analyzer.has(file) ? analyzer.passedFindingsOf(file) : [];
    const last = publishedFrom.get(doc.uri);
    if (onlyIfChanged && before === doc.version && last?.sites === sites && last.passed === passed) return;
    publishedFrom.set(doc.uri, { sites, passed });
    const findings = analyzer.has(file) ? analyzer.findingsOf(file) : [];
    published.set(doc.uri, findings);
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: findings.map(toDiagnostic) });
  };

  /** An edit can change constants other open files import: their cached results are invalidated, so recompute cheaply. */
  const publishAllOpen = (): void => documents.all().forEach((d) => publish(d));

  const synced = new WeakMap<WorkspaceAnalyzer, Map<string, number>>();
  const syncDocument = (doc: TextDocument): void => {
    const file = filePath(doc.uri);
    if (!analyzer || !file) return;
    const versions = synced.get(analyzer) ?? new Map<string, number>();
    synced.set(analyzer, versions);
    if (versions.get(doc.uri) === doc.version) return;
    versions.set(doc.uri, doc.version);
    if (basename(file) === CONFIG_FILE_NAME) {
      const folder = configFolder(file);
      return folder ? reloadConfig(folder, doc.getText()) : undefined;
    }
    if (!analyzer.accepts(file)) return;
    analyzer.updateFile(file, doc.getText());
    sitesChanged();
  };

  const reloadConfig = (folder: string, text: string): void => {
    try {
      fileSettings.set(folder, parseConfig(JSON.parse(text)));
    } catch {
      return; // half-typed JSON: keep the previous settings
    }
    void applySettings();
  };

  /** (Re)creates the analyzer and scans every folder; open documents win over disk content. */
  const rescan = async (): Promise<void> => {
    const mine = ++generation;
    const folders = folderSettings();
    const next = await WorkspaceAnalyzer.create(baseSettings(folders), ctx.workspaceFolders(), (m) => connection.console.error(`otel-flow-map: ${m}`), folders);
    if (mine !== generation) return;
    analyzer = next;
    documents.all().forEach(syncDocument);
    publishAllOpen();
    const isOpen = (file: string) => documents.get(pathToFileURL(file).href) !== undefined;
    const skipped = await scanFolders(next, ctx.workspaceFolders(), isOpen, () => mine !== generation);
    if (mine !== generation) return;
    if (skipped.length) connection.console.log(`otel-flow-map: skipped ${skipped.length} file(s), e.g. ${skipped[0].file}: ${skipped[0].message}`);
    publishAllOpen();
    sitesChanged();
  };

  const applySettings = async (): Promise<void> => {
    if (!analyzer) return;
    const folders = folderSettings();
    const { rebuildNeeded } = analyzer.setSettings(baseSettings(folders), folders);
    if (rebuildNeeded) await rescan();
    else publishAllOpen();
  };

  /** Files changed on disk (not through an open editor): re-read them, or reload the config file. */
  const onFilesChanged = async (changes: FileEvent[]): Promise<void> => {
    const current = analyzer;
    if (!current) return;
    for (const change of changes) {
      const file = filePath(change.uri);
      if (!file || documents.get(change.uri)) continue;
      const folder = configFolder(file);
      if (folder) {
        fileSettings.set(folder, loadWorkspaceConfig(folder).analysis);
        await applySettings();
      } else if (change.type === FileChangeType.Deleted) current.removeFile(file);
      else if (current.accepts(file)) {
        const refused = await new ReadBudget().admit(file);
        const text = refused ? undefined : await readFile(file, 'utf8').catch(() => undefined);
        if (text === undefined) current.removeFile(file);
        else current.updateFile(file, text);
      }
    }
    publishAllOpen();
    sitesChanged();
  };

  ctx.onInitialized(() => {
    rescan().catch((err: unknown) => connection.console.error(`otel-flow-map: workspace scan failed: ${String(err)}`));
    // Clients without dynamic registration just do not send file events.
    connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [{ globPattern: `**/{*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,py,go},${CONFIG_FILE_NAME}}` }],
    }).catch(() => undefined);
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    onFilesChanged(changes).catch((err: unknown) => connection.console.error(`otel-flow-map: file change failed: ${String(err)}`));
  });

  // A new analyzer over the new folder list: added folders get scanned, removed folders' sites
  // go (open files there fall back to the outside-every-folder settings).
  ctx.onWorkspaceFoldersChanged((folders) => {
    for (const folder of fileSettings.keys()) if (!folders.includes(folder)) fileSettings.delete(folder);
    rescan().catch((err: unknown) => connection.console.error(`otel-flow-map: workspace rescan failed: ${String(err)}`));
  });

  ctx.onSettingsChanged(() => {
    applySettings().catch((err: unknown) => connection.console.error(`otel-flow-map: settings update failed: ${String(err)}`));
  });

  documents.onDidChangeContent(({ document }) => {
    clearTimeout(pending.get(document.uri));
    pending.set(document.uri, setTimeout(() => {
      pending.delete(document.uri);
      const current = documents.get(document.uri);
      if (!current) return;
      publish(current);
      // Other open files change only if they took a constant from this one.
      documents.all().filter((d) => d.uri !== current.uri).forEach((d) => publish(d, true));
    }, DEBOUNCE_MS));
  });

  documents.onDidClose(({ document }) => {
    clearTimeout(pending.get(document.uri));
    pending.delete(document.uri);
    published.delete(document.uri);
    publishedFrom.delete(document.uri);
    if (analyzer) synced.get(analyzer)?.delete(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    // The closed buffer may have held unsaved text: the file on disk is the truth again.
    const file = filePath(document.uri);
    if (!file || !analyzer?.has(file)) return;
    const current = analyzer;
    readFile(file, 'utf8').then(
      (text) => current.updateFile(file, text),
      () => current.removeFile(file),
    ).finally(() => {
      sitesChanged();
      publishAllOpen();
    });
  });

  connection.onCodeAction((params) => {
    const doc = documents.get(params.textDocument.uri);
    const lineText = doc && ((line: number) => doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, ''));
    return toCodeActions(params.textDocument.uri, published.get(params.textDocument.uri) ?? [], params.range, lineText);
  });

  return {
    sites: () => (siteCache ??= analyzer?.sites() ?? []),
    onDidChange: (listener) => siteListeners.push(listener),
  };
}

function filePath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
