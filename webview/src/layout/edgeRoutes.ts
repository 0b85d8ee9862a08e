// Curves for the map's edges. Edges between the same two nodes (reads and writes, or A->B and
// B->A) each get a lane of their own, so they never draw on top of each other and each has
// room for its own label. Pure: both renderers, the label placer and the SVG export use it.

import type { Point } from './placement';

export interface RoutedEdge {
  id: string;
  source: string;
  target: string;
}

export interface EdgeRoute {
  start: Point;
  control: Point;
  end: Point;
  /** The curve's midpoint (t = 0.5). */
  mid: Point;
}

/** Distance between neighbouring lanes of one node pair, at the curve's middle. */
export const LANE_GAP = 34;
/** A lone edge still bends a little, so it reads as a curve and A->B / B->A stay apart. */
const LONE_BEND_MAX = 40;
const LONE_BEND_RATIO = 0.12;

/**
 * Signed bend per edge id, in the pair's canonical normal (the normal of the line from the
 * smaller node id to the larger), so opposite directions share one lane numbering.
 */
export function laneBends(edges: readonly RoutedEdge[]): Map<string, number> {
  const groups = new Map<string, RoutedEdge[]>();
  for (const e of edges) {
    if (e.source === e.target) continue;
    const key = e.source < e.target ? `${e.source}\u0000${e.target}` : `${e.target}\u0000${e.source}`;
    const group = groups.get(key);
    if (group) group.push(e);
    else groups.set(key, [e]);
  }
  const bends = new Map<string, number>();
  for (const group of groups.values()) {
    if (group.length === 1) continue; // a lone edge bends by its length (routeEdge)
    // Stable order: by id, so a lane does not change while its edges keep flowing.
    group.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const k = group.length;
    group.forEach((e, i) => {
      // Even counts leave the straight middle lane empty, so every edge is a visible curve.
      const lane = i - (k - 1) / 2;
      bends.set(e.id, lane * LANE_GAP * (k === 2 ? 1.2 : 1));
    });
  }
  return bends;
}

/** The quadratic curve of one edge, its ends trimmed to the node outlines (radii ra, rb). */
export function routeEdge(e: RoutedEdge, a: Point, b: Point, ra: number, rb: number, laneBend: number | undefined): EdgeRoute {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  let nx = -dy / len;
  let ny = dx / len;
  let bend: number;
  if (laneBend === undefined) {
    bend = Math.min(LONE_BEND_MAX, len * LONE_BEND_RATIO);
  } else {
    // Canonical normal: flip for the edge that runs from the larger id to the smaller.
    if (e.source > e.target) {
      nx = -nx;
      ny = -ny;
    }
    // A quadratic's middle lies half-way to its control point: double the bend to get the lane gap there.
    bend = laneBend * 2;
  }
  const control = { x: (a.x + b.x) / 2 + nx * bend, y: (a.y + b.y) / 2 + ny * bend };
  const start = toward(a, control, ra + 2);
  const end = toward(b, control, rb + 4);
  return { start, control, end, mid: pointAt({ start, control, end }, 0.5) };
}

/** A point of the curve at parameter t in [0, 1]. */
export function pointAt(r: Pick<EdgeRoute, 'start' | 'control' | 'end'>, t: number): Point {
  const u = 1 - t;
  return {
    x: u * u * r.start.x + 2 * u * t * r.control.x + t * t * r.end.x,
    y: u * u * r.start.y + 2 * u * t * r.control.y + t * t * r.end.y,
  };
}

/** The SVG path data of a route (one decimal: enough at any zoom the map allows). */
export function routePath(r: EdgeRoute): string {
  const f = (v: number): string => v.toFixed(1);
  return `M${f(r.start.x)},${f(r.start.y)}Q${f(r.control.x)},${f(r.control.y)} ${f(r.end.x)},${f(r.end.y)}`;
}

function toward(from: Point, to: Point, d: number): Point {
  const l = Math.hypot(to.x - from.x, to.y - from.y) || 1;
  return { x: from.x + ((to.x - from.x) / l) * d, y: from.y + ((to.y - from.y) / l) * d };
}
