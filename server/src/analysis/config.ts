// Reads `otel-flow-map.json` (the project's analysis settings, shared by the CLI and the
// editor). Accepted shapes: `{"analysis": {...}}` (like common/src/settings.ts) or the
// analysis keys at the top level. Unknown keys and values of the wrong type are ignored.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, resolveSettings, type AnalysisSettings } from '../../../common/src/settings';

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
 * Editor settings over the workspace file over the defaults: an editor value still equal
 * to its default (VS Code always sends defaults) gives way to the file's value.
 */
export function layerSettings(editor: AnalysisSettings, file: AnalysisSettings): AnalysisSettings {
  const defaults = DEFAULT_SETTINGS.analysis as unknown as Record<string, unknown>;
  const out = { ...editor } as unknown as Record<string, unknown>;
  const fromFile = file as unknown as Record<string, unknown>;
  for (const key of Object.keys(defaults)) {
    if (JSON.stringify(out[key]) === JSON.stringify(defaults[key])) out[key] = fromFile[key];
  }
  const merged = out as unknown as AnalysisSettings;
  merged.severities = { ...file.severities, ...editor.severities };
  return merged;
}
