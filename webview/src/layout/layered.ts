// Left-to-right layered layout for a flow's step graph (Sugiyama-style, small graphs). Pure.
// Layers: longest path from the sources after dropping back edges (cycles are common:
// retries, loops). Order inside a layer: barycentre of the previous layer, two sweeps.

export interface Transition {
  from: string;
  to: string;
}

export interface LayeredLayout {
  /** Steps by layer, each layer in vertical order. */
  layers: string[][];
  layerOf: Map<string, number>;
  /** Transitions that close a cycle (drawn as back edges). */
  backEdges: Set<string>;
}

export const transitionKey = (t: Transition): string => `${t.from}\u0000${t.to}`;

export function layeredLayout(steps: readonly string[], transitions: readonly Transition[]): LayeredLayout {
  const known = new Set(steps);
  const edges = transitions.filter((t) => known.has(t.from) && known.has(t.to) && t.from !== t.to);
  const out = new Map<string, string[]>(steps.map((s) => [s, []]));
  const incoming = new Map<string, number>(steps.map((s) => [s, 0]));
  for (const t of edges) {
    out.get(t.from)!.push(t.to);
    incoming.set(t.to, incoming.get(t.to)! + 1);
  }
  const backEdges = findBackEdges(steps, out, incoming);
  const forward = edges.filter((t) => !backEdges.has(transitionKey(t)));

  const layerOf = longestPathLayers(steps, forward);
  const layerCount = Math.max(0, ...layerOf.values()) + 1;
  const layers: string[][] = Array.from({ length: steps.length ? layerCount : 0 }, () => []);
  for (const s of steps) layers[layerOf.get(s)!].push(s);
  orderByBarycentre(layers, forward);
  return { layers, layerOf, backEdges };
}

function findBackEdges(steps: readonly string[], out: Map<string, string[]>, incoming: Map<string, number>): Set<string> {
  const state = new Map<string, 'open' | 'done'>();
  const back = new Set<string>();
  // Visit sources first so the natural start of the flow becomes layer 0.
  const roots = [...steps.filter((s) => incoming.get(s) === 0), ...steps];
  for (const root of roots) {
    if (state.has(root)) continue;
    const stack: Array<{ id: string; i: number }> = [{ id: root, i: 0 }];
    state.set(root, 'open');
    while (stack.length) {
      const top = stack[stack.length - 1];
      const next = out.get(top.id)![top.i++];
      if (next === undefined) {
        state.set(top.id, 'done');
        stack.pop();
      } else if (state.get(next) === 'open') {
        back.add(transitionKey({ from: top.id, to: next }));
      } else if (!state.has(next)) {
        state.set(next, 'open');
        stack.push({ id: next, i: 0 });
      }
    }
  }
  return back;
}

function longestPathLayers(steps: readonly string[], edges: readonly Transition[]): Map<string, number> {
  const indeg = new Map<string, number>(steps.map((s) => [s, 0]));
  const out = new Map<string, string[]>(steps.map((s) => [s, []]));
  for (const t of edges) {
    out.get(t.from)!.push(t.to);
    indeg.set(t.to, indeg.get(t.to)! + 1);
  }
  const layer = new Map<string, number>(steps.map((s) => [s, 0]));
  const queue = steps.filter((s) => indeg.get(s) === 0);
  for (let i = 0; i < queue.length; i++) {
    const s = queue[i];
    for (const n of out.get(s)!) {
      layer.set(n, Math.max(layer.get(n)!, layer.get(s)! + 1));
      indeg.set(n, indeg.get(n)! - 1);
      if (indeg.get(n) === 0) queue.push(n);
    }
  }
  return layer;
}

function orderByBarycentre(layers: string[][], edges: readonly Transition[]): void {
  const preds = new Map<string, string[]>();
  const succs = new Map<string, string[]>();
  for (const t of edges) {
    (preds.get(t.to) ?? preds.set(t.to, []).get(t.to)!).push(t.from);
    (succs.get(t.from) ?? succs.set(t.from, []).get(t.from)!).push(t.to);
  }
  const sweep = (from: number, to: number, step: number, neighbours: Map<string, string[]>): void => {
    for (let l = from; l !== to; l += step) {
      const ref = new Map(layers[l - step].map((s, i) => [s, i] as const));
      const score = (s: string, fallback: number): number => {
        const idx = (neighbours.get(s) ?? []).map((n) => ref.get(n)).filter((i): i is number => i !== undefined);
        return idx.length ? idx.reduce((a, b) => a + b, 0) / idx.length : fallback;
      };
      const scored = layers[l].map((s, i) => ({ s, key: score(s, i) }));
      scored.sort((a, b) => a.key - b.key);
      layers[l] = scored.map((x) => x.s);
    }
  };
  if (layers.length < 2) return;
  sweep(1, layers.length, 1, preds);
  sweep(layers.length - 2, -1, -1, succs);
}
