// Synthetic graphs for the benchmark and webview tests of large or hand-made topologies.
import { emptyGraph, type Graph, type GraphEdge, type GraphNode, type NodeKind, type Relation } from '../../../common/src/graph';

export function node(id: string, kind: NodeKind, spanCount = 100, errorCount = 0, system?: string): GraphNode {
  const name = id.slice(id.indexOf(':') + 1);
  return { id, kind, name, system, spanCount, errorCount, firstSeen: 1_700_000_000_000, lastSeen: 1_700_000_060_000 };
}

export function edge(source: string, relation: Relation, target: string, count = 100, errors = 0, spanNames: string[] = []): GraphEdge {
  return { id: `${source}|${relation}|${target}`, source, target, relation, count, errors, p50Ms: 12, p95Ms: 48, p99Ms: 90, firstSeen: 1_700_000_000_000, lastSeen: 1_700_000_060_000, spanNames, scopes: ['bench'] };
}

/** n nodes (mostly services, some databases/queues/externals) and about 3n edges, deterministic. */
export function syntheticGraph(n: number, seed = 1): Graph {
  let s = seed;
  const rand = (): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const g = emptyGraph();
  const kinds: NodeKind[] = ['service', 'service', 'service', 'service', 'service', 'service', 'database', 'queue', 'external'];
  for (let i = 0; i < n; i++) {
    const kind = kinds[i % kinds.length];
    g.nodes.push(node(`${kind}:n${i}`, kind, Math.floor(rand() * 5000), Math.floor(rand() * 20)));
  }
  const services = g.nodes.filter((x) => x.kind === 'service');
  const seen = new Set<string>();
  for (let i = 0; g.edges.length < n * 3 && i < n * 10; i++) {
    const a = services[Math.floor(rand() * services.length)];
    // Mostly local links (like real topologies), some long-range.
    const j = rand() < 0.8 ? (g.nodes.indexOf(a) + 1 + Math.floor(rand() * 12)) % n : Math.floor(rand() * n);
    const b = g.nodes[j];
    if (a.id === b.id) continue;
    const relation: Relation = b.kind === 'database' ? (rand() < 0.5 ? 'reads' : 'writes') : b.kind === 'queue' ? 'publishes' : 'calls';
    const e = edge(a.id, relation, b.id, Math.floor(rand() * 1000) + 1, Math.floor(rand() * 5));
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    g.edges.push(e);
  }
  return g;
}
