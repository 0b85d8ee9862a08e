// Starts the language server (dist/server.js) over IPC and feeds its custom notifications into
// LiveState. Settings travel as initializationOptions, then as didChangeConfiguration pushes.

import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import {
  GraphDeltaNotification,
  GraphRequest,
  ReceiverControlRequest,
  ReceiverStatusNotification,
  SitesChangedNotification,
  SitesDeltaNotification,
  SitesRequest,
  SERVER_EXEC_ARGV,
} from '../../common/src/lspMethods';
import { applySitesDelta } from '../../common/src/sites';
import type { LiveState } from './liveState';
import type { PartialSettings } from './settingsScopes';

const LANGUAGES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'python', 'go'];

/** `settings` is called at every (re)start of the server, so a restart after a crash gets current values. */
export function createLanguageClient(context: vscode.ExtensionContext, settings: () => PartialSettings): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV] } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV, '--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.map((language) => ({ scheme: 'file', language })),
    initializationOptions: () => ({ settings: settings(), storagePath: context.globalStorageUri.fsPath }),
    outputChannelName: 'OTel Flow Map',
    // Hover links run only these commands (their arguments are checked in focusTarget.ts).
    markdown: { isTrusted: { enabledCommands: ['otelFlowMap.showInMap', 'otelFlowMap.openRecentTrace'] } },
  };
  return new LanguageClient('otelFlowMap', 'OTel Flow Map', serverOptions, clientOptions);
}

/** Starts the client and wires its notifications into `live`; resolves once the server runs and the state arrived. */
export async function startLanguageClient(client: LanguageClient, live: LiveState): Promise<void> {
  client.onNotification(GraphDeltaNotification, (delta) => live.applyDelta(delta));
  client.onNotification(ReceiverStatusNotification, (status) => live.setReceiver(status));
  client.onNotification(SitesChangedNotification, (sites) => live.setSites(sites));
  client.onNotification(SitesDeltaNotification, (delta) => live.setSites(applySitesDelta(live.sites, delta)));
  await client.start();
  await fetchState(client, live);
  // The client restarts a crashed server: its state starts over, so fetch it again.
  client.onDidChangeState((e) => {
    if (e.newState === State.Running) void fetchState(client, live);
  });
}

/** The whole state. Each answer is applied as soon as it arrives: it already includes every
 *  notification the server sent before it, and no later one can slip in between. */
async function fetchState(client: LanguageClient, live: LiveState): Promise<void> {
  const ignore = (e: unknown): void => client.warn('State request failed', e, false);
  await Promise.all([
    client.sendRequest(GraphRequest).then((graph) => live.replaceGraph(graph), ignore),
    client.sendRequest(ReceiverControlRequest, { action: 'status' }).then((status) => live.setReceiver(status), ignore),
    client.sendRequest(SitesRequest).then((sites) => live.setSites(sites), ignore),
  ]);
}

export function pushSettings(client: LanguageClient, settings: PartialSettings): Promise<void> {
  return client.sendNotification('workspace/didChangeConfiguration', { settings: { otelFlowMap: settings } });
}
