// Turns the per-scope values VS Code reports for each `otelFlowMap.*` setting into the partial
// settings object pushed to the server. Only values the user set are included, so the server can
// fill the rest from otel-flow-map.json and the defaults. Pure: no `vscode` import, unit-tested.

import { isRecord } from '../../common/src/guards';
import { DEFAULT_SETTINGS, type AnalysisSettings, type ReceiverSettings, type Settings } from '../../common/src/settings';

/** What `WorkspaceConfiguration.inspect(key)` reports for one setting. */
export interface ScopedValues {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export interface PartialSettings {
  receiver: Partial<ReceiverSettings>;
  analysis: Partial<AnalysisSettings>;
  /** `otelFlowMap.sources`, from user settings only. */
  sources?: string[];
  /** Analysis settings per workspace folder (absolute path), over `analysis`: the folder's own `.vscode/settings.json` in a multi-root workspace. */
  folders?: Record<string, Partial<AnalysisSettings>>;
}

export const LOOPBACK = '127.0.0.1';

/**
 * Decide who can reach the receiver, or where a source's token is sent: honoured from user
 * settings only, never a workspace (invariant 5).
 */
const USER_ONLY = new Set(['receiver.bindAddress', 'receiver.authToken', 'sources']);
/** Send telemetry elsewhere: a workspace may choose them only once trusted. */
const TRUSTED_WORKSPACE_ONLY = new Set(['receiver.forwardTo', 'receiver.corsAllowedOrigins']);

/** Every setting key below `otelFlowMap.`, e.g. `receiver.grpcPort`; `sources` is one key of its own. */
export const SETTING_KEYS: readonly string[] = (Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]).flatMap((section) =>
  Array.isArray(DEFAULT_SETTINGS[section]) ? [section] : Object.keys(DEFAULT_SETTINGS[section]).map((k) => `${section}.${k}`),
);

export function buildPartialSettings(inspect: (key: string) => ScopedValues | undefined, trusted: boolean): PartialSettings {
  const out: PartialSettings = { receiver: {}, analysis: {} };
  for (const key of SETTING_KEYS) {
    const scoped = inspect(key) ?? {};
    const workspaceAllowed = !USER_ONLY.has(key) && (trusted || !TRUSTED_WORKSPACE_ONLY.has(key));
    const value = workspaceAllowed ? effectiveValue(scoped) : scoped.globalValue;
    if (value !== undefined) assign(out, key, value);
  }
  // Always pin the security-sensitive values, so otel-flow-map.json in the workspace cannot set them either.
  out.receiver.bindAddress = trusted && typeof out.receiver.bindAddress === 'string' ? out.receiver.bindAddress : LOOPBACK;
  out.receiver.authToken ??= DEFAULT_SETTINGS.receiver.authToken;
  return out;
}

/** The most specific scope wins; objects (severities) merge across scopes as VS Code itself does. */
function effectiveValue({ globalValue, workspaceValue, workspaceFolderValue }: ScopedValues): unknown {
  const layers = [globalValue, workspaceValue, workspaceFolderValue].filter((v) => v !== undefined);
  if (layers.length === 0) return undefined;
  if (layers.every(isRecord)) return Object.assign({}, ...layers);
  return layers[layers.length - 1];
}

function assign(out: PartialSettings, key: string, value: unknown): void {
  if (key === 'sources') {
    if (Array.isArray(value)) out.sources = value.filter((v): v is string => typeof v === 'string');
    return;
  }
  const [section, name] = key.split('.') as ['receiver' | 'analysis', string];
  (out[section] as Record<string, unknown>)[name] = value;
}


/** The analysis settings of one folder: every scope up to the folder's own (resource-scoped settings). */
export function buildFolderAnalysis(inspect: (key: string) => ScopedValues | undefined): Partial<AnalysisSettings> {
  const out: PartialSettings = { receiver: {}, analysis: {} };
  for (const key of SETTING_KEYS) {
    if (!key.startsWith('analysis.')) continue;
    const value = effectiveValue(inspect(key) ?? {});
    if (value !== undefined) assign(out, key, value);
  }
  return out.analysis;
}
