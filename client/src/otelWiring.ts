// Zero-config export: while this window's receiver listens, new integrated terminals and Node,
// Python and Go launch configurations get the OTLP variables that point an OpenTelemetry SDK at
// it (otelEnvironment.ts computes them). Nothing is injected in untrusted workspaces.

import * as vscode from 'vscode';
import { debugEnvironment, otlpEnvironment, terminalContribution, type Env } from './otelEnvironment';
import type { LiveState } from './liveState';
import { editorSetting, readSettings, terminalEnvOverrides } from './settings';

const enabled = (key: 'terminal' | 'debug'): boolean => editorSetting(`${key}.injectEnvironment`);

/** The OTLP variables for this window's receiver now, or undefined (not listening, untrusted). */
function wantedEnv(live: LiveState): Env | undefined {
  if (!vscode.workspace.isTrusted) return undefined;
  return otlpEnvironment(live.receiver, readSettings().receiver.authToken ?? '');
}

export function registerOtelEnvironment(context: vscode.ExtensionContext, live: LiveState): vscode.Disposable {
  const collection = context.environmentVariableCollection;
  // Recomputed on every start: a value restored from the last session could point at a dead port.
  collection.persistent = false;
  const update = (): void => {
    const env = enabled('terminal') ? terminalContribution(wantedEnv(live), process.env, terminalEnvOverrides()) : {};
    collection.clear();
    for (const [k, v] of Object.entries(env)) collection.replace(k, v);
    collection.description = env.OTEL_EXPORTER_OTLP_ENDPOINT
      ? new vscode.MarkdownString(`OTel Flow Map: OpenTelemetry SDKs started here export to the map's receiver at \`${env.OTEL_EXPORTER_OTLP_ENDPOINT}\` (\`otelFlowMap.terminal.injectEnvironment\` turns this off).`)
      : undefined;
  };
  update();
  return vscode.Disposable.from(
    live.onDidChangeReceiver(update),
    vscode.workspace.onDidGrantWorkspaceTrust(update),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('otelFlowMap') || e.affectsConfiguration('terminal.integrated.env')) update();
    }),
    vscode.debug.registerDebugConfigurationProvider('*', {
      resolveDebugConfigurationWithSubstitutedVariables(folder, config) {
        if (!enabled('debug')) return config;
        const env = debugEnvironment(config, wantedEnv(live), process.env, folder?.name ?? vscode.workspace.workspaceFolders?.[0]?.name);
        return env ? { ...config, env } : config;
      },
    }),
    { dispose: () => collection.clear() },
  );
}
