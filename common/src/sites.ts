// What the analyzer knows about one span-creation site, in the shape `scan --format json`
// prints under "spans" and the map uses for code links.

export type Language = 'typescript' | 'javascript' | 'python' | 'go';

export interface SpanSiteSummary {
  /** Relative to the scan root / workspace folder, with `/`. */
  file: string;
  line: number;
  column: number;
  language: Language;
  /** Span name when constant, else null. */
  name: string | null;
  flow: string | null;
  step: string | null;
  /** Tracer / instrumentation scope name when constant. */
  scope: string | null;
  /** SpanKind when set: 'internal' | 'server' | 'client' | 'producer' | 'consumer'. */
  kind: string | null;
  /** Attribute key -> constant value, or null when the value is dynamic. */
  attributes: Record<string, string | number | boolean | null>;
}

export interface FindingSummary {
  rule: string;
  severity: 'error' | 'warning' | 'information' | 'hint';
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

export interface ScanResult {
  spans: SpanSiteSummary[];
  findings: FindingSummary[];
}

/** Some files' sites, replaced: the files (as SpanSiteSummary.file) now have exactly `sites` (a file with none lost its sites or went). */
export interface SitesDelta {
  files: string[];
  sites: SpanSiteSummary[];
}

/** The list with a delta applied: the delta's files' sites replaced, the others kept. */
export function applySitesDelta(list: readonly SpanSiteSummary[], delta: SitesDelta): SpanSiteSummary[] {
  const files = new Set(delta.files);
  return [...list.filter((s) => !files.has(s.file)), ...delta.sites];
}
