// Reads `otel-flow-map.json` (the project's analysis settings, shared by the CLI and the
// editor). Accepted shapes: `{"analysis": {...}}` (like common/src/settings.ts) or the
// analysis keys at the top level. Unknown keys and values of the wrong type are ignored.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, resolveSettings, type AnalysisSettings, type Severity } from '../../../common/src/settings';
import { SEVERITY_LEVELS } from './rules';
import { isRecord } from '../../../common/src/guards';

export const CONFIG_FILE_NAME = 'otel-flow-map.json';

export interface LoadedConfig {
  analysis: AnalysisSettings;
  /** Set when the file exists but cannot be read or parsed (the defaults are used). */
  error?: string;
  found: boolean;
}

/** Loads a config file; a missing file yields the defaults with found = false. */
export function loadConfigFile(path: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return { analysis: resolveSettings({}).analysis, found: !missing, error: missing ? undefined : String(err) };
  }
  try {
    return { analysis: parseConfig(JSON.parse(text)), found: true };
  } catch (err) {
    return { analysis: resolveSettings({}).analysis, found: true, error: `${path}: ${(err as Error).message}` };
  }
}

/** The config of a workspace root (`<root>/otel-flow-map.json`). */
export function loadWorkspaceConfig(root: string): LoadedConfig {
  return loadConfigFile(join(root, CONFIG_FILE_NAME));
}

export function parseConfig(json: unknown): AnalysisSettings {
  const obj = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  const nested = 'analysis' in obj || 'receiver' in obj;
  return resolveSettings(nested ? obj : { analysis: obj }).analysis;
}

/**
 * The effective analysis settings: defaults < `otel-flow-map.json` (`file`, already over the
 * defaults) < the values the user set in the editor (`editor`: the partial `analysis` object the
 * client pushes, holding only what the user set — client/src/settings.ts uses inspect()). A value
 * the user set wins even when it equals the default; a value of the wrong type is ignored.
 * Severities merge per rule, the editor's entries winning.
 */
export function layerSettings(editor: unknown, file: AnalysisSettings): AnalysisSettings {
  const set = isRecord(editor) ? editor : {};
  // resolveSettings keeps a value only when its type fits: what it kept (same reference) is valid.
  const valid = resolveSettings({ analysis: set }).analysis as unknown as Record<string, unknown>;
  const userSet = Object.fromEntries(Object.keys(DEFAULT_SETTINGS.analysis).filter((k) => k in set && valid[k] === set[k]).map((k) => [k, set[k]]));
  const severities = Object.fromEntries(Object.entries(isRecord(userSet.severities) ? userSet.severities : {}).filter(([, v]) => SEVERITY_LEVELS.includes(v as Severity)));
  return { ...file, ...userSet, severities: { ...file.severities, ...severities } };
}

