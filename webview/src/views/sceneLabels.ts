// The scene's labels as boxes for the label placer: text measured in the map's fonts, shapes
// by kind, priorities (selection first, then traffic). Shared by the SVG and canvas renderers.

import type { EdgeRoute } from '../layout/edgeRoutes';
import { placeLabels, type Box, type LabelPlacement, type PlaceOptions } from '../layout/labels';
import type { Point } from '../layout/placement';
import { sceneEdgeLabel, systemLine, type SceneEdge, type SceneNode } from './scene';
import { shapeExtent } from './shapes';
import { textWidth } from './textMetrics';

/** Font sizes of style.css's .node-label, .node-system and .edge-label. */
export const NODE_LABEL_PX = 12;
export const NODE_SYSTEM_PX = 10;
export const EDGE_LABEL_PX = 10;
/** Room for the text's halo (paint-order stroke) on each side. */
const HALO = 2;

export interface LabelTarget<T> {
  item: T;
  at: Point;
  selected: boolean;
}

/** The box a node's shape covers, so labels placed later keep clear of it. */
export function shapeBox(d: SceneNode, at: Point): Box {
  const { halfWidth, halfHeight } = shapeExtent(d.node.kind, d.radius);
  return { x0: at.x - halfWidth, y0: at.y - halfHeight, x1: at.x + halfWidth, y1: at.y + halfHeight };
}

export function placeSceneLabels(nodes: readonly LabelTarget<SceneNode>[], edges: ReadonlyArray<{ item: SceneEdge; route: EdgeRoute; selected: boolean }>, obstacles: readonly Box[] = [], options: PlaceOptions = {}): LabelPlacement {
  return placeLabels(
    nodes.map(({ item: d, at, selected }) => {
      const system = systemLine(d.node);
      const width = Math.max(textWidth(d.label, NODE_LABEL_PX), system ? textWidth(system, NODE_SYSTEM_PX) : 0) + 2 * HALO;
      return { id: d.node.id, at, ...shapeExtent(d.node.kind, d.radius), width, height: system ? 26 : 15, priority: selected ? Infinity : d.node.spanCount };
    }),
    edges.map(({ item: d, route, selected }) => ({
      id: d.edge.id,
      route,
      width: textWidth(sceneEdgeLabel(d), EDGE_LABEL_PX) + 2 * HALO,
      height: 13,
      priority: selected ? Infinity : d.edge.count,
    })),
    obstacles,
    options,
  );
}
