// What the canvas picture on screen shows, and which live changes can be drawn over it instead
// of redrawing everything (a full redraw of thousands of nodes costs tens of milliseconds).

import type { NodeKind } from '../../../common/src/graph';
import type { Health } from '../format';
import type { Point } from '../layout/placement';
import { sceneEdgeLabel, type SceneEdge, type SceneNode } from './scene';

export interface DrawnNode {
  x: number;
  y: number;
  kind: NodeKind;
  radius: number;
  health: Health;
  fresh: boolean;
  idle: boolean;
  label: string;
  /** The radius the labels on screen were placed around. */
  placedRadius: number;
}

/**
 * How far a node may grow past the radius its label was placed around and still be drawn over:
 * less than the placer's gap between a shape and its label (3 px), so the label stays clear.
 */
const GROWTH_SLACK = 1.5;

/** Beyond this many changed nodes, a full redraw costs about the same as drawing over. */
const MAX_DRAWN_OVER = 200;

/** An edge restyled by Compare, or gone idle or busy again, counts as a different drawing: a full redraw. */
export const drawnKey = (e: SceneEdge): string => `${e.edge.id}${e.change ? `\u0000${e.change}` : ''}${e.idle ? '\u0000idle' : ''}`;

export function drawnNode(n: SceneNode, p: Point, placedRadius = n.radius): DrawnNode {
  return { x: p.x, y: p.y, kind: n.node.kind, radius: n.radius, health: n.health, fresh: n.fresh, idle: n.idle === true, label: n.label, placedRadius };
}

export interface Drawn {
  nodes: ReadonlyMap<string, DrawnNode>;
  edges: ReadonlySet<string>;
  /** The text of each edge label on screen. */
  edgeLabels: ReadonlyMap<string, string>;
  /** Whether labels are on screen (zoomed in enough). */
  labels: boolean;
}

/**
 * What a live update changed, when it can be drawn over the picture on screen: new edges,
 * new nodes, nodes that changed colour, grew (a little, with labels shown) or turned fresh.
 * Null when something moved, shrank, disappeared, stopped being fresh, went idle or busy, or
 * when a label's text changed (new text over old would be unreadable): those need a full redraw.
 */
export function changesSinceDrawn(nodes: readonly SceneNode[], edges: readonly SceneEdge[], positions: ReadonlyMap<string, Point>, drawn: Drawn): { nodes: SceneNode[]; edges: SceneEdge[] } | null {
  const changed: SceneNode[] = [];
  let kept = 0;
  for (const n of nodes) {
    const p = positions.get(n.node.id);
    const d = drawn.nodes.get(n.node.id);
    if (!d) {
      if (p) changed.push(n);
      continue;
    }
    kept++;
    if (!p || p.x !== d.x || p.y !== d.y || n.node.kind !== d.kind || n.radius < d.radius || (d.fresh && !n.fresh) || d.idle !== (n.idle === true)) return null;
    if (drawn.labels && d.label !== n.label) return null;
    if (n.radius === d.radius && n.health === d.health && n.fresh === d.fresh) continue;
    // A node grown past the slack needs its label placed again: a full redraw.
    if (drawn.labels && n.radius - d.placedRadius > GROWTH_SLACK) return null;
    changed.push(n);
  }
  if (kept !== drawn.nodes.size || changed.length > MAX_DRAWN_OVER) return null;
  const added = edges.filter((e) => !drawn.edges.has(drawnKey(e)));
  if (edges.length - added.length !== drawn.edges.size) return null;
  if (drawn.edgeLabels.size) {
    for (const e of edges) {
      const text = drawn.edgeLabels.get(e.edge.id);
      if (text !== undefined && text !== sceneEdgeLabel(e)) return null;
    }
  }
  return { nodes: changed, edges: added };
}
