// The line of code behind each span of a trace (contract §4): the analyzer's site when one site
// matches the span (by flow and step, else by span name narrowed by scope and kind), else the
// span's own code.* attributes mapped into the workspace. A path that maps to no workspace file
// gives no link: a span never names a file outside the workspace.

import type { CodeLocation } from '../../../common/src/graph';
import { flowKeys } from '../../../common/src/semconv';
import { runtimeFileResolver } from '../../../common/src/runtimePaths';
import type { SpanSiteSummary } from '../../../common/src/sites';
import type { TraceDetail, TraceSpan } from '../../../common/src/traces';

const FILE_KEYS = ['code.file.path', 'code.filepath'];
const LINE_KEYS = ['code.line.number', 'code.lineno'];
const MAX_PATH = 4096;

/** A runtime path (often absolute, from another machine) to a workspace-relative file, or undefined. */
export type RuntimeFileLookup = (runtimePath: string) => string | undefined;

export interface TraceCodeSources {
  sites: readonly SpanSiteSummary[];
  attributePrefix: string;
  /** Maps runtime paths beyond the files that hold sites (the editor knows its folders). */
  resolve?: RuntimeFileLookup;
}

/** The trace with `code` on every span whose line is known (a span that has one keeps it). */
export function withCode(trace: TraceDetail, src: TraceCodeSources): TraceDetail {
  const matcher = siteMatcher(src);
  return { ...trace, spans: trace.spans.map((s) => {
    const code = s.code ?? matcher(s);
    return code ? { ...s, code } : s;
  }) };
}

/** Finds the CodeLocation of spans against one set of sites (indexes them once). */
export function siteMatcher(src: TraceCodeSources): (span: Pick<TraceSpan, 'name' | 'scope' | 'kind' | 'attributes'>) => CodeLocation | undefined {
  const keys = flowKeys(src.attributePrefix);
  const byStep = new Map<string, SpanSiteSummary[]>();
  const byName = new Map<string, SpanSiteSummary[]>();
  for (const site of src.sites) {
    if (site.flow !== null && site.step !== null) push(byStep, `${site.flow}\u0000${site.step}`, site);
    if (site.name !== null) push(byName, site.name, site);
  }
  const bySuffix = runtimeFileResolver(src.sites.map((s) => s.file));
  const resolve = (path: string) => bySuffix(path) ?? src.resolve?.(path);
  return (span) => {
    const flow = text(span.attributes[keys.name]);
    const step = flow ? text(span.attributes[keys.step]) ?? span.name : undefined;
    const candidates = (flow && step ? byStep.get(`${flow}\u0000${step}`) : undefined) ?? narrowByKind(narrowByScope(byName.get(span.name) ?? [], span.scope), span.kind);
    const runtime = runtimeLocation(span.attributes, resolve);
    if (candidates.length === 1) return staticLocation(candidates[0]);
    // Several sites share the name: the one the span itself names, if any.
    const named = runtime && candidates.find((c) => c.file === runtime.file && c.line === runtime.line);
    return named ? staticLocation(named) : runtime;
  };
}

function staticLocation(site: SpanSiteSummary): CodeLocation {
  return { file: site.file, line: site.line, column: site.column, source: 'static' };
}

/** The span's code.* attributes (current keys first, then the older ones), mapped into the workspace. */
export function runtimeLocation(attributes: Readonly<Record<string, string | number | boolean>>, resolve: RuntimeFileLookup): CodeLocation | undefined {
  const path = FILE_KEYS.map((k) => attributes[k]).find((v): v is string => typeof v === 'string' && v.length > 0 && v.length < MAX_PATH);
  if (!path) return undefined;
  const file = resolve(path);
  if (!file) return undefined;
  const raw = LINE_KEYS.map((k) => attributes[k]).find((v) => v !== undefined);
  const line = typeof raw === 'number' ? raw : Number(raw);
  return { file, line: Number.isInteger(line) && line >= 1 ? line : 1, source: 'runtime' };
}

/** A client span and the server span answering it often share a name: the site's declared kind tells them apart (none declared: internal). */
function narrowByKind(sites: SpanSiteSummary[], kind: string | undefined): SpanSiteSummary[] {
  if (!kind || sites.length < 2) return sites;
  const same = sites.filter((s) => (s.kind ?? 'internal') === kind);
  return same.length ? same : sites;
}

function narrowByScope(sites: SpanSiteSummary[], scope: string | undefined): SpanSiteSummary[] {
  if (!scope || sites.length < 2) return sites;
  const same = sites.filter((s) => s.scope === scope);
  return same.length ? same : sites;
}

function text(v: string | number | boolean | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
