// The join of contract.md §4: a code site's live numbers, matched by (flow, step), else by
// span name narrowed by instrumentation scope; for a dynamic name, the distinct live names
// sharing its constant prefix (the cardinality the name causes).

import type { Graph } from '../../../common/src/graph';
import type { SpanSiteSummary } from '../../../common/src/sites';
import type { SpanNameStat } from '../telemetry/topology/spanNames';

export interface LiveSiteStats {
  matchedBy: 'step' | 'name' | 'prefix';
  count: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  services: string[];
  /** Distinct live span names behind a dynamic name. */
  distinctNames?: number;
  sampleNames?: string[];
}

/** The live names in the index (kept by the server from worker deltas). */
export type NameIndex = Iterable<SpanNameStat>;

export function liveStatsForSite(site: SpanSiteSummary, namePrefix: string | undefined, graph: Graph, names: NameIndex): LiveSiteStats | undefined {
  if (site.flow && site.step) {
    const step = graph.flows.find((f) => f.name === site.flow)?.steps.find((s) => s.name === site.step);
    if (step) return { matchedBy: 'step', count: step.count, errors: step.errors, p50Ms: step.p50Ms, p95Ms: step.p95Ms, services: step.services };
  }
  if (site.name !== null) {
    const matches = narrowByScope([...names].filter((n) => n.name === site.name), site.scope);
    return matches.length ? { matchedBy: 'name', ...merge(matches) } : undefined;
  }
  if (namePrefix) {
    const matches = narrowByScope([...names].filter((n) => n.name.startsWith(namePrefix)), site.scope);
    if (!matches.length) return undefined;
    const distinct = [...new Set(matches.map((m) => m.name))];
    return { matchedBy: 'prefix', ...merge(matches), distinctNames: distinct.length, sampleNames: distinct.slice(0, 3) };
  }
  return undefined;
}

/** Keeps the stats whose scope matches the site's tracer, when any does. */
function narrowByScope(stats: SpanNameStat[], scope: string | null): SpanNameStat[] {
  if (!scope) return stats;
  const same = stats.filter((s) => s.scopes.includes(scope));
  return same.length ? same : stats;
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

/** The CodeLens title: `1,204 spans · 0.8% errors · p95 38 ms` or `not seen live`. */
export function lensTitle(stats: LiveSiteStats | undefined): string {
  if (!stats || stats.count === 0) return 'not seen live';
  const parts = [`${stats.count.toLocaleString('en-US')} spans`, `${formatPercent(stats.errors / stats.count)} errors`, `p95 ${formatMs(stats.p95Ms)}`];
  if (stats.distinctNames !== undefined && stats.distinctNames > 1) parts.push(`${stats.distinctNames} distinct names`);
  return parts.join(' · ');
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
