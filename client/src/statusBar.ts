// The receiver's status bar item: state, ports, spans/s and sustained loss; a click opens the menu.

import * as vscode from 'vscode';
import type { LiveState } from './liveState';
import type { OwnerMirror } from './ownerMirror';
import { LossWindow } from './lossWindow';
import { freePortsInState, useConfiguredPorts } from './settings';
import { statusView } from './statusText';

export const MENU_COMMAND = 'otelFlowMap.showMenu';
/** Not contributed (menu only): undoes "Use other ports" kept in workspace state. */
export const USE_CONFIGURED_PORTS_COMMAND = 'otelFlowMap.useConfiguredPorts';

export function registerMenuCommands(): vscode.Disposable {
  return vscode.commands.registerCommand(USE_CONFIGURED_PORTS_COMMAND, () => useConfiguredPorts());
}

export function createStatusBar(live: LiveState, mirror: OwnerMirror): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('otelFlowMap.receiver', vscode.StatusBarAlignment.Right, 100);
  item.name = 'OTel Flow Map Receiver';
  item.command = MENU_COMMAND;
  const loss = new LossWindow();
  const render = (): void => {
    const now = Date.now();
    loss.record(now, live.graph.stats.spansReceived, live.graph.stats.spansDropped);
    const view = statusView(live.receiver, live.graph.stats, { viewingPort: mirror.port, sustainedLoss: loss.sustainedLoss(now) });
    item.text = view.text;
    const tooltip = new vscode.MarkdownString();
    for (const line of view.tooltip) tooltip.appendText(line).appendMarkdown('  \n');
    item.tooltip = tooltip;
    item.backgroundColor =
      view.severity === 'normal' ? undefined : new vscode.ThemeColor(`statusBarItem.${view.severity}Background`);
  };
  render();
  item.show();
  return vscode.Disposable.from(item, live.onDidChangeReceiver(render), live.onDidReplaceGraph(render), live.onDidApplyDelta(render), mirror.onDidChange(render));
}

interface MenuItem extends vscode.QuickPickItem {
  command: string;
}

/** The status bar menu: the commands that make sense in the receiver's current state. */
export async function showMenu(live: LiveState): Promise<void> {
  const running = live.receiver.state === 'listening' || live.receiver.state === 'starting';
  const items: MenuItem[] = [
    { label: '$(type-hierarchy) Open Map', command: 'otelFlowMap.openMap' },
    { label: '$(clippy) Copy OTLP Endpoint Settings', command: 'otelFlowMap.copyEndpointSettings' },
    running
      ? { label: '$(debug-stop) Stop Receiver', command: 'otelFlowMap.stopReceiver' }
      : { label: '$(play) Start Receiver', command: 'otelFlowMap.startReceiver' },
    { label: '$(debug-restart) Restart Receiver', command: 'otelFlowMap.restartReceiver' },
    { label: '$(clear-all) Clear Live Data', command: 'otelFlowMap.clearData' },
    { label: '$(folder-opened) Import Traces from File…', command: 'otelFlowMap.importTraces' },
    ...(freePortsInState() ? [{ label: '$(plug) Use the Configured Ports Again', command: USE_CONFIGURED_PORTS_COMMAND }] : []),
    { label: '$(save) Export Traces…', command: 'otelFlowMap.exportTraces' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'OTel Flow Map', placeHolder: live.receiver.message });
  if (picked) await vscode.commands.executeCommand(picked.command);
}
