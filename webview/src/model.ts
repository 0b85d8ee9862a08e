// The webview's copy of the host's data: the live graph, code sites and receiver status,
// plus which ids arrived recently (briefly highlighted). Host data is normalised on entry
// so views can trust array fields.

import { applyDelta, emptyGraph, type EdgeStats, type Graph, type GraphDelta, type NodeStats } from '../../common/src/graph';
import type { ToWebview } from '../../common/src/protocol';
import type { SpanSiteSummary } from '../../common/src/sites';
import type { ReceiverStatus } from '../../common/src/telemetry';

const HIGHLIGHT_MS = 4000;
/** Sites are workspace-sized, but the cap keeps a hostile host from exhausting memory. */
const MAX_SITES = 20_000;

export type DataMessage = Extract<ToWebview, { type: 'init' | 'graph' | 'delta' | 'receiver' | 'sites' }>;

export class Model {
  graph: Graph = emptyGraph();
  sites: SpanSiteSummary[] = [];
  receiver: ReceiverStatus = { state: 'starting' };
  initialised = false;
  /** The absolute folder site paths are relative to, when the host says (init.root). */
  root: string | null = null;
  /** Id -> time it first appeared after the initial load. */
  private readonly arrivals = new Map<string, number>();

  apply(message: DataMessage, now: number): void {
    switch (message.type) {
      case 'init':
        this.graph = lifetimeOnly(normaliseGraph(message.graph));
        this.sites = arr(message.sites).slice(0, MAX_SITES);
        this.receiver = message.receiver ?? this.receiver;
        this.root = typeof message.root === 'string' && message.root.length < 4096 ? message.root : null;
        this.initialised = true;
        this.arrivals.clear();
        break;
      case 'graph':
        this.graph = lifetimeOnly(normaliseGraph(message.graph));
        break;
      case 'delta':
        this.applyDelta(normaliseDelta(message.delta), now);
        break;
      case 'receiver':
        this.receiver = message.status;
        break;
      case 'sites':
        this.sites = arr(message.sites).slice(0, MAX_SITES);
        break;
      default: {
        const never: never = message;
        void never;
      }
    }
  }

  /** True while an id that arrived live should still be highlighted. */
  isFresh(id: string, now: number): boolean {
    const t = this.arrivals.get(id);
    return t !== undefined && now - t < HIGHLIGHT_MS;
  }

  private applyDelta(delta: GraphDelta, now: number): void {
    if (delta.reset) this.arrivals.clear();
    const nodeIds = new Set(this.graph.nodes.map((n) => n.id));
    const edgeIds = new Set(this.graph.edges.map((e) => e.id));
    for (const n of delta.nodes) if (!nodeIds.has(n.id)) this.arrivals.set(n.id, now);
    for (const e of delta.edges) if (!edgeIds.has(e.id)) this.arrivals.set(e.id, now);
    for (const [id, t] of this.arrivals) if (now - t >= HIGHLIGHT_MS) this.arrivals.delete(id);
    applyDelta(this.graph, delta);
  }
}

/** Host data is untrusted: a missing or non-array field reads as empty. */
export function arr<T>(v: T[] | undefined | null): T[] {
  return Array.isArray(v) ? v : [];
}

/**
 * The live model keeps lifetime numbers only (deltas carry no window): the recent window's
 * numbers come from the window query, so "since start" never shows a stale window.
 */
function lifetimeOnly(g: Graph): Graph {
  g.nodes = g.nodes.map((n) => (n.window ? { ...n, window: undefined } : n));
  g.edges = g.edges.map((e) => (e.window ? { ...e, window: undefined } : e));
  return g;
}

export function normaliseGraph(g: Graph | undefined | null): Graph {
  const base = emptyGraph();
  if (!g || typeof g !== 'object') return base;
  return {
    nodes: arr(g.nodes).filter((n) => n && typeof n.id === 'string' && typeof n.name === 'string'),
    edges: arr(g.edges)
      .filter((e) => e && typeof e.id === 'string' && typeof e.source === 'string' && typeof e.target === 'string')
      .map((e) => ({ ...e, spanNames: arr(e.spanNames), scopes: arr(e.scopes) })),
    flows: arr(g.flows)
      .filter((f) => f && typeof f.name === 'string')
      .map((f) => ({ ...f, steps: arr(f.steps).map((s) => ({ ...s, services: arr(s.services), scopes: arr(s.scopes), spanNames: arr(s.spanNames) })), transitions: arr(f.transitions) })),
    stats: g.stats ?? base.stats,
  };
}

function normaliseDelta(d: GraphDelta): GraphDelta {
  const g = normaliseGraph({ nodes: d?.nodes, edges: [], flows: [], stats: d?.stats });
  const list = (v: string[] | undefined) => (v !== undefined ? arr(v) : undefined);
  return {
    ...g,
    flows: arr(d?.flows)
      .filter((f) => f && typeof f.name === 'string')
      .map((f) => ({
        ...f,
        steps: arr(f.steps).map((s) => {
          const { services, scopes, spanNames, ...numbers } = s;
          return { ...numbers, ...(services !== undefined ? { services: list(services) } : {}), ...(scopes !== undefined ? { scopes: list(scopes) } : {}), ...(spanNames !== undefined ? { spanNames: list(spanNames) } : {}) };
        }),
        transitions: arr(f.transitions),
      })),
    // Lists travel only when they changed (lean deltas): keep them absent so applyDelta keeps the old ones.
    edges: arr(d?.edges)
      .filter((e) => e && typeof e.id === 'string' && typeof e.source === 'string' && typeof e.target === 'string')
      .map((e) => ({ ...e, ...(e.spanNames !== undefined ? { spanNames: arr(e.spanNames) } : {}), ...(e.scopes !== undefined ? { scopes: arr(e.scopes) } : {}) })),
    nodeStats: rows(d?.nodeStats, 4) as NodeStats[],
    edgeStats: rows(d?.edgeStats, 7) as EdgeStats[],
    removedNodeIds: arr(d?.removedNodeIds),
    removedEdgeIds: arr(d?.removedEdgeIds),
    removedFlowNames: arr(d?.removedFlowNames),
    reset: d?.reset === true,
  };
}

/** Stats rows of a delta: arrays of `width` finite numbers (anything else from the host is dropped). */
function rows(v: unknown, width: number): number[][] {
  return Array.isArray(v) ? v.filter((r): r is number[] => Array.isArray(r) && r.length === width && r.every((x) => typeof x === 'number' && Number.isFinite(x))) : [];
}
