// The analyzer in the editor: the LSP adapter of an AnalysisSession (analysis/session.ts), which
// holds the state. This file scans the workspace folders after `initialized`, feeds the session
// open documents (debounced while the user types), files changed on disk (watchers registered
// dynamically), workspace folder and settings changes, publishes its findings as diagnostics with
// quick fixes, and exposes the live site index to other features.

import { DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver/node';
import { CONFIG_FILE_NAME } from '../analysis/config';
import { AnalysisSession } from '../analysis/session';
import type { ServerContext, SiteIndexSource } from './context';
import { toCodeActions, toDiagnostic } from './diagnostics';

/** Typing pause before diagnostics are recomputed; OTEL_FLOW_MAP_DEBOUNCE_MS overrides it (benchmarks). */
const DEBOUNCE_MS = Number(process.env.OTEL_FLOW_MAP_DEBOUNCE_MS ?? 150);
/** Site consumers (CodeLens, the map's code links) redo work per change: a scan's many changes reach them as one. */
const SITES_CHANGED_DEBOUNCE_MS = 300;

/** Work between yields to the event loop while the site index is brought up to date. */
const SLICE_MS = 5;

/** A pause that yields to the event loop once SLICE_MS of work were done since the last yield. */
function pauseWhenSliceSpent(): () => Promise<void> {
  let sliceStart = performance.now();
  return async () => {
    if (performance.now() - sliceStart < SLICE_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    sliceStart = performance.now();
  };
}

export function registerAnalysis(ctx: ServerContext): SiteIndexSource {
  const { connection, documents } = ctx;
  const session = new AnalysisSession({
    workspaceFolders: () => ctx.workspaceFolders(),
    editorSettings: () => ctx.editorSettings(),
    report: (uri, version, findings) => void connection.sendDiagnostics({ uri, version, diagnostics: findings.map(toDiagnostic) }),
    log: (level, message) => connection.console[level](`otel-flow-map: ${message}`),
  });
  const failed = (what: string) => (err: unknown) => connection.console.error(`otel-flow-map: ${what} failed: ${String(err)}`);

  ctx.onInitialized(() => {
    session.rescan().catch(failed('workspace scan'));
    // Clients without dynamic registration just do not send file events.
    connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [{ globPattern: `**/{*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,py,go},${CONFIG_FILE_NAME}}` }],
    }).catch(() => undefined);
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    session.filesChanged(changes.map((c) => ({ uri: c.uri, deleted: c.type === FileChangeType.Deleted }))).catch(failed('file change'));
  });
  ctx.onWorkspaceFoldersChanged(() => {
    session.foldersChanged().catch(failed('workspace rescan'));
  });
  ctx.onSettingsChanged(() => {
    session.settingsChanged().catch(failed('settings update'));
  });

  const pending = new Map<string, NodeJS.Timeout>();
  documents.onDidChangeContent(({ document }) => {
    session.documentChanged(document);
    clearTimeout(pending.get(document.uri));
    pending.set(document.uri, setTimeout(() => {
      pending.delete(document.uri);
      session.documentSettled(document.uri);
    }, DEBOUNCE_MS));
  });
  documents.onDidClose(({ document }) => {
    clearTimeout(pending.get(document.uri));
    pending.delete(document.uri);
    session.documentClosed(document.uri).catch(failed('closing a document'));
  });

  connection.onCodeAction((params) => {
    const doc = documents.get(params.textDocument.uri);
    const lineText = doc && ((line: number) => doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, ''));
    return toCodeActions(params.textDocument.uri, session.findingsOf(params.textDocument.uri), params.range, lineText);
  });

  const siteListeners: (() => void)[] = [];
  let sitesTimer: NodeJS.Timeout | undefined;
  session.onSitesChanged(() => {
    clearTimeout(sitesTimer);
    // The listeners read every site: the files a change invalidated are analysed first, in slices.
    sitesTimer = setTimeout(() => {
      session.warmSites(pauseWhenSliceSpent()).then(() => siteListeners.forEach((l) => l()), failed('site index'));
    }, SITES_CHANGED_DEBOUNCE_MS);
  });
  return {
    sites: () => session.sites(),
    sitesByFile: () => session.sitesByFile(),
    onDidChange: (listener) => siteListeners.push(listener),
  };
}
