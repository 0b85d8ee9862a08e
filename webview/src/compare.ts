// "Compare with an earlier snapshot": which visible edges are new since then, and which edges
// of then are gone — drawn as dashed ghosts when both ends are on the map, listed otherwise.
// Pure; diffs come from the host and are read defensively.

import type { EdgeDiff, RemovedEdge, SnapshotInfo } from '../../common/src/graph';
import type { VisibleGraph } from './filters';
import { arr } from './model';
import { RELATIONS } from './uiState';

/** Removed edges are listed, not drawn, beyond this many (a hostile or huge diff). */
export const MAX_REMOVED = 500;

export interface Comparison {
  /** Visible live edges that were not in the snapshot. */
  added: Set<string>;
  /** Removed edges whose two ends are visible: drawn dashed. */
  ghosts: RemovedEdge[];
  /** Removed edges with an end not on the map: listed in the "removed since" panel. */
  unplaced: RemovedEdge[];
}

export const NO_COMPARISON: Comparison = { added: new Set(), ghosts: [], unplaced: [] };

export function compareWith(vis: VisibleGraph, diff: EdgeDiff | null): Comparison {
  if (!diff) return NO_COMPARISON;
  const liveEdges = new Set(vis.edges.map((e) => e.id));
  const nodes = new Set(vis.nodes.map((n) => n.id));
  const added = new Set(arr<unknown>(diff.addedEdgeIds).filter((id): id is string => typeof id === 'string' && liveEdges.has(id)));
  const ghosts: RemovedEdge[] = [];
  const unplaced: RemovedEdge[] = [];
  for (const e of arr<unknown>(diff.removedEdges).slice(0, MAX_REMOVED)) {
    // A diff can be a moment older than the graph: an edge that came back is not removed.
    if (!isRemovedEdge(e) || liveEdges.has(e.id)) continue;
    (nodes.has(e.source) && nodes.has(e.target) ? ghosts : unplaced).push(e);
  }
  return { added, ghosts, unplaced };
}

/** "12 s ago · 4 edges": the Compare option for a snapshot. */
export function snapshotLabel(s: SnapshotInfo, now: number): string {
  return `${ago(now - s.time)} · ${s.edges} ${s.edges === 1 ? 'edge' : 'edges'}`;
}

export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} d ago`;
}

/** Host snapshot lists, newest first, without malformed entries. */
export function sanitizeSnapshots(list: unknown): SnapshotInfo[] {
  return arr(list as unknown[])
    .filter((s): s is SnapshotInfo => {
      const o = s as Record<string, unknown> | null;
      return typeof o === 'object' && o !== null && Number.isFinite(o.time) && Number.isFinite(o.nodes) && Number.isFinite(o.edges);
    })
    .sort((a, b) => b.time - a.time);
}

function isRemovedEdge(e: unknown): e is RemovedEdge {
  const o = e as Record<string, unknown> | null;
  return (
    typeof o === 'object' && o !== null &&
    typeof o.id === 'string' && typeof o.source === 'string' && typeof o.target === 'string' &&
    (RELATIONS as readonly unknown[]).includes(o.relation)
  );
}
