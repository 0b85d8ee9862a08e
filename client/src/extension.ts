// Extension entry: wires the language client, live state, status bar, map panel and commands.
// Activation is lazy (see activationEvents) and only wires things up: the server starts in the
// background and `ready` tells tests (and nothing else needs to wait) when it runs.

import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { CodeLocation, Graph } from '../../common/src/graph';
import { DiffRequest, GraphRequest, HistoryRequest, RunsRequest, SpansRequest, TraceRequest, TracesRequest, WindowGraphRequest } from '../../common/src/lspMethods';
import type { SpanSiteSummary } from '../../common/src/sites';
import type { ReceiverStatus } from '../../common/src/telemetry';
import { registerCommands } from './commands';
import { createLanguageClient, pushSettings, startLanguageClient } from './languageClient';
import { LiveState } from './liveState';
import { MapPanel, type MapHost } from './mapPanel';
import { openWorkspaceLocation } from './openLocation';
import { OwnerMirror } from './ownerMirror';
import { registerOtelEnvironment } from './otelWiring';
import { watchReceiverErrors } from './receiverAlerts';
import { initSettingsState, onDidChangeSettings, readSettings } from './settings';
import { createStatusBar, registerMenuCommands } from './statusBar';

/** What activate() returns: lets integration tests observe state without sleeping. */
export interface FlowMapApi {
  /** Resolves once the language server runs and the initial state arrived. */
  ready: Promise<void>;
  /** Wall-clock time activate() took, in milliseconds. */
  activationMs: number;
  receiverStatus(): ReceiverStatus;
  lastGraph(): Graph;
  sites(): SpanSiteSummary[];
  mapPanelVisible(): boolean;
  /** The map's "open location" path: opens the file if it is inside the workspace, else refuses. */
  openLocation(location: CodeLocation): Promise<string | undefined>;
  /** The last receiver warning shown to the user, until the receiver works again. */
  receiverWarning(): string | undefined;
  /** The HTTP port of another window's receiver whose data is shown ("Show Owner's Data"), if any. */
  viewingOwnerPort(): number | undefined;
}

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): FlowMapApi {
  const started = performance.now();
  const settingsState = initSettingsState(context);
  const live = new LiveState();
  const languageClient = createLanguageClient(context, readSettings);
  client = languageClient;
  const ready = startLanguageClient(languageClient, live);
  const mirror = new OwnerMirror(live);
  const alerts = watchReceiverErrors(live, mirror);
  const mapHost: MapHost = {
    extensionUri: context.extensionUri,
    live,
    spans: (query) => languageClient.sendRequest(SpansRequest, query),
    history: async (max) => (await languageClient.sendRequest(HistoryRequest)).slice(0, max),
    diff: (since) => languageClient.sendRequest(DiffRequest, { since }),
    runs: async (flow, max) => (await languageClient.sendRequest(RunsRequest, { flow })).slice(0, max),
    windowGraph: (windowMs) => languageClient.sendRequest(WindowGraphRequest, { windowMs }),
    liveGraph: () => live.graph,
    // Another window's receiver shown here ("Show Owner's Data"): its traces too.
    traces: (query) => (mirror.port !== undefined ? mirror.traces(query) : languageClient.sendRequest(TracesRequest, query)),
    trace: (traceId) => (mirror.port !== undefined ? mirror.trace(traceId) : languageClient.sendRequest(TraceRequest, { traceId })),
    openLocation: async (location) => (await openWorkspaceLocation(location)) !== undefined,
  };
  context.subscriptions.push(
    settingsState,
    live,
    mirror,
    alerts,
    createStatusBar(live, mirror),
    registerMenuCommands(),
    stopMirroringWhenListening(languageClient, live, mirror),
    registerCommands(languageClient, live, mapHost, mirror),
    MapPanel.registerSerializer(mapHost),
    registerOtelEnvironment(context, live),
    onDidChangeSettings((settings) => void ready.then(() => pushSettings(languageClient, settings), () => undefined)),
  );
  ready.catch((e: unknown) => {
    void vscode.window.showErrorMessage(`OTel Flow Map: the language server failed to start: ${e instanceof Error ? e.message : String(e)}`);
  });
  return {
    ready,
    activationMs: performance.now() - started,
    receiverStatus: () => live.receiver,
    lastGraph: () => live.graph,
    sites: () => live.sites,
    mapPanelVisible: () => MapPanel.isVisible(),
    openLocation: openWorkspaceLocation,
    receiverWarning: () => alerts.lastWarning(),
    viewingOwnerPort: () => mirror.port,
  };
}

/** Once this window's own receiver listens, mirroring stops; whenever it stops (also when the owner went away first), this window's own graph replaces the mirrored one. */
function stopMirroringWhenListening(languageClient: LanguageClient, live: LiveState, mirror: OwnerMirror): vscode.Disposable {
  return vscode.Disposable.from(
    live.onDidChangeReceiver((status) => {
      if (status.state === 'listening' && mirror.port !== undefined) mirror.stop();
    }),
    mirror.onDidChange((port) => {
      if (port !== undefined) return;
      languageClient.sendRequest(GraphRequest).then((graph) => live.replaceGraph(graph), (e: unknown) => languageClient.warn('Graph request failed', e, false));
    }),
  );
}

export async function deactivate(): Promise<void> {
  MapPanel.disposeCurrent();
  await client?.stop();
  client = undefined;
}
