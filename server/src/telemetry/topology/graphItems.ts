// The graph's items as the topology engine keeps them (a node or edge with its window stats and
// what it is charged against the byte budget), their views for consumers (whole, or as a stats
// row in a delta) and their reading back from a persisted topology, which is untrusted input.

import type { EdgeStats, GraphEdge, GraphNode, NodeStats, Relation } from '../../../../common/src/graph';
import { LatencyHistogram } from './histogram';
import { ENTRY_BYTES, stringBytes } from './limits';
import type { WindowStats } from './windowStats';

export interface EdgeState {
  /** Receiver time of the last span counted (expiry; span times may be old, e.g. imported files). */
  touched: number;
  edge: Omit<GraphEdge, 'p50Ms' | 'p95Ms' | 'p99Ms' | 'spanNames' | 'scopes' | 'details'>;
  hist: LatencyHistogram;
  /** Counts and latency per 10 s / 1 min, for recent windows. */
  win: WindowStats;
  spanNames: Set<string>;
  scopes: Set<string>;
  details: Set<string>;
  /** Bytes charged to the graph budget (refunded when the edge expires). */
  bytes: number;
  /** Consumers do not have this edge as it is (new, a list grew, first seen moved): the next delta sends it whole, not as a stats row. */
  sendWhole: boolean;
}

/** A node with its per-minute counts and whether it is in dirtyNodes (one map lookup per touch). */
export interface NodeState {
  touched: number;
  node: GraphNode;
  win: WindowStats;
  dirty: boolean;
  bytes: number;
  /** As EdgeState.sendWhole. */
  sendWhole: boolean;
}

export function edgeView(e: EdgeState): GraphEdge {
  return {
    ...e.edge,
    p50Ms: e.hist.quantile(0.5),
    p95Ms: e.hist.quantile(0.95),
    p99Ms: e.hist.quantile(0.99),
    spanNames: [...e.spanNames],
    scopes: [...e.scopes],
    ...(e.details.size ? { details: [...e.details] } : {}),
  };
}

export function nodeBytes(id: string, name: string, namedBy?: Record<string, string>): number {
  let bytes = ENTRY_BYTES + stringBytes(id) + stringBytes(name);
  if (namedBy) for (const [k, v] of Object.entries(namedBy)) bytes += stringBytes(k) + stringBytes(v);
  return bytes;
}

/** A persisted key -> string map (at most 8 entries), undefined when absent or malformed. */
function stringRecord(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v).slice(0, 8)) if (typeof x === 'string') out[k] = x;
  return Object.keys(out).length ? out : undefined;
}

export function edgeBytes(id: string): number {
  return ENTRY_BYTES + 2 * stringBytes(id);
}

export function asArray(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];
}

export function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function stringSet(v: unknown, cap: number): Set<string> {
  return new Set(Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, cap) : []);
}

/** A node consumers already have, as a delta's stats row. */
export function nodeStatsRow(n: NodeState): NodeStats {
  return [n.node.key!, n.node.spanCount, n.node.errorCount, Math.round(n.node.lastSeen)];
}

/** An edge consumers already have, as a delta's stats row. */
export function edgeStatsRow(e: EdgeState): EdgeStats {
  return [e.edge.key!, e.edge.count, e.edge.errors, e.hist.quantile(0.5), e.hist.quantile(0.95), e.hist.quantile(0.99), Math.round(e.edge.lastSeen)];
}

/** A persisted node, or undefined when malformed (its key is given when it is added). */
export function persistedNode(n: Record<string, unknown>): GraphNode | undefined {
  if (typeof n.id !== 'string' || typeof n.name !== 'string' || typeof n.kind !== 'string') return undefined;
  const namedBy = stringRecord(n.namedBy);
  return {
    id: n.id, kind: n.kind as GraphNode['kind'], name: n.name, ...(typeof n.system === 'string' ? { system: n.system } : {}), ...(namedBy ? { namedBy } : {}),
    spanCount: num(n.spanCount), errorCount: num(n.errorCount), firstSeen: num(n.firstSeen), lastSeen: num(n.lastSeen),
  };
}

/** A persisted edge with its lists (each at most `namesCap`) and the bytes it costs, or undefined when malformed. */
export function persistedEdge(e: Record<string, unknown>, namesCap: number): Pick<EdgeState, 'edge' | 'hist' | 'spanNames' | 'scopes' | 'details' | 'bytes'> | undefined {
  if (typeof e.id !== 'string' || typeof e.source !== 'string' || typeof e.target !== 'string') return undefined;
  const spanNames = stringSet(e.spanNames, namesCap);
  const scopes = stringSet(e.scopes, namesCap);
  const details = stringSet(e.details, namesCap);
  return {
    edge: { id: e.id, source: e.source, target: e.target, relation: e.relation as Relation, count: num(e.count), errors: num(e.errors), firstSeen: num(e.firstSeen), lastSeen: num(e.lastSeen) },
    hist: LatencyHistogram.fromJSON(e.hist),
    spanNames,
    scopes,
    details,
    bytes: edgeBytes(e.id) + [...spanNames, ...scopes, ...details].reduce((sum, x) => sum + stringBytes(x), 0),
  };
}
