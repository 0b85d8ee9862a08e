// The only reader (and writer) of VS Code configuration (`otelFlowMap.*`, invariant 4).

import * as vscode from 'vscode';
import { DEFAULT_SETTINGS, EDITOR_SETTINGS, type EditorSettingKey } from '../../common/src/settings';
import { buildFolderAnalysis, buildPartialSettings, type PartialSettings } from './settingsScopes';

const SECTION = 'otelFlowMap';

/** The values the user set, with user-only and trust rules applied; the server fills in the rest. */
export function readSettings(): PartialSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const settings = buildPartialSettings((key) => config.inspect(key), vscode.workspace.isTrusted);
  // Only a multi-root workspace has folder settings of their own (a single folder's are the workspace's).
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length > 1) {
    settings.folders = Object.fromEntries(folders.filter((f) => f.uri.scheme === 'file').map((f) => {
      const scoped = vscode.workspace.getConfiguration(SECTION, f.uri);
      return [f.uri.fsPath.replace(/[\\/]$/, ''), buildFolderAnalysis((key) => scoped.inspect(key))];
    }));
  }
  if (freePortsInState()) {
    settings.receiver.grpcPort = 0;
    settings.receiver.httpPort = 0;
  }
  return settings;
}

/** "Use other ports" kept out of tracked files: workspace state (global state without a folder). */
const FREE_PORTS_KEY = 'otelFlowMap.receiver.useAnyFreePorts';
let portState: vscode.Memento | undefined;
const stateChanged = new vscode.EventEmitter<void>();

/** Called once by activate(): where "Use other ports" is remembered. */
export function initSettingsState(context: vscode.ExtensionContext): vscode.Disposable {
  portState = vscode.workspace.workspaceFolders?.length ? context.workspaceState : context.globalState;
  return stateChanged;
}

export function freePortsInState(): boolean {
  return portState?.get<boolean>(FREE_PORTS_KEY) === true;
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
    stateChanged.event(changed),
    { dispose: () => clearTimeout(timer) },
  );
}

export function authTokenConfigured(): boolean {
  return (readSettings().receiver.authToken ?? '') !== '';
}

/** Port 0 = any free port. `state`: remembered for this workspace without writing a file; else the settings scope the user picked. */
export async function useAnyFreePorts(where: 'state' | vscode.ConfigurationTarget = 'state'): Promise<void> {
  if (where === 'state') {
    await portState?.update(FREE_PORTS_KEY, true);
    stateChanged.fire();
    return;
  }
  const config = vscode.workspace.getConfiguration(SECTION);
  await Promise.all([config.update('receiver.grpcPort', 0, where), config.update('receiver.httpPort', 0, where)]);
}

/** Forgets "Use other ports" kept in state: the configured ports apply again. */
export async function useConfiguredPorts(): Promise<void> {
  await portState?.update(FREE_PORTS_KEY, undefined);
  stateChanged.fire();
}

/** Where this window's receiver listens over HTTP (as configured) and the token it expects. */
export function configuredHttpEndpoint(): { port: number; token: string } {
  const { receiver } = readSettings();
  return { port: receiver.httpPort ?? DEFAULT_SETTINGS.receiver.httpPort, token: receiver.authToken ?? '' };
}

/** An editor-only setting (common/src/settings.ts EDITOR_SETTINGS), false only when the user turned it off. */
export function editorSetting(key: EditorSettingKey): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<boolean>(key, EDITOR_SETTINGS[key]) !== false;
}

/** The user's `terminal.integrated.env.<os>` values: variables they set for terminals themselves win over ours. */
export function terminalEnvOverrides(): Record<string, string | null> | undefined {
  const os = process.platform === 'win32' ? 'windows' : process.platform === 'darwin' ? 'osx' : 'linux';
  return vscode.workspace.getConfiguration('terminal.integrated.env').get<Record<string, string | null>>(os);
}
