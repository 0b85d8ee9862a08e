// The delta part of `npm run bench:ingest`: how many bytes a map's event stream carries per
// second at 50k spans/s, and per changed edge per update (target <= 100 B). A real `serve` is fed
// the demo's own OTLP requests and a synthetic 300-service / 1,000-edge topology, paced at the
// span rate; the SSE frames a map receives are recorded and measured (bench/support/traffic.ts).
// The baseline, from the same frames: each changed edge sent whole (its /api/graph object).
import { applyDelta, type GraphEdge } from '../common/src/graph';
import { demoRequests, recordServe, syntheticRequests, type Recording, type Requests } from './support/traffic';

const SPANS_PER_SECOND = 50_000;
const SECONDS = 6;
const TARGET_EDGE_BYTES = 100;
/** The receiver's delta interval is 250 ms. */
const UPDATES_PER_SECOND = 4;

export interface DeltaFigures {
  name: string;
  nodes: number;
  edges: number;
  spanRate: number;
  updatesPerSecond: number;
  bytesPerSecond: number;
  changedPerUpdate: number;
  edgeBytes: number;
  wholeEdgeBytes: number;
  frameBytesPerChanged: number;
}

const jsonBytes = (v: unknown): number => Buffer.byteLength(JSON.stringify(v)) + 1;

/** Replays the deltas on the init graph and measures each changed edge as sent and as whole. */
function figures(name: string, r: Recording): DeltaFigures {
  const byKey = new Map<number, GraphEdge>();
  for (const e of r.graph.edges) if (e.key !== undefined) byKey.set(e.key, e);
  const final = structuredClone(r.graph);
  for (const { delta } of r.deltas) applyDelta(final, delta);
  let changed = 0;
  let edgeBytes = 0;
  let wholeBytes = 0;
  let frameBytes = 0;
  for (const { delta, bytes } of r.deltas) {
    frameBytes += bytes;
    for (const e of delta.edges) {
      changed++;
      edgeBytes += jsonBytes(e);
      wholeBytes += jsonBytes(e);
      if (e.key !== undefined) byKey.set(e.key, e as GraphEdge);
    }
    for (const row of delta.edgeStats ?? []) {
      changed++;
      edgeBytes += jsonBytes(row);
      const old = byKey.get(row[0]);
      const [, count, errors, p50Ms, p95Ms, p99Ms, lastSeen] = row;
      const whole = old ? { ...old, count, errors, p50Ms, p95Ms, p99Ms, lastSeen } : undefined;
      if (whole) byKey.set(row[0], whole);
      wholeBytes += whole ? jsonBytes(whole) : jsonBytes(row);
    }
  }
  const updates = Math.max(1, r.deltas.length);
  return {
    name,
    nodes: final.nodes.length,
    edges: final.edges.length,
    spanRate: r.spans / r.seconds,
    updatesPerSecond: r.deltas.length / r.seconds,
    bytesPerSecond: frameBytes / r.seconds,
    changedPerUpdate: changed / updates,
    edgeBytes: edgeBytes / Math.max(1, changed),
    wholeEdgeBytes: wholeBytes / Math.max(1, changed),
    frameBytesPerChanged: frameBytes / Math.max(1, changed),
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export async function deltaBytes(log: (line: string) => void = console.log): Promise<boolean> {
  const cases: [string, () => Promise<Requests>][] = [
    ['demo topology (its services\' own requests)', () => demoRequests(3, 25)],
    ['synthetic 300 services / 1,000 edges', () => Promise.resolve(syntheticRequests({ services: 300, databases: 40, queues: 30, edges: 1000 }))],
  ];
  let ok = true;
  log(`delta bytes on the map's event stream (real serve, ${fmt(SPANS_PER_SECOND)} spans/s wanted, ${SECONDS} s recorded after an 11 s warm-up):`);
  for (const [name, requests] of cases) {
    const f = figures(name, await recordServe(await requests(), { spansPerSecond: SPANS_PER_SECOND, seconds: SECONDS }));
    const met = f.edgeBytes <= TARGET_EDGE_BYTES;
    ok &&= met;
    log(`  ${f.name}: ${f.nodes} nodes, ${f.edges} edges; ${fmt(f.spanRate)} spans/s reached${f.spanRate < SPANS_PER_SECOND * 0.95 ? ' (below the wanted rate: the machine is loaded)' : ''}, ${f.updatesPerSecond.toFixed(1)} updates/s`);
    log(`    delta bytes/s            ${fmt(f.bytesPerSecond).padStart(9)} B/s`);
    log(`    changed edges per update ${fmt(f.changedPerUpdate).padStart(9)}`);
    log(`    bytes per changed edge   ${f.edgeBytes.toFixed(1).padStart(9)} B    target <= ${TARGET_EDGE_BYTES} B (${(f.edgeBytes / TARGET_EDGE_BYTES).toFixed(2)}x) ${met ? 'PASS' : 'FAIL'}   ${(f.edgeBytes / f.wholeEdgeBytes).toFixed(2)}x baseline (whole edges: ${f.wholeEdgeBytes.toFixed(1)} B)`);
    log(`    frame bytes per changed edge (nodes, stats and framing included) ${f.frameBytesPerChanged.toFixed(1)} B`);
    // At 50k spans/s every edge of both topologies gets spans between two updates (the request
    // set covers every edge within ~6k spans), so a full-rate update changes every edge.
    log(`    at the full rate (every edge changed in each of ${UPDATES_PER_SECOND} updates/s): ~${fmt(f.frameBytesPerChanged * f.edges * UPDATES_PER_SECOND)} B/s, from the frame bytes per changed edge above`);
  }
  return ok;
}
