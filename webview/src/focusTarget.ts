// What a host's `focus` message (from CodeLens, hover or a command) shows: a node, the edge
// or flow step that carries a span name, or else a search for the name; or a trace, opened.

import type { Graph } from '../../common/src/graph';
import type { FocusTarget } from '../../common/src/protocol';

export type FocusAction =
  | { kind: 'node'; id: string }
  | { kind: 'edge'; id: string; source: string }
  | { kind: 'step'; flow: string; step: string }
  | { kind: 'search'; name: string }
  | { kind: 'trace'; traceId: string };

export function resolveFocus(target: FocusTarget, graph: Graph): FocusAction {
  switch (target.kind) {
    case 'node':
      return { kind: 'node', id: target.id };
    case 'step':
      return { kind: 'step', flow: target.flow, step: target.step };
    case 'span': {
      const edge = graph.edges.find((e) => e.spanNames.includes(target.name));
      if (edge) return { kind: 'edge', id: edge.id, source: edge.source };
      for (const f of graph.flows) {
        const step = f.steps.find((s) => s.spanNames.includes(target.name));
        if (step) return { kind: 'step', flow: f.name, step: step.name };
      }
      return { kind: 'search', name: target.name };
    }
    case 'trace':
      return { kind: 'trace', traceId: target.traceId };
    default: {
      const never: never = target;
      return never;
    }
  }
}
