// The map's narrowing filters after the basic ones (filters.ts): by attribute `key=value`,
// by traffic (hide nodes under N requests per minute) and focus on one node's neighbourhood.
// Pure.

import type { GraphEdge, GraphNode } from '../../common/src/graph';
import type { SpanSiteSummary } from '../../common/src/sites';
import type { VisibleGraph } from './filters';

export interface AttributeFilter {
  key: string;
  value: string;
}

/** `key=value` (spaces around either trimmed); null for anything else, including an empty key. */
export function parseAttributeFilter(text: string): AttributeFilter | null {
  const i = text.indexOf('=');
  if (i <= 0) return null;
  const key = text.slice(0, i).trim();
  const value = text.slice(i + 1).trim();
  return key ? { key, value } : null;
}

/** Attribute values are primitives or lists of them: anything else matches no filter. */
const equals = (x: unknown, value: string): boolean =>
  (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') && String(x) === value;

const has = (attrs: Record<string, unknown> | undefined, f: AttributeFilter): boolean => {
  const v = attrs?.[f.key];
  return Array.isArray(v) ? v.some((x) => equals(x, f.value)) : equals(v, f.value);
};

/**
 * Edges that carry the attribute: on the edge itself or an end node (attributes the runtime
 * reports), or as a constant attribute of a code site that emits one of the edge's span names.
 */
export function byAttribute(vis: VisibleGraph, f: AttributeFilter, sites: readonly SpanSiteSummary[]): VisibleGraph {
  const names = new Set(sites.filter((s) => s.name !== null && has(s.attributes, f)).map((s) => s.name!));
  const nodeMatches = new Set(vis.nodes.filter((n) => has(n.attributes, f)).map((n) => n.id));
  const edges = vis.edges.filter((e) => has(e.attributes, f) || nodeMatches.has(e.source) || nodeMatches.has(e.target) || e.spanNames.some((n) => names.has(n)));
  return withEndsOf(vis.nodes, edges, nodeMatches);
}

/** Requests per minute of a node over the time it has been seen (at least one minute). */
export function perMinute(n: GraphNode): number {
  const minutes = Math.max(1, (n.lastSeen - n.firstSeen) / 60_000);
  return Math.max(0, n.spanCount) / minutes;
}

/** Drops nodes under `min` requests per minute, and their edges. */
export function byMinRate(vis: VisibleGraph, min: number): VisibleGraph {
  if (!(min > 0)) return vis;
  const nodes = vis.nodes.filter((n) => perMinute(n) >= min);
  const ids = new Set(nodes.map((n) => n.id));
  return { nodes, edges: vis.edges.filter((e) => ids.has(e.source) && ids.has(e.target)) };
}

/** The node and everything within `hops` edges of it (either direction); empty when it is not shown. */
export function byFocus(vis: VisibleGraph, id: string, hops: number): VisibleGraph {
  if (!vis.nodes.some((n) => n.id === id)) return { nodes: [], edges: [] };
  const near = new Map<string, string[]>();
  const link = (a: string, b: string): void => {
    const list = near.get(a);
    if (list) list.push(b);
    else near.set(a, [b]);
  };
  for (const e of vis.edges) {
    link(e.source, e.target);
    link(e.target, e.source);
  }
  const reached = new Set([id]);
  let frontier = [id];
  for (let h = 0; h < hops && frontier.length; h++) {
    const next: string[] = [];
    for (const n of frontier) {
      for (const m of near.get(n) ?? []) {
        if (reached.has(m)) continue;
        reached.add(m);
        next.push(m);
      }
    }
    frontier = next;
  }
  return { nodes: vis.nodes.filter((n) => reached.has(n.id)), edges: vis.edges.filter((e) => reached.has(e.source) && reached.has(e.target)) };
}

function withEndsOf(nodes: readonly GraphNode[], edges: GraphEdge[], alsoKeep: ReadonlySet<string>): VisibleGraph {
  const ids = new Set(alsoKeep);
  for (const e of edges) {
    ids.add(e.source);
    ids.add(e.target);
  }
  return { nodes: nodes.filter((n) => ids.has(n.id)), edges };
}
