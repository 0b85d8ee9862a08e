// Pieces of the canvas renderer that hold no state: the theme palette, batched paths, arrow
// heads and the closePath workaround.

import type { Health } from '../format';
import type { Point } from '../layout/placement';
import { RELATIONS } from '../uiState';
import type { ZoomState } from './scene';
import type { PathSink } from './shapes';

export interface Palette {
  background: string;
  foreground: string;
  /** Secondary text: edge labels and a node's system line (style.css --muted). */
  muted: string;
  selected: string;
  health: Record<Health, string>;
  /** Stroke per relation, and per comparison change ('added', 'removed'), which wins over it. */
  relation: Record<string, string>;
  fresh: string;
}

export const sameZoom = (a: ZoomState, b: ZoomState): boolean => a.x === b.x && a.y === b.y && a.k === b.k;

export function pathFor<K>(paths: Map<K, Path2D>, key: K): Path2D {
  let p = paths.get(key);
  if (!p) paths.set(key, (p = new Path2D()));
  return p;
}

/** Filled, so left open: fill() closes every subpath itself. */
export function arrowHead(p: Path2D, from: Point, tip: Point, size: number): void {
  const a = Math.atan2(tip.y - from.y, tip.x - from.x);
  p.moveTo(tip.x, tip.y);
  p.lineTo(tip.x - size * Math.cos(a - 0.4), tip.y - size * Math.sin(a - 0.4));
  p.lineTo(tip.x - size * Math.cos(a + 0.4), tip.y - size * Math.sin(a + 0.4));
}

/**
 * Chromium's closePath() costs time proportional to the path built so far, which makes one
 * batched path of thousands of shapes quadratic: close each outline with a line back to its start.
 */
export function withoutClosePath(p: Path2D): PathSink {
  let x0 = 0;
  let y0 = 0;
  return {
    moveTo: (x, y) => {
      x0 = x;
      y0 = y;
      p.moveTo(x, y);
    },
    lineTo: (x, y) => p.lineTo(x, y),
    quadraticCurveTo: (cx, cy, x, y) => p.quadraticCurveTo(cx, cy, x, y),
    arc: (x, y, r, a0, a1) => p.arc(x, y, r, a0, a1),
    closePath: () => p.lineTo(x0, y0),
  };
}

/** Canvas cannot use CSS variables directly: resolve the theme's colours once per scene. */
export function readPalette(el: Element): Palette {
  const style = getComputedStyle(el.isConnected ? el : document.body);
  const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const relation: Record<string, string> = {};
  for (const r of RELATIONS) relation[r] = v(`--rel-${r}`, '#888');
  relation.added = v('--added', '#2e9d5b');
  relation.removed = v('--removed', '#888');
  // Edges with failures are drawn in the error colour, whatever their relation.
  relation.error = v('--bad', '#d23c3c');
  return {
    background: v('--map-bg', '#fff'),
    foreground: v('--fg', '#222'),
    muted: v('--muted', '#656d76'),
    selected: v('--accent', '#0a64d8'),
    fresh: v('--fresh', '#f5b400'),
    health: { ok: v('--ok', '#2e9d5b'), warn: v('--warn', '#d49a00'), bad: v('--bad', '#d23c3c') },
    relation,
  };
}
