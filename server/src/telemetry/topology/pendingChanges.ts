// What changed in the graph since the last delta: the nodes and edges touched, whether the stats
// moved and whether consumers must drop what they hold (a clear). Items consumers already have
// travel as stats rows, new or otherwise changed ones whole (docs/contract.md, lean deltas).

import type { EdgeStats, GraphEdge, GraphNode, NodeStats } from '../../../../common/src/graph';
import { edgeStatsRow, edgeView, nodeStatsRow, type EdgeState, type NodeState } from './graphItems';

export interface ItemChanges {
  nodes: GraphNode[];
  edges: GraphEdge[];
  nodeStats?: NodeStats[];
  edgeStats?: EdgeStats[];
}

export class PendingChanges {
  /** The next delta is a reset: consumers drop what they hold and every item travels whole. */
  reset = false;
  statsChanged = false;
  private nodes: NodeState[] = [];
  private readonly edges = new Set<string>();

  get itemCount(): number {
    return this.nodes.length + this.edges.size;
  }

  node(state: NodeState): void {
    if (state.dirty) return;
    state.dirty = true;
    this.nodes.push(state);
  }

  edge(id: string): void {
    this.edges.add(id);
  }

  /** Items that left the graph before their change was sent. */
  forget(edgeId: string): void {
    this.edges.delete(edgeId);
  }

  forgetNodes(ids: ReadonlySet<string>): void {
    if (ids.size) this.nodes = this.nodes.filter((n) => !ids.has(n.node.id));
  }

  clear(): void {
    this.nodes = [];
    this.edges.clear();
    this.reset = true;
  }

  /** The changed items, as consumers need them; the items count as sent. */
  take(edges: ReadonlyMap<string, EdgeState>): ItemChanges {
    const out: ItemChanges = { nodes: [], edges: [] };
    const nodeStats: NodeStats[] = [];
    for (const n of this.nodes) {
      if (this.reset || n.sendWhole) out.nodes.push({ ...n.node });
      else nodeStats.push(nodeStatsRow(n));
      n.sendWhole = false;
      n.dirty = false;
    }
    const edgeStats: EdgeStats[] = [];
    for (const id of this.edges) {
      const e = edges.get(id);
      if (!e) continue;
      if (this.reset || e.sendWhole) out.edges.push(edgeView(e));
      else edgeStats.push(edgeStatsRow(e));
      e.sendWhole = false;
    }
    if (nodeStats.length) out.nodeStats = nodeStats;
    if (edgeStats.length) out.edgeStats = edgeStats;
    this.nodes = [];
    this.edges.clear();
    return out;
  }
}
