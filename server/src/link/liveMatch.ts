// The join of contract.md §4: a code site's live numbers, matched by (flow, step), else by
// span name narrowed by span kind and instrumentation scope; for a dynamic name, the distinct
// live names sharing its constant prefix (the cardinality the name causes). Beside the numbers
// since start, the recent window's (the map's window): what CodeLens and hover lead with.

import type { Graph } from '../../../common/src/graph';
import { formatAgo, formatRate } from '../../../common/src/format';
import type { SpanSiteSummary } from '../../../common/src/sites';
import type { SpanNameStat, SpanNameWindow } from '../telemetry/topology/spanNames';
import type { LiveWindow } from '../telemetry/topology/liveWindow';

/** A site's numbers over the recent window. */
export interface SiteWindow {
  ms: number;
  count: number;
  errors: number;
  /** Absent when no latency is known for the window (a step matched by its per-minute counts only). */
  p50Ms?: number;
  p95Ms?: number;
  /** How long the site's spans have been silent (receiver time), when known. */
  idleMs?: number;
}

export interface LiveSiteStats {
  matchedBy: 'step' | 'name' | 'prefix';
  /** Since start. */
  count: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  services: string[];
  /** Distinct live span names behind a dynamic name. */
  distinctNames?: number;
  sampleNames?: string[];
  /** The recent window's numbers, when the receiver answered for them. */
  window?: SiteWindow;
}

/** The live names in the index (kept by the server from worker deltas). */
export type NameIndex = Iterable<SpanNameStat>;

export function liveStatsForSite(site: SpanSiteSummary, namePrefix: string | undefined, graph: Graph, names: NameIndex, live?: LiveWindow): LiveSiteStats | undefined {
  const byName = (keep: (name: string) => boolean) => narrowByScope(narrowByKind([...names].filter((n) => keep(n.name)), site.kind), site.scope);
  if (site.flow && site.step) {
    const step = graph.flows.find((f) => f.name === site.flow)?.steps.find((s) => s.name === site.step);
    if (step) {
      const stats: LiveSiteStats = { matchedBy: 'step', count: step.count, errors: step.errors, p50Ms: step.p50Ms, p95Ms: step.p95Ms, services: step.services };
      if (live) stats.window = stepWindow(live, site, site.name !== null ? byName((n) => n === site.name) : []);
      return stats;
    }
  }
  if (site.name !== null) {
    const matches = byName((n) => n === site.name);
    return matches.length ? { matchedBy: 'name', ...merge(matches), ...windowOf(live, matches) } : undefined;
  }
  if (namePrefix) {
    const matches = byName((n) => n.startsWith(namePrefix));
    if (!matches.length) return undefined;
    const distinct = [...new Set(matches.map((m) => m.name))];
    return { matchedBy: 'prefix', ...merge(matches), distinctNames: distinct.length, sampleNames: distinct.slice(0, 3), ...windowOf(live, matches) };
  }
  return undefined;
}

/**
 * Keeps the stats of the site's span kind: a client span and the server span that answers it
 * often share one name, and a site makes only one of them. A site whose kind the analyzer did not
 * see makes internal spans (the API's default) unless its options were not constant: then
 * internal or unspecified stats when there are some, else all of them.
 */
function narrowByKind(stats: SpanNameStat[], kind: string | null): SpanNameStat[] {
  const same = stats.filter((s) => (kind ? s.kind === kind : s.kind === 'internal' || s.kind === 'unspecified'));
  return same.length ? same : stats;
}

/** Keeps the stats whose scope matches the site's tracer, when any does. */
function narrowByScope(stats: SpanNameStat[], scope: string | null): SpanNameStat[] {
  if (!scope) return stats;
  const same = stats.filter((s) => s.scopes.includes(scope));
  return same.length ? same : stats;
}

const windowKey = (n: { service: string; name: string; kind: string }) => `${n.service}\u0000${n.name}\u0000${n.kind}`;

/** The window numbers of the matched names, summed (latency: the worst name's; idle: the least idle). */
function windowOf(live: LiveWindow | undefined, matches: SpanNameStat[]): { window?: SiteWindow } {
  if (!live) return {};
  const byKey = indexOf(live);
  const wins = matches.map((m) => byKey.get(windowKey(m))).filter((w): w is SpanNameWindow => w !== undefined);
  const seen = wins.filter((w) => w.window.count > 0);
  return {
    window: {
      ms: live.windowMs,
      count: wins.reduce((n, w) => n + w.window.count, 0),
      errors: wins.reduce((n, w) => n + w.window.errors, 0),
      ...(seen.length ? { p50Ms: Math.max(...seen.map((w) => w.window.p50Ms)), p95Ms: Math.max(...seen.map((w) => w.window.p95Ms)) } : {}),
      ...(wins.length ? { idleMs: Math.min(...wins.map((w) => w.idleMs)) } : {}),
    },
  };
}

/** A step's window counts; its latency and silence from the site's own name when it has one. */
function stepWindow(live: LiveWindow, site: SpanSiteSummary, names: SpanNameStat[]): SiteWindow {
  const step = live.steps.find((s) => s.flow === site.flow && s.step === site.step);
  const named = names.length ? windowOf(live, names).window : undefined;
  // Per-minute step counts reach back to the start of the window's first minute: a name silent
  // for the whole window is idle even when that minute still counts it.
  const idle = named?.idleMs !== undefined && named.idleMs >= live.windowMs;
  return {
    ms: live.windowMs,
    count: idle ? 0 : step?.count ?? 0,
    errors: idle ? 0 : step?.errors ?? 0,
    ...(named?.p95Ms !== undefined ? { p50Ms: named.p50Ms, p95Ms: named.p95Ms } : {}),
    ...(named?.idleMs !== undefined ? { idleMs: named.idleMs } : {}),
  };
}

/** The window's names by key, built once per answer (CodeLens asks for every site of a file). */
const indexes = new WeakMap<LiveWindow, Map<string, SpanNameWindow>>();
function indexOf(live: LiveWindow): Map<string, SpanNameWindow> {
  let index = indexes.get(live);
  if (!index) indexes.set(live, (index = new Map(live.names.map((n) => [windowKey(n), n]))));
  return index;
}

/** Sums counts across services; latency is the worst service's (quantiles do not add). */
function merge(stats: SpanNameStat[]): Omit<LiveSiteStats, 'matchedBy'> {
  return {
    count: stats.reduce((n, s) => n + s.count, 0),
    errors: stats.reduce((n, s) => n + s.errors, 0),
    p50Ms: Math.max(...stats.map((s) => s.p50Ms)),
    p95Ms: Math.max(...stats.map((s) => s.p95Ms)),
    services: [...new Set(stats.map((s) => s.service))],
  };
}

/**
 * The CodeLens title, from the recent window: `144 spans in 1m · 2.4/s · 0.8% errors · p95 38 ms ·
 * seen 1s ago`; `idle 3m · 1,204 spans since start` for a site silent for the whole window;
 * `not seen live`. Without window numbers (the receiver did not answer), the totals since start.
 */
export function lensTitle(stats: LiveSiteStats | undefined): string {
  if (!stats || stats.count === 0) return 'not seen live';
  const w = stats.window;
  let parts: string[];
  if (!w) parts = [`${plural(stats.count)} since start`, `${formatPercent(stats.errors / stats.count)} errors`, `p95 ${formatMs(stats.p95Ms)}`];
  else if (w.count === 0) parts = [w.idleMs !== undefined ? `idle ${formatAgo(w.idleMs)}` : 'idle', `${plural(stats.count)} since start`];
  else {
    const [count, ...rest] = windowParts(w);
    parts = [`${count} in ${formatAgo(w.ms)}`, ...rest, ...(w.idleMs !== undefined ? [`seen ${formatAgo(w.idleMs)} ago`] : [])];
  }
  if (stats.distinctNames !== undefined && stats.distinctNames > 1) parts.push(`${stats.distinctNames} distinct names`);
  return parts.join(' · ');
}

/** `144 spans`, the rate, the error ratio and p95 (when known) of a window with spans. */
export function windowParts(w: SiteWindow): string[] {
  return [
    plural(w.count),
    formatRate(w.count / (w.ms / 1000)),
    `${formatPercent(w.errors / w.count)} errors`,
    ...(w.p95Ms !== undefined ? [`p95 ${formatMs(w.p95Ms)}`] : []),
  ];
}

function plural(count: number): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? 'span' : 'spans'}`;
}

export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function formatPercent(ratio: number): string {
  const p = ratio * 100;
  return `${p === 0 || p >= 10 ? Math.round(p) : p.toFixed(1)}%`;
}
