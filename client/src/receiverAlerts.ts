// Tells the user, once per distinct failure, when the receiver cannot listen (typically a port
// taken by another VS Code window) and offers to move to free ports.

import * as vscode from 'vscode';
import type { ReceiverStatus } from '../../common/src/telemetry';
import type { LiveState } from './liveState';
import { useAnyFreePorts } from './settings';

const USE_OTHER_PORTS = 'Use other ports';
const OPEN_SETTINGS = 'Open Settings';

export function watchReceiverErrors(live: LiveState): vscode.Disposable {
  let lastShown: string | undefined;
  return live.onDidChangeReceiver((status) => {
    // A restart passes through 'starting': only a working (or stopped) receiver re-arms the warning.
    if (status.state === 'starting') return;
    if (status.state !== 'error') {
      lastShown = undefined;
      return;
    }
    const text = errorText(status);
    if (text === lastShown) return;
    lastShown = text;
    void offerFix(text);
  });
}

function errorText(status: ReceiverStatus): string {
  const reason = status.message ?? 'The OTLP receiver could not start.';
  const hint = reason.includes('otelFlowMap.receiver.')
    ? ''
    : ' Change otelFlowMap.receiver.grpcPort / otelFlowMap.receiver.httpPort, or stop the other process.';
  return `OTel Flow Map: ${reason}${hint}`;
}

async function offerFix(text: string): Promise<void> {
  const choice = await vscode.window.showWarningMessage(text, USE_OTHER_PORTS, OPEN_SETTINGS);
  if (choice === USE_OTHER_PORTS) await useAnyFreePorts();
  else if (choice === OPEN_SETTINGS) await vscode.commands.executeCommand('workbench.action.openSettings', 'otelFlowMap.receiver');
}
