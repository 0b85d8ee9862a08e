// Where in the workspace a live step or span name is created: static sites from the analyzer,
// runtime code.* attributes from recent spans, and coverage (live without code, code never live). Pure.

import type { CodeLocation, Graph } from '../../common/src/graph';
import type { SpanSiteSummary } from '../../common/src/sites';
import type { SpanSummary } from '../../common/src/telemetry';
import type { RuntimeFileResolver } from '../../common/src/runtimePaths';

export { resolveRuntimeFile, runtimeFileResolver, type RuntimeFileResolver } from '../../common/src/runtimePaths';

/** Sites for a flow step: by (flow, step) first, else by the step's span names narrowed by scope. */
export function sitesForStep(sites: readonly SpanSiteSummary[], flow: string, step: string, spanNames: readonly string[], scopes: readonly string[]): SpanSiteSummary[] {
  const exact = sites.filter((s) => s.flow === flow && s.step === step);
  return exact.length ? exact : sitesForSpanNames(sites, spanNames, scopes);
}

/** Sites whose constant span name is one of `names`, preferring those of a matching scope. */
export function sitesForSpanNames(sites: readonly SpanSiteSummary[], names: readonly string[], scopes: readonly string[]): SpanSiteSummary[] {
  const wanted = new Set(names);
  const byName = sites.filter((s) => s.name !== null && wanted.has(s.name));
  const scoped = byName.filter((s) => s.scope !== null && scopes.includes(s.scope));
  return scoped.length ? scoped : byName;
}

export function siteLocation(site: SpanSiteSummary): CodeLocation {
  return { file: site.file, line: site.line, column: site.column, source: 'static' };
}

const FILE_KEYS = ['code.file.path', 'code.filepath'];
const LINE_KEYS = ['code.line.number', 'code.lineno'];

/** The location a span reports about itself (current keys first, then the older ones). */
export function runtimeLocation(attributes: Readonly<Record<string, string | number | boolean>>): CodeLocation | null {
  const file = FILE_KEYS.map((k) => attributes[k]).find((v): v is string => typeof v === 'string' && v.length > 0 && v.length < 4096);
  if (!file) return null;
  const raw = LINE_KEYS.map((k) => attributes[k]).find((v) => v !== undefined);
  const line = typeof raw === 'number' ? raw : Number(raw);
  return { file, line: Number.isInteger(line) && line >= 1 ? line : 1, source: 'runtime' };
}

/** Distinct runtime locations of recent spans, most frequent first. */
export function runtimeLocations(spans: readonly SpanSummary[]): CodeLocation[] {
  const counts = new Map<string, { loc: CodeLocation; n: number }>();
  for (const s of spans) {
    const loc = runtimeLocation(s.attributes);
    if (!loc) continue;
    const key = `${loc.file}:${loc.line}`;
    const entry = counts.get(key);
    if (entry) entry.n++;
    else counts.set(key, { loc, n: 1 });
  }
  return [...counts.values()].sort((a, b) => b.n - a.n).map((e) => e.loc);
}

export function locationLabel(loc: CodeLocation): string {
  return `${loc.file}:${loc.line}`;
}

/** The shortest form, for a table cell: the file's name and line (the full path goes in a tooltip). */
export function fileNameLabel(loc: CodeLocation): string {
  return `${loc.file.split(/[\\/]/).filter(Boolean).pop() ?? loc.file}:${loc.line}`;
}

/** A short form for narrow panels: the last three path segments (the full one goes in a tooltip). */
export function shortLocationLabel(loc: CodeLocation): string {
  const parts = loc.file.split(/[\\/]/).filter(Boolean);
  const tail = parts.length > 3 ? `…/${parts.slice(-3).join('/')}` : loc.file;
  return `${tail}:${loc.line}`;
}

export interface Coverage {
  /** Live steps with no code site. Keys: `${flow}\u0000${step}`. */
  stepsWithoutSite: Set<string>;
  /** Sites never seen in live data. */
  sitesNeverLive: SpanSiteSummary[];
}

export const stepKey = (flow: string, step: string): string => `${flow}\u0000${step}`;

export function coverage(graph: Graph, sites: readonly SpanSiteSummary[]): Coverage {
  const stepsWithoutSite = new Set<string>();
  const liveSteps = new Set<string>();
  const liveNames = new Set<string>();
  for (const e of graph.edges) for (const n of e.spanNames) liveNames.add(n);
  for (const f of graph.flows) {
    for (const s of f.steps) {
      liveSteps.add(stepKey(f.name, s.name));
      for (const n of s.spanNames) liveNames.add(n);
      if (sitesForStep(sites, f.name, s.name, s.spanNames, s.scopes).length === 0) stepsWithoutSite.add(stepKey(f.name, s.name));
    }
  }
  const sitesNeverLive = sites.filter((s) => !(s.flow !== null && s.step !== null && liveSteps.has(stepKey(s.flow, s.step))) && !(s.name !== null && liveNames.has(s.name)));
  return { stepsWithoutSite, sitesNeverLive };
}

/** A runtime location pointing at the known site file its path names, when there is one. */
export function resolveLocation(location: CodeLocation, resolve: RuntimeFileResolver): CodeLocation {
  const file = location.source === 'runtime' ? resolve(location.file) : null;
  return file ? { ...location, file } : location;
}

export interface MergedLocation {
  location: CodeLocation;
  /** A static site that recent spans also report through code.* attributes. */
  seenAtRuntime: boolean;
}

/**
 * Static sites first, then runtime locations; a runtime location naming a static site (same
 * resolved file and line) folds into it, and runtime paths that resolve to a known file are
 * shown workspace-relative. Runtime paths matching no site stay as they are.
 */
export function mergeLocations(staticLocations: readonly CodeLocation[], runtime: readonly CodeLocation[], resolve: RuntimeFileResolver): MergedLocation[] {
  const merged = new Map<string, MergedLocation>();
  for (const location of staticLocations) {
    const key = locationLabel(location);
    if (!merged.has(key)) merged.set(key, { location, seenAtRuntime: false });
  }
  for (const raw of runtime) {
    const location = resolveLocation(raw, resolve);
    const known = merged.get(locationLabel(location));
    if (known?.location.source === 'static') known.seenAtRuntime = true;
    else if (!known) merged.set(locationLabel(location), { location, seenAtRuntime: false });
  }
  return [...merged.values()];
}

export interface ServiceSite {
  site: SpanSiteSummary;
  /** Live spans of this site's name or step, when the graph tells them apart (null: shared with other names). */
  live: number | null;
}

/**
 * The code sites a service emits spans from: its flow steps' sites (with the step's live count)
 * and the sites of the span names on its outgoing edges (with the edge's count when the edge
 * has that one name only). One entry per file and line, busiest first.
 */
export function serviceSites(graph: Graph, nodeId: string, serviceName: string, sites: readonly SpanSiteSummary[]): ServiceSite[] {
  const out = new Map<string, ServiceSite>();
  const add = (list: SpanSiteSummary[], live: number | null): void => {
    for (const site of list) {
      const key = `${site.file}:${site.line}`;
      const known = out.get(key);
      if (!known) out.set(key, { site, live });
      else if (known.live !== null) known.live = live === null ? null : known.live + live;
    }
  };
  for (const f of graph.flows) {
    for (const s of f.steps) if (s.services.includes(serviceName)) add(sitesForStep(sites, f.name, s.name, s.spanNames, s.scopes), s.count);
  }
  for (const e of graph.edges) {
    if (e.source !== nodeId) continue;
    for (const name of e.spanNames) add(sitesForSpanNames(sites, [name], e.scopes), e.spanNames.length === 1 ? e.count : null);
  }
  return [...out.values()].sort((a, b) => (b.live ?? -1) - (a.live ?? -1) || a.site.file.localeCompare(b.site.file) || a.site.line - b.site.line);
}

/**
 * A vscode://file/ link for a location, so the browser map opens the line in VS Code: absolute
 * paths as they are, workspace-relative ones under `root` when the host told it. Null otherwise.
 */
export function vscodeFileUrl(loc: CodeLocation, root: string | null): string | null {
  const path = isAbsolute(loc.file) ? loc.file : root ? `${root.replace(/[\\/]+$/, '')}/${loc.file}` : null;
  if (!path) return null;
  const parts = path.replace(/\\/g, '/').split('/').filter((p, i) => p.length > 0 || i === 0);
  const encoded = parts.map((p, i) => (i <= 1 && /^[a-zA-Z]:$/.test(p) ? p : encodeURIComponent(p))).join('/');
  return `vscode://file/${encoded.replace(/^\//, '')}:${loc.line}${loc.column ? `:${loc.column}` : ''}`;
}

function isAbsolute(file: string): boolean {
  return file.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(file);
}
