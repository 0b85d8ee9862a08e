// Tells the user, once per distinct failure, when the receiver cannot listen. A taken port is
// first identified: when another OTel Flow Map receiver holds it (`otel-flow-map serve`,
// `npm run demo`, another window) its live data is shown here with no warning at all, since the data
// is live; when another program holds it, one warning offers other ports (remembered in workspace
// state, or in settings when the user picks a scope). Either way the server retries the port and
// takes it over once it frees (server/src/lsp/receiverLifecycle.ts).

import * as vscode from 'vscode';
import type { ReceiverStatus } from '../../common/src/telemetry';
import type { LiveState } from './liveState';
import type { OwnerMirror } from './ownerMirror';
import { configuredHttpEndpoint, useAnyFreePorts } from './settings';
import { portTaken } from './statusText';

const USE_OTHER_PORTS = 'Use other ports';
const USE_OTHER_PORTS_IN_SETTINGS = 'Keep Other Ports in Settings…';
const OPEN_SETTINGS = 'Open Settings';

export interface ReceiverAlerts extends vscode.Disposable {
  /** The last warning shown (for tests), until the receiver works again. */
  lastWarning(): string | undefined;
}

export function watchReceiverErrors(live: LiveState, mirror: OwnerMirror): ReceiverAlerts {
  let lastSeen: string | undefined;
  let lastShown: string | undefined;
  const listener = live.onDidChangeReceiver((status) => {
    // A restart passes through 'starting': only a working (or stopped) receiver re-arms the warning.
    if (status.state === 'starting') return;
    if (status.state !== 'error') {
      lastSeen = lastShown = undefined;
      return;
    }
    const text = errorText(status);
    if (text === lastSeen) return;
    lastSeen = text;
    void (async () => {
      if (portTaken(status) !== undefined && (await mirrorOwner(status, mirror))) return;
      lastShown = text;
      await offerFix(text, portTaken(status) !== undefined);
    })();
  });
  return {
    lastWarning: () => lastShown,
    dispose: () => {
      listener.dispose();
    },
  };
}

/** Mirrors the receiver on the configured HTTP port; tells the user when that is not possible. */
export async function showOwnerData(mirror: OwnerMirror): Promise<boolean> {
  const { port, token } = configuredHttpEndpoint();
  const problem = await mirror.start(port, token);
  if (problem) void vscode.window.showWarningMessage(`OTel Flow Map: ${problem}`);
  return problem === undefined;
}

/** True when an OTel Flow Map receiver answers on the HTTP port (the taken one, or the configured one): its data is now shown. */
async function mirrorOwner(status: ReceiverStatus, mirror: OwnerMirror): Promise<boolean> {
  if (mirror.port !== undefined) return true;
  const { port, token } = configuredHttpEndpoint();
  const taken = portTaken(status);
  const httpTaken = taken !== undefined && /OTLP\/HTTP/.test(status.message ?? '') ? taken : port;
  return httpTaken > 0 && (await mirror.start(httpTaken, token)) === undefined;
}

function errorText(status: ReceiverStatus): string {
  const reason = status.message ?? 'The OTLP receiver could not start.';
  const taken = portTaken(status);
  const hint = taken !== undefined
    ? ` Another program (not OTel Flow Map, perhaps a Collector) holds port ${taken}; the receiver starts here once it frees.`
    : reason.includes('otelFlowMap.receiver.')
    ? ''
    : ' Change otelFlowMap.receiver.grpcPort / otelFlowMap.receiver.httpPort, or stop the other process.';
  return `OTel Flow Map: ${reason}${hint}`;
}

async function offerFix(text: string, portInUse: boolean): Promise<void> {
  const actions = portInUse ? [USE_OTHER_PORTS, USE_OTHER_PORTS_IN_SETTINGS, OPEN_SETTINGS] : [USE_OTHER_PORTS, OPEN_SETTINGS];
  const choice = await vscode.window.showWarningMessage(text, ...actions);
  if (choice === USE_OTHER_PORTS) await useAnyFreePorts('state');
  else if (choice === USE_OTHER_PORTS_IN_SETTINGS) await pickSettingsScope();
  else if (choice === OPEN_SETTINGS) await vscode.commands.executeCommand('workbench.action.openSettings', 'otelFlowMap.receiver');
}

async function pickSettingsScope(): Promise<void> {
  const scopes = [
    { label: 'User settings', description: 'every workspace on this machine', target: vscode.ConfigurationTarget.Global },
    ...(vscode.workspace.workspaceFolders?.length
      ? [{ label: 'Workspace settings', description: 'writes .vscode/settings.json (or the .code-workspace file)', target: vscode.ConfigurationTarget.Workspace }]
      : []),
  ];
  const picked = await vscode.window.showQuickPick(scopes, { title: 'Keep "any free ports" in…' });
  if (picked) await useAnyFreePorts(picked.target);
}
