// Persisted topology: the engine state (so the map survives restarts) and a bounded series
// of snapshots of node / edge ids (for /api/diff?since=T). Files are written atomically;
// anything unreadable on load is ignored, never fatal.

import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EdgeDiff, Graph, Relation, RemovedEdge, SnapshotInfo } from '../../../common/src/graph';
import type { TopologyDiff } from './messages';

const STATE_FILE = 'topology.json';
const SNAPSHOTS_FILE = 'snapshots.jsonl';
const MAX_SNAPSHOTS = 500;
/** Snapshot history on disk and in memory, by bytes (wide graphs make each snapshot large). */
export const DEFAULT_HISTORY_CAPS = { diskBytes: 100 * 1024 * 1024, memoryBytes: 32 * 1024 * 1024 };

interface Snapshot {
  t: number;
  nodes: string[];
  edges: string[];
}

export class HistoryStore {
  private snapshots: Snapshot[] = [];
  /** Bytes of snapshots.jsonl (each line as written). */
  private bytes = 0;
  /** What went wrong reading the saved state, for the receiver's status (never silent). */
  problem: string | undefined;

  constructor(private readonly dir: string, private readonly caps = DEFAULT_HISTORY_CAPS) {
    mkdirSync(dir, { recursive: true });
    this.snapshots = readSnapshots(join(dir, SNAPSHOTS_FILE));
    this.bytes = this.snapshots.reduce((n, s) => n + lineBytes(s), 0);
  }

  /**
   * The persisted engine state, or undefined when there is none. An unreadable or corrupt file is
   * moved aside (never overwritten by the next save) and reported in `problem` (the receiver
   * status message, which serve logs and the status bar shows).
   */
  loadState(): unknown {
    const file = join(this.dir, STATE_FILE);
    if (!existsSync(file)) return undefined;
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      try {
        renameSync(file, aside);
        this.problem = `${STATE_FILE} could not be read (${err instanceof Error ? err.message : String(err)}): kept as ${aside}; starting with an empty graph`;
      } catch (moveErr) {
        this.problem = `${STATE_FILE} could not be read nor moved aside (${moveErr instanceof Error ? moveErr.message : String(moveErr)})`;
      }
      return undefined;
    }
  }

  save(state: unknown, graph: Graph, now: number): void {
    const file = join(this.dir, STATE_FILE);
    writeFileSync(`${file}.tmp`, JSON.stringify(state));
    renameSync(`${file}.tmp`, file);
    const snap: Snapshot = { t: now, nodes: graph.nodes.map((n) => n.id), edges: graph.edges.map((e) => e.id) };
    const size = lineBytes(snap);
    if (size > Math.min(this.caps.diskBytes, this.caps.memoryBytes)) return;
    this.snapshots.push(snap);
    this.bytes += size;
    const overBytes = this.bytes > Math.min(this.caps.diskBytes, this.caps.memoryBytes);
    if (this.snapshots.length > MAX_SNAPSHOTS || overBytes) {
      // Keep the newer half (by count and by bytes), rewritten atomically.
      while (this.snapshots.length > MAX_SNAPSHOTS / 2 || this.bytes > Math.min(this.caps.diskBytes, this.caps.memoryBytes) / 2) {
        this.bytes -= lineBytes(this.snapshots.shift()!);
        if (this.snapshots.length === 0) break;
      }
      const path = join(this.dir, SNAPSHOTS_FILE);
      writeFileSync(`${path}.tmp`, this.snapshots.map((s) => JSON.stringify(s) + '\n').join(''));
      renameSync(`${path}.tmp`, path);
    } else appendFileSync(join(this.dir, SNAPSHOTS_FILE), JSON.stringify(snap) + '\n');
  }

  /** Bytes of the snapshot history (the same on disk and, as strings, in memory). */
  get sizeBytes(): number {
    return this.bytes;
  }

  /**
   * The snapshots a user can compare with, newest first: one per distinct topology (the
   * earliest of each run of identical ones, as snapshots repeat while nothing changes).
   */
  list(max: number): SnapshotInfo[] {
    const out: SnapshotInfo[] = [];
    let previous: Snapshot | undefined;
    for (const s of this.snapshots) {
      if (!previous || !sameIds(previous.edges, s.edges) || !sameIds(previous.nodes, s.nodes)) out.push({ time: s.t, nodes: s.nodes.length, edges: s.edges.length });
      previous = s;
    }
    return out.reverse().slice(0, max);
  }

  /** Edges and nodes added / removed between the last snapshot at or before `since` and `graph`. */
  diff(since: number, graph: Graph): TopologyDiff {
    return diffAgainst(since, [...this.snapshots].reverse().find((s) => s.t <= since), graph);
  }
}

export function diffAgainst(since: number, snap: Snapshot | undefined, graph: Graph): TopologyDiff {
  const thenEdges = new Set(snap?.edges ?? []);
  const thenNodes = new Set(snap?.nodes ?? []);
  const nowEdges = new Set(graph.edges.map((e) => e.id));
  const nowNodes = new Set(graph.nodes.map((n) => n.id));
  return {
    since,
    snapshotAt: snap?.t ?? 0,
    addedEdges: [...nowEdges].filter((id) => !thenEdges.has(id)),
    removedEdges: [...thenEdges].filter((id) => !nowEdges.has(id)),
    addedNodes: [...nowNodes].filter((id) => !thenNodes.has(id)),
    removedNodes: [...thenNodes].filter((id) => !nowNodes.has(id)),
  };
}

/** The webview's view of a diff: added edge ids, and removed edges with the ends to draw them. */
export function edgeDiffOf(d: TopologyDiff): EdgeDiff {
  const removedEdges = d.removedEdges.map(edgeEnds).filter((e): e is RemovedEdge => e !== undefined);
  return { since: d.since, snapshotAt: d.snapshotAt, addedEdgeIds: d.addedEdges, removedEdges };
}

const EDGE_ID = /^(.+)\|(calls|reads|writes|publishes|consumes)\|((?:service|database|queue|external):.*)$/s;

/** Splits an edge id built by the topology (`${source}|${relation}|${target}`); undefined if it is not one. */
export function edgeEnds(id: string): RemovedEdge | undefined {
  const m = EDGE_ID.exec(id);
  return m ? { id, source: m[1], relation: m[2] as Relation, target: m[3] } : undefined;
}

function lineBytes(s: Snapshot): number {
  let n = 40;
  for (const id of s.nodes) n += id.length + 3;
  for (const id of s.edges) n += id.length + 3;
  return n;
}

function sameIds(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}

function readSnapshots(path: string): Snapshot[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const out: Snapshot[] = [];
  for (const line of text.split('\n')) {
    try {
      const s = JSON.parse(line) as Snapshot;
      if (Number.isFinite(s.t) && Array.isArray(s.nodes) && Array.isArray(s.edges)) out.push(s);
    } catch {
      // a torn last line after a crash: skip it
    }
  }
  return out.slice(-MAX_SNAPSHOTS);
}
