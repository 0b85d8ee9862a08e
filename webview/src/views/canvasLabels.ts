// The canvas renderer's text: node labels (name, then the system line) and edge labels
// (relation, rate, errors, p95), only from a readable zoom and only for what is in view, placed
// by the same greedy placer as the SVG renderer (sceneLabels.ts) so that no text covers other
// text or a node: node labels first, then edge labels where they still fit, busiest first, the
// selection and its edges before everything else.

import type { Box, LabelPlacement } from '../layout/labels';
import type { Point } from '../layout/placement';
import { edgeSegment, straightRoute, type Placed } from './canvasGeometry';
import type { Palette } from './canvasParts';
import { sceneEdgeLabel, systemLine, type MapSelection, type SceneEdge, type SceneNode, type ZoomState } from './scene';
import type { EdgeRoute } from '../layout/edgeRoutes';
import { EDGE_LABEL_PX, NODE_LABEL_PX, NODE_SYSTEM_PX, placeSceneLabels, shapeBox, type LabelTarget } from './sceneLabels';

type EdgeTarget = { item: SceneEdge; route: EdgeRoute; selected: boolean };

/**
 * Idle items' text: dimmed like their shapes, but less (thin grey text at the shapes' 0.45 could
 * not be read on a busy canvas).
 */
const IDLE_TEXT_ALPHA = 0.7;

/** Zoom level from which labels are drawn: below it, 12 px text would be under 10 px on screen. */
export const LABEL_ZOOM = 0.8;

/** The part of the graph on screen (graph coordinates). */
export function viewBox(t: ZoomState, width: number, height: number): Box {
  return { x0: -t.x / t.k, y0: -t.y / t.k, x1: (width - t.x) / t.k, y1: (height - t.y) / t.k };
}

/** Boxes all around the view: a label cut by the edge of the canvas cannot be read, so none is placed there. */
function frame(v: Box): Box[] {
  // Bands, not half-planes: the placer's grid indexes a box by every cell it covers. Candidates
  // lie within a label's size of their item, which is at most 40 units outside the view.
  const band = 1000;
  return [
    { x0: v.x0 - band, y0: v.y0 - band, x1: v.x1 + band, y1: v.y0 },
    { x0: v.x0 - band, y0: v.y1, x1: v.x1 + band, y1: v.y1 + band },
    { x0: v.x0 - band, y0: v.y0, x1: v.x0, y1: v.y1 },
    { x0: v.x1, y0: v.y0, x1: v.x1 + band, y1: v.y1 },
  ];
}

const grow = (b: Box, by: number): Box => ({ x0: b.x0 - by, y0: b.y0 - by, x1: b.x1 + by, y1: b.y1 + by });

const inside = (p: Point, b: Box): boolean => p.x >= b.x0 && p.x <= b.x1 && p.y >= b.y0 && p.y <= b.y1;

/**
 * Every label of the items in view, wholly inside it, none covering other text. The selection
 * (a node with its edges, or an edge) is placed first and may cover other nodes' shapes: in a
 * dense view nothing would fit beside it. Then the other node labels, busiest first, which may
 * cover other nodes' shapes too (nodes of a thousand-node map sit closer than a name is wide),
 * then edge labels where they cover no text and no node.
 */
export function placeCanvasLabels(nodes: readonly SceneNode[], edges: readonly SceneEdge[], at: Placed, visible: Box, selection: MapSelection | null): LabelPlacement {
  const selectedNode = selection?.kind === 'node' ? selection.id : null;
  // Items just outside can still have a label inside.
  const view = grow(visible, 40);
  const first: { nodes: LabelTarget<SceneNode>[]; edges: EdgeTarget[] } = { nodes: [], edges: [] };
  const rest: { nodes: LabelTarget<SceneNode>[]; edges: EdgeTarget[] } = { nodes: [], edges: [] };
  for (const n of nodes) {
    const p = at.positions.get(n.node.id);
    if (p && inside(p, view)) (n.node.id === selectedNode ? first : rest).nodes.push({ item: n, at: p, selected: n.node.id === selectedNode });
  }
  for (const e of edges) {
    const s = edgeSegment(e, at);
    const route = s && straightRoute(s);
    // Only edges whose middle is in view: a label placed off screen would help no one.
    if (!route || !inside(route.mid, view)) continue;
    const selected = (selection?.kind === 'edge' && selection.id === e.edge.id) || e.edge.source === selectedNode || e.edge.target === selectedNode;
    (selected ? first : rest).edges.push({ item: e, route, selected });
  }
  const framed = frame(visible);
  const placedFirst = placeSceneLabels(first.nodes, first.edges, framed);
  const obstacles = [...framed, ...placedFirst.nodes.values(), ...placedFirst.edges.values(), ...first.nodes.map((n) => shapeBox(n.item, n.at))];
  const placed = placeSceneLabels(rest.nodes, rest.edges, obstacles, { nodeLabelsOverShapes: true });
  return { nodes: new Map([...placedFirst.nodes, ...placed.nodes]), edges: new Map([...placedFirst.edges, ...placed.edges]) };
}

/** Labels of nodes that arrived since the full drawing, clear of everything already drawn. */
export function placeArrivedLabels(arrived: readonly SceneNode[], all: readonly SceneNode[], at: Placed, taken: readonly Box[], visible: Box): Map<string, Box> {
  const obstacles = [...taken, ...frame(visible)];
  for (const n of all) {
    const p = at.positions.get(n.node.id);
    if (p) obstacles.push(shapeBox(n, p));
  }
  const targets = arrived.flatMap((n) => {
    const p = at.positions.get(n.node.id);
    return p ? [{ item: n, at: p, selected: false }] : [];
  });
  return placeSceneLabels(targets, [], obstacles).nodes;
}

/** Text with a halo of the background colour, as style.css's paint-order stroke does. */
function haloText(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, background: string): void {
  ctx.strokeStyle = background;
  ctx.lineWidth = 3;
  ctx.lineJoin = 'round';
  ctx.strokeText(text, x, y);
  ctx.fillText(text, x, y);
}

export function drawNodeLabels(ctx: CanvasRenderingContext2D, nodes: readonly SceneNode[], boxes: ReadonlyMap<string, Box>, palette: Palette, font: string): void {
  ctx.textAlign = 'center';
  for (const n of nodes) {
    const box = boxes.get(n.node.id);
    if (!box) continue;
    const x = (box.x0 + box.x1) / 2;
    ctx.globalAlpha = n.idle ? IDLE_TEXT_ALPHA : 1;
    ctx.font = `${NODE_LABEL_PX}px ${font}`;
    ctx.fillStyle = palette.foreground;
    haloText(ctx, n.label, x, box.y0 + 11, palette.background);
    const system = systemLine(n.node);
    if (system) {
      ctx.font = `${NODE_SYSTEM_PX}px ${font}`;
      ctx.fillStyle = palette.muted;
      ctx.fillText(system, x, box.y0 + 23);
    }
  }
  ctx.globalAlpha = 1;
}

export function drawEdgeLabels(ctx: CanvasRenderingContext2D, edges: readonly SceneEdge[], boxes: ReadonlyMap<string, Box>, palette: Palette, font: string): void {
  ctx.textAlign = 'center';
  for (const e of edges) {
    const box = boxes.get(e.edge.id);
    if (!box) continue;
    const failing = e.health !== 'ok';
    ctx.globalAlpha = e.idle ? IDLE_TEXT_ALPHA : 1;
    // As .edge.health-bad .edge-label: failures in the error colour, bold.
    ctx.font = `${failing ? '600 ' : ''}${EDGE_LABEL_PX}px ${font}`;
    ctx.fillStyle = failing ? palette.health.bad : palette.muted;
    haloText(ctx, sceneEdgeLabel(e), (box.x0 + box.x1) / 2, box.y1 - 3, palette.background);
  }
  ctx.globalAlpha = 1;
}
