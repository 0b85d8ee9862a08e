// Tells the user, once per distinct failure, when the receiver cannot listen (typically a port
// taken by another VS Code window) and offers to move to free ports or to show the data of the
// receiver that owns the port.

import * as vscode from 'vscode';
import type { ReceiverStatus } from '../../common/src/telemetry';
import type { LiveState } from './liveState';
import type { OwnerMirror } from './ownerMirror';
import { configuredHttpEndpoint, useAnyFreePorts } from './settings';

const USE_OTHER_PORTS = 'Use other ports';
const SHOW_OWNER_DATA = "Show Owner's Data";
const OPEN_SETTINGS = 'Open Settings';

export interface ReceiverAlerts extends vscode.Disposable {
  /** The last warning shown (for tests), until the receiver works again. */
  lastWarning(): string | undefined;
}

export function watchReceiverErrors(live: LiveState, mirror: OwnerMirror): ReceiverAlerts {
  let lastShown: string | undefined;
  const listener = live.onDidChangeReceiver((status) => {
    // A restart passes through 'starting': only a working (or stopped) receiver re-arms the warning.
    if (status.state === 'starting') return;
    if (status.state !== 'error') {
      lastShown = undefined;
      return;
    }
    const text = errorText(status);
    if (text === lastShown) return;
    lastShown = text;
    void offerFix(text, portInUse(status) ? mirror : undefined);
  });
  return { lastWarning: () => lastShown, dispose: () => listener.dispose() };
}

/** Mirrors the receiver on the configured HTTP port; tells the user when that is not possible. */
export async function showOwnerData(mirror: OwnerMirror): Promise<boolean> {
  const { port, token } = configuredHttpEndpoint();
  const problem = await mirror.start(port, token);
  if (problem) void vscode.window.showWarningMessage(`OTel Flow Map: ${problem}`);
  return problem === undefined;
}

function portInUse(status: ReceiverStatus): boolean {
  return /already in use/i.test(status.message ?? '');
}

function errorText(status: ReceiverStatus): string {
  const reason = status.message ?? 'The OTLP receiver could not start.';
  const hint = portInUse(status)
    ? ' Another VS Code window may own it: use other ports here, or show the live data of the receiver that owns it.'
    : reason.includes('otelFlowMap.receiver.')
    ? ''
    : ' Change otelFlowMap.receiver.grpcPort / otelFlowMap.receiver.httpPort, or stop the other process.';
  return `OTel Flow Map: ${reason}${hint}`;
}

async function offerFix(text: string, mirror: OwnerMirror | undefined): Promise<void> {
  const actions = mirror ? [USE_OTHER_PORTS, SHOW_OWNER_DATA, OPEN_SETTINGS] : [USE_OTHER_PORTS, OPEN_SETTINGS];
  const choice = await vscode.window.showWarningMessage(text, ...actions);
  if (choice === USE_OTHER_PORTS) await useAnyFreePorts();
  else if (choice === SHOW_OWNER_DATA && mirror) await showOwnerData(mirror);
  else if (choice === OPEN_SETTINGS) await vscode.commands.executeCommand('workbench.action.openSettings', 'otelFlowMap.receiver');
}
