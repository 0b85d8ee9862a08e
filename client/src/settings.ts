// The only reader (and writer) of VS Code configuration (`otelFlowMap.*`, invariant 4).

import * as vscode from 'vscode';
import { DEFAULT_SETTINGS } from '../../common/src/settings';
import { buildPartialSettings, type PartialSettings } from './settingsScopes';

const SECTION = 'otelFlowMap';

/** The values the user set, with user-only and trust rules applied; the server fills in the rest. */
export function readSettings(): PartialSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  return buildPartialSettings((key) => config.inspect(key), vscode.workspace.isTrusted);
}

/** Bursts of changes (e.g. "Use other ports" writes two keys) reach the server as one push, so one restart. */
const COALESCE_MS = 150;

/** Calls back with fresh settings whenever they, or the workspace trust they depend on, change. */
export function onDidChangeSettings(listener: (settings: PartialSettings) => void): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  const changed = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => listener(readSettings()), COALESCE_MS);
  };
  return vscode.Disposable.from(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) changed();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(changed),
    { dispose: () => clearTimeout(timer) },
  );
}

export function authTokenConfigured(): boolean {
  return (readSettings().receiver.authToken ?? '') !== '';
}

/** Port 0 = any free port. Ports are not security-sensitive, so the workspace may hold them. */
export async function useAnyFreePorts(): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await Promise.all([config.update('receiver.grpcPort', 0, target), config.update('receiver.httpPort', 0, target)]);
}

/** Where this window's receiver listens over HTTP (as configured) and the token it expects. */
export function configuredHttpEndpoint(): { port: number; token: string } {
  const { receiver } = readSettings();
  return { port: receiver.httpPort ?? DEFAULT_SETTINGS.receiver.httpPort, token: receiver.authToken ?? '' };
}
