// What every LSP feature module receives from server.ts: the connection, the open documents,
// the current settings and the workspace folders. Feature modules register their own handlers.

import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Settings } from '../../../common/src/settings';

export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  /** Current effective settings (VS Code settings over otel-flow-map.json over defaults). */
  settings(): Settings;
  /** The settings object the client pushed, as sent: only the values the user set (client/src/settingsScopes.ts). */
  editorSettings(): unknown;
  /** Called once the client sent `initialized` (the connection has a single slot; this fans out). */
  onInitialized(listener: () => void): void;
  /** Called after settings change (not on startup). */
  onSettingsChanged(listener: (settings: Settings) => void): void;
  /** Absolute paths of the workspace folders (no trailing slash). */
  workspaceFolders(): string[];
  /** Called after folders were added to or removed from the workspace, with the new list. */
  onWorkspaceFoldersChanged(listener: (folders: string[]) => void): void;
  /** Absolute path of the folder for persistent data (history), if any. */
  storagePath: string | undefined;
}

/** The analyzer's live index of span sites, consumed by the telemetry features (CodeLens, hover, map links). */
export interface SiteIndexSource {
  /** Every span site in the workspace (absolute file paths). */
  sites(): import('../analysis/types').SpanSite[];
  /** The same sites by file (files without any left out): a file's array is the same while its sites are. */
  sitesByFile(): ReadonlyMap<string, import('../analysis/types').SpanSite[]>;
  /** Fires (debounced) after sites were added, changed or removed. */
  onDidChange(listener: () => void): void;
}
