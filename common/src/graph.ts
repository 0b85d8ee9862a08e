// The live topology model: produced by the telemetry worker, consumed by the LSP server,
// the webview and the `serve` HTTP API. Plain JSON-safe data only.

export type NodeKind = 'service' | 'database' | 'queue' | 'external';
export type Relation = 'calls' | 'reads' | 'writes' | 'publishes' | 'consumes';

/** A place in a source file. `file` is workspace-relative with `/`, lines/columns 1-based. */
export interface CodeLocation {
  file: string;
  line: number;
  column?: number;
  /** 'static' = found by the analyzer; 'runtime' = from code.* span attributes. */
  source: 'static' | 'runtime';
}

export interface GraphNode {
  /** Stable id: `${kind}:${name}` (database/queue ids include the system). */
  id: string;
  kind: NodeKind;
  /** service.name; a database's system, server and namespace (`redis cache:6379 db 0`); a queue's system and destination; a peer name. */
  name: string;
  /** db.system / messaging.system when known. */
  system?: string;
  /** Spans emitted by (services) or addressed to (others) this node. */
  spanCount: number;
  errorCount: number;
  firstSeen: number;
  lastSeen: number;
  /**
   * Optional, additive: low-cardinality attribute values seen on this node (resource attributes
   * of a service, e.g. `deployment.environment`), capped by the producer. The map filters by
   * `key=value` on it when present.
   */
  attributes?: Record<string, string[]>;
  /**
   * Optional, additive: the span attributes that gave this node its display name (key -> value,
   * e.g. `db.system.name: redis`, `server.address: cache`, `db.namespace: 0`), shown in its tooltip.
   */
  namedBy?: Record<string, string>;
  /** Optional, additive: the numbers of the graph's recent window (Graph.window), beside the lifetime ones. */
  window?: WindowNumbers;
  /** Optional: the producer's short key for this node, which the stats rows of later deltas name (NodeStats). */
  key?: number;
}

/** Counts, rate and latency of one node or edge over a recent sliding window (issue 14 item 3). */
export interface WindowNumbers {
  count: number;
  errors: number;
  ratePerSec: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface GraphEdge {
  /** Stable id: `${source}|${relation}|${target}`. */
  id: string;
  source: string;
  target: string;
  relation: Relation;
  count: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Epoch milliseconds. */
  firstSeen: number;
  lastSeen: number;
  /** Distinct span names (capped) and instrumentation scopes that produced this edge. */
  spanNames: string[];
  scopes: string[];
  /** Table / collection names for reads and writes. */
  details?: string[];
  /** Optional, additive: low-cardinality span attribute values seen on this edge (e.g. `http.route`), capped by the producer. */
  attributes?: Record<string, string[]>;
  /** Optional, additive: the numbers of the graph's recent window (Graph.window). */
  window?: WindowNumbers;
  /** Optional: the producer's short key for this edge, which the stats rows of later deltas name (EdgeStats). */
  key?: number;
}

export interface FlowStep {
  name: string;
  count: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  services: string[];
  scopes: string[];
  spanNames: string[];
}

export interface FlowTransition {
  from: string;
  to: string;
  count: number;
}

export interface Flow {
  name: string;
  runs: number;
  steps: FlowStep[];
  transitions: FlowTransition[];
}

export interface GraphStats {
  spansReceived: number;
  /** Spans lost: in no count of the graph (the sum of `dropped`). */
  spansDropped: number;
  /** Lost spans by reason (docs/limits.md). */
  dropped: Record<string, number>;
  /** Spans counted, but detail of them not kept (a name folded into "(other)", a run step, a series), by reason. */
  collapsed?: Record<string, number>;
  /** Requests answered with a retryable error (the sender still holds the data), by reason. */
  refused?: Record<string, number>;
  /** Spans per second over the last few seconds. */
  spansPerSecond: number;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  flows: Flow[];
  stats: GraphStats;
  /** Optional, additive: the recent window the per-item `window` numbers cover (ms; null = since start, no per-item numbers). */
  window?: { ms: number | null };
}

/**
 * An edge in a delta's `edges`: whole, except that its span-name, scope and detail lists may be
 * left out when they did not change (applyDelta then keeps the lists it has).
 */
export type DeltaEdge = Omit<GraphEdge, 'spanNames' | 'scopes'> & Partial<Pick<GraphEdge, 'spanNames' | 'scopes'>>;

/** A flow step in a delta: its numbers always; its service, scope and span-name lists only when one of them grew. */
export type DeltaFlowStep = Omit<FlowStep, 'services' | 'scopes' | 'spanNames'> & Partial<Pick<FlowStep, 'services' | 'scopes' | 'spanNames'>>;

/** A flow in a delta: whole, except for step lists that did not change (applyDelta keeps the lists it has). */
export type DeltaFlow = Omit<Flow, 'steps'> & { steps: DeltaFlowStep[] };

/**
 * The numbers of an edge the consumer already has, as a row: the edge is named by its `key`
 * (GraphEdge.key), and `lastSeen` is whole milliseconds. Rows keep a delta at a few dozen bytes
 * per changed edge at any traffic (issue 14 item 8): the id, endpoints and lists stay unsent.
 */
export type EdgeStats = [key: number, count: number, errors: number, p50Ms: number, p95Ms: number, p99Ms: number, lastSeen: number];

/** The counts of a node the consumer already has, named by its `key` (GraphNode.key); `lastSeen` in whole ms. */
export type NodeStats = [key: number, spanCount: number, errorCount: number, lastSeen: number];

/**
 * An incremental update: replace-by-id upserts (new items, and items whose names, lists or first
 * time changed), then the stats rows of items the consumer already has, then removals. A row
 * whose key the consumer does not know is skipped: it joined with a graph that will bring it.
 */
export interface GraphDelta {
  nodes: GraphNode[];
  edges: DeltaEdge[];
  /** Optional: stats rows of known nodes (NodeStats). */
  nodeStats?: NodeStats[];
  /** Optional: stats rows of known edges (EdgeStats). */
  edgeStats?: EdgeStats[];
  flows: DeltaFlow[];
  removedNodeIds: string[];
  removedEdgeIds: string[];
  removedFlowNames: string[];
  stats: GraphStats;
  /** True when the receiver cleared its data: the consumer drops everything first. */
  reset?: boolean;
}

/** One persisted topology snapshot, as listed for "compare with an earlier snapshot". */
export interface SnapshotInfo {
  /** Epoch milliseconds when it was taken. */
  time: number;
  nodes: number;
  edges: number;
}

/** An edge of a snapshot that is gone from the live graph: enough to draw or list it. */
export interface RemovedEdge {
  id: string;
  source: string;
  target: string;
  relation: Relation;
}

/** How the live edges differ from the last snapshot taken at or before `since`. */
export interface EdgeDiff {
  since: number;
  /** Time of the snapshot compared against (0 = none that old: everything is added). */
  snapshotAt: number;
  addedEdgeIds: string[];
  removedEdges: RemovedEdge[];
}

export function emptyGraph(): Graph {
  return { nodes: [], edges: [], flows: [], stats: { spansReceived: 0, spansDropped: 0, dropped: {}, spansPerSecond: 0 } };
}

/** Applies a delta to a graph in place (used by every consumer of deltas). */
export function applyDelta(graph: Graph, delta: GraphDelta): Graph {
  if (delta.reset) {
    graph.nodes = [];
    graph.edges = [];
    graph.flows = [];
  }
  graph.nodes = upsertBy(graph.nodes, delta.nodes, (n) => n.id, []);
  graph.edges = upsertBy(graph.edges, withLists(graph.edges, delta.edges), (e) => e.id, []);
  if (delta.nodeStats?.length) graph.nodes = withRows(graph.nodes, delta.nodeStats, (n, [, spanCount, errorCount, lastSeen]) => ({ ...n, spanCount, errorCount, lastSeen }));
  if (delta.edgeStats?.length) graph.edges = withRows(graph.edges, delta.edgeStats, (e, [, count, errors, p50Ms, p95Ms, p99Ms, lastSeen]) => ({ ...e, count, errors, p50Ms, p95Ms, p99Ms, lastSeen }));
  graph.nodes = upsertBy(graph.nodes, [], (n) => n.id, delta.removedNodeIds);
  graph.edges = upsertBy(graph.edges, [], (e) => e.id, delta.removedEdgeIds);
  graph.flows = upsertBy(graph.flows, withStepLists(graph.flows, delta.flows), (f) => f.name, delta.removedFlowNames);
  graph.stats = delta.stats;
  return graph;
}

/** Delta edges without lists take the lists of the edge they replace (none yet: empty). */
function withLists(current: GraphEdge[], updates: DeltaEdge[]): GraphEdge[] {
  if (updates.every((u) => u.spanNames && u.scopes)) return updates as GraphEdge[];
  const byId = new Map(current.map((e) => [e.id, e] as const));
  return updates.map((u) => {
    if (u.spanNames && u.scopes) return u as GraphEdge;
    const old = byId.get(u.id);
    return {
      ...u,
      spanNames: u.spanNames ?? old?.spanNames ?? [],
      scopes: u.scopes ?? old?.scopes ?? [],
      ...(u.details === undefined && old?.details ? { details: old.details } : {}),
    };
  });
}

/** Delta flows whose steps came without lists take the lists of the same step in the flow they replace (none yet: empty). */
function withStepLists(current: Flow[], updates: DeltaFlow[]): Flow[] {
  const complete = (s: DeltaFlowStep): s is FlowStep => s.services !== undefined && s.scopes !== undefined && s.spanNames !== undefined;
  if (updates.every((f) => f.steps.every(complete))) return updates as Flow[];
  const byName = new Map(current.map((f) => [f.name, f] as const));
  return updates.map((f) => {
    const old = new Map((byName.get(f.name)?.steps ?? []).map((s) => [s.name, s] as const));
    return {
      ...f,
      steps: f.steps.map((s) => (complete(s) ? s : { ...s, services: s.services ?? old.get(s.name)?.services ?? [], scopes: s.scopes ?? old.get(s.name)?.scopes ?? [], spanNames: s.spanNames ?? old.get(s.name)?.spanNames ?? [] })),
    };
  });
}

/** Items named by a row's key take its numbers (as new objects, like upserts); unknown keys are skipped. */
function withRows<T extends { key?: number }, R extends [number, ...number[]]>(items: T[], rows: R[], update: (item: T, row: R) => T): T[] {
  const byKey = new Map<number, R>();
  for (const r of rows) byKey.set(r[0], r);
  return items.map((item) => {
    const row = item.key === undefined ? undefined : byKey.get(item.key);
    return row ? update(item, row) : item;
  });
}

function upsertBy<T>(items: T[], updates: T[], key: (t: T) => string, removed: string[]): T[] {
  if (updates.length === 0 && removed.length === 0) return items;
  const byKey = new Map(items.map((i) => [key(i), i] as const));
  for (const u of updates) byKey.set(key(u), u);
  for (const r of removed) byKey.delete(r);
  return [...byKey.values()];
}
