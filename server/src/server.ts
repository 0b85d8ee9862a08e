// The language server entry: wires the connection, documents and settings to the feature
// modules in lsp/. Started by the extension over IPC (or over stdio in tests).

import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { resolveSettings, type Settings } from '../../common/src/settings';
import { folderPath } from './analysis/paths';
import type { ServerContext } from './lsp/context';
import { registerAnalysis } from './lsp/analysisFeatures';
import { registerTelemetry } from './lsp/telemetryFeatures';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

let editorSettings: unknown = {};
let settings: Settings = resolveSettings({});
let folders: string[] = [];
let storagePath: string | undefined;
let supportsFolderChanges = false;
const settingsListeners: ((s: Settings) => void)[] = [];
const initializedListeners: (() => void)[] = [];
const foldersListeners: ((folders: string[]) => void)[] = [];

const context: ServerContext = {
  connection,
  documents,
  settings: () => settings,
  editorSettings: () => editorSettings,
  onInitialized: (l) => initializedListeners.push(l),
  onSettingsChanged: (l) => settingsListeners.push(l),
  workspaceFolders: () => folders,
  onWorkspaceFoldersChanged: (l) => foldersListeners.push(l),
  get storagePath() {
    return storagePath;
  },
};

connection.onInitialize((params) => {
  const init = (params.initializationOptions ?? {}) as { settings?: unknown; storagePath?: string };
  editorSettings = init.settings ?? {};
  settings = resolveSettings(editorSettings);
  storagePath = init.storagePath;
  folders = (params.workspaceFolders ?? []).flatMap((f) => folderPathOf(f.uri));
  if (folders.length === 0 && params.rootUri) folders = folderPathOf(params.rootUri);
  supportsFolderChanges = params.capabilities.workspace?.workspaceFolders === true;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { resolveProvider: false },
      hoverProvider: true,
      codeLensProvider: { resolveProvider: false },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'otel-flow-map', version: process.env.OTEL_FLOW_MAP_VERSION },
  };
});

connection.onInitialized(() => {
  // Folders added to or removed from a running window (multi-root); registered here because the
  // handler needs the client's workspace capability, known only after initialize.
  if (supportsFolderChanges) {
    connection.workspace.onDidChangeWorkspaceFolders(({ added, removed }) => {
      const gone = new Set(removed.flatMap((f) => folderPathOf(f.uri)));
      const next = [...folders.filter((f) => !gone.has(f)), ...added.flatMap((f) => folderPathOf(f.uri))];
      folders = [...new Set(next)];
      for (const l of foldersListeners) l(folders);
    });
  }
  for (const l of initializedListeners) l();
});

// The client pushes its settings object (see client/src/settings.ts); no pull round trip.
connection.onDidChangeConfiguration((change) => {
  const next = (change.settings as { otelFlowMap?: unknown } | null)?.otelFlowMap;
  if (next === undefined) return;
  editorSettings = next;
  settings = resolveSettings(editorSettings);
  for (const l of settingsListeners) l(settings);
});

/** A folder URI as an absolute path without trailing separator; none for non-file URIs (they have no files to scan). */
function folderPathOf(uri: string): string[] {
  try {
    return [folderPath(fileURLToPath(uri))];
  } catch {
    return [];
  }
}

const siteIndex = registerAnalysis(context);
registerTelemetry(context, siteIndex);

documents.listen(connection);
connection.listen();
