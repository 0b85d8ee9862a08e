// The extension's commands (all contributed in package.json under the "OTel Flow Map" category).

import { relative, sep } from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ReceiverControlRequest, TracesRequest, type ReceiverAction } from '../../common/src/lspMethods';
import type { FocusTarget } from '../../common/src/protocol';
import { endpointSnippets } from './endpointSnippets';
import { focusTarget, focusTargetAt, recentTraceQuery } from './focusTarget';
import type { LiveState } from './liveState';
import { MapPanel, type MapHost } from './mapPanel';
import type { OwnerMirror } from './ownerMirror';
import { showOwnerData } from './receiverAlerts';
import { authTokenConfigured } from './settings';
import { MENU_COMMAND, showMenu } from './statusBar';
import { exportTraces, importTraces } from './traceFiles';

export function registerCommands(client: LanguageClient, live: LiveState, mapHost: MapHost, mirror: OwnerMirror): vscode.Disposable {
  const control = (action: ReceiverAction) => () => controlReceiver(client, live, action);
  const commands: Record<string, (...args: unknown[]) => unknown> = {
    'otelFlowMap.openMap': () => {
      MapPanel.show(mapHost);
      void mapOpened(client, live);
    },
    'otelFlowMap.showInMap': (arg) => {
      const panel = MapPanel.show(mapHost);
      void mapOpened(client, live);
      const target = arg === undefined ? targetAtCursor(live) : focusTarget(arg);
      if (target) panel.focus(target);
    },
    'otelFlowMap.openRecentTrace': (arg) => openRecentTrace(client, live, mapHost, arg),
    'otelFlowMap.startReceiver': control('start'),
    'otelFlowMap.stopReceiver': control('stop'),
    'otelFlowMap.restartReceiver': control('restart'),
    'otelFlowMap.clearData': control('clear'),
    'otelFlowMap.copyEndpointSettings': () => copyEndpointSettings(live),
    'otelFlowMap.importTraces': (arg) => importTraces(client, arg),
    'otelFlowMap.exportTraces': (arg) => exportTraces(client, arg),
    'otelFlowMap.showOwnerData': () => showOwnerData(mirror),
    [MENU_COMMAND]: () => showMenu(live),
  };
  return vscode.Disposable.from(...Object.entries(commands).map(([id, fn]) => vscode.commands.registerCommand(id, fn)));
}

/** From a span site's CodeLens or hover: the failing or slowest recent trace through it, opened in the map's trace view. */
async function openRecentTrace(client: LanguageClient, live: LiveState, mapHost: MapHost, arg: unknown): Promise<void> {
  const query = recentTraceQuery(arg);
  if (!query) return;
  const list = await client.sendRequest(TracesRequest, query);
  const trace = list.traces[0];
  if (!trace) {
    void vscode.window.showInformationMessage('OTel Flow Map keeps no recent trace through this span any more.');
    return;
  }
  const panel = MapPanel.show(mapHost);
  void mapOpened(client, live);
  panel.focus({ kind: 'trace', traceId: trace.traceId });
}

/** From the command palette: the span site at the cursor, if the analyzer knows one there. */
function targetAtCursor(live: LiveState): FocusTarget | undefined {
  const editor = vscode.window.activeTextEditor;
  const folder = editor && vscode.workspace.getWorkspaceFolder(editor.document.uri);
  if (!editor || !folder) return undefined;
  const file = relative(folder.uri.fsPath, editor.document.uri.fsPath).split(sep).join('/');
  return focusTargetAt(live.sites, file, editor.selection.active.line + 1);
}

/** Under `autoStart: auto` an open map is reason enough to run the receiver (the server decides). */
async function mapOpened(client: LanguageClient, live: LiveState): Promise<void> {
  if (live.receiver.state === 'listening') return;
  try {
    live.setReceiver(await client.sendRequest(ReceiverControlRequest, { action: 'mapOpened' }));
  } catch (e) {
    client.warn('Could not tell the server the map opened', e, false);
  }
}

async function controlReceiver(client: LanguageClient, live: LiveState, action: ReceiverAction): Promise<void> {
  try {
    live.setReceiver(await client.sendRequest(ReceiverControlRequest, { action }));
  } catch (e) {
    void vscode.window.showErrorMessage(`OTel Flow Map: could not ${action} the receiver: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function copyEndpointSettings(live: LiveState): Promise<void> {
  const snippets = endpointSnippets(live.receiver, authTokenConfigured());
  if (live.receiver.state !== 'listening' || snippets.length === 0) {
    const start = 'Start Receiver';
    const choice = await vscode.window.showWarningMessage('OTel Flow Map: the receiver is not listening.', start);
    if (choice === start) await vscode.commands.executeCommand('otelFlowMap.startReceiver');
    return;
  }
  const picked = await vscode.window.showQuickPick(snippets, { title: 'Copy OTLP endpoint settings for…' });
  if (!picked) return;
  await vscode.env.clipboard.writeText(picked.text);
  void vscode.window.showInformationMessage(`OTel Flow Map: ${picked.label} environment variables copied.`);
}
