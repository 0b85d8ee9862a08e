// The language server entry: wires the connection, documents and settings to the feature
// modules in lsp/. Started by the extension over IPC (or over stdio in tests).

import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { resolveSettings, type Settings } from '../../common/src/settings';
import type { ServerContext } from './lsp/context';
import { registerAnalysis } from './lsp/analysisFeatures';
import { registerTelemetry } from './lsp/telemetryFeatures';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

let editorSettings: unknown = {};
let settings: Settings = resolveSettings({});
let folders: string[] = [];
let storagePath: string | undefined;
const settingsListeners: ((s: Settings) => void)[] = [];
const initializedListeners: (() => void)[] = [];

const context: ServerContext = {
  connection,
  documents,
  settings: () => settings,
  editorSettings: () => editorSettings,
  onInitialized: (l) => initializedListeners.push(l),
  onSettingsChanged: (l) => settingsListeners.push(l),
  workspaceFolders: () => folders,
  get storagePath() {
    return storagePath;
  },
};

connection.onInitialize((params) => {
  const init = (params.initializationOptions ?? {}) as { settings?: unknown; storagePath?: string };
  editorSettings = init.settings ?? {};
  settings = resolveSettings(editorSettings);
  storagePath = init.storagePath;
  folders = (params.workspaceFolders ?? []).map((f) => fileURLToPath(f.uri).replace(/\/$/, ''));
  if (folders.length === 0 && params.rootUri) folders = [fileURLToPath(params.rootUri)];
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

const siteIndex = registerAnalysis(context);
registerTelemetry(context, siteIndex);

documents.listen(connection);
connection.listen();
