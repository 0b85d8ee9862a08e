// Type guards for untrusted JSON (settings, config files, OTLP/JSON, webview state): one copy for every layer.

/** A plain object (not null, not an array), whose keys can be read safely. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
