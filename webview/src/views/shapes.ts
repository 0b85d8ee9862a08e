// Node outlines by kind, drawn into anything with the canvas path API (a canvas context for
// big graphs, d3.path() for SVG), so both renderers show the same recognisable shapes:
// service = circle, database = cylinder, queue = pipe with segments, external = hexagon.

import type { NodeKind } from '../../../common/src/graph';

export interface PathSink {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  quadraticCurveTo(cpx: number, cpy: number, x: number, y: number): void;
  arc(x: number, y: number, r: number, a0: number, a1: number): void;
  closePath(): void;
}

export function traceShape(p: PathSink, kind: NodeKind, x: number, y: number, r: number): void {
  switch (kind) {
    case 'service':
      p.moveTo(x + r, y);
      p.arc(x, y, r, 0, 2 * Math.PI);
      p.closePath();
      return;
    case 'database': {
      const w = r * 0.85;
      const h = r * 0.75;
      const e = r * 0.3;
      p.moveTo(x - w, y - h);
      p.quadraticCurveTo(x, y - h - 2 * e, x + w, y - h);
      p.lineTo(x + w, y + h);
      p.quadraticCurveTo(x, y + h + 2 * e, x - w, y + h);
      p.closePath();
      p.moveTo(x - w, y - h);
      p.quadraticCurveTo(x, y - h + 2 * e, x + w, y - h);
      return;
    }
    case 'queue': {
      const w = r * 1.3;
      const h = r * 0.7;
      p.moveTo(x - w + h, y - h);
      p.lineTo(x + w - h, y - h);
      p.arc(x + w - h, y, h, -Math.PI / 2, Math.PI / 2);
      p.lineTo(x - w + h, y + h);
      p.arc(x - w + h, y, h, Math.PI / 2, (3 * Math.PI) / 2);
      p.closePath();
      for (const dx of [-w / 3, w / 3]) {
        p.moveTo(x + dx, y - h);
        p.lineTo(x + dx, y + h);
      }
      return;
    }
    case 'external':
      for (let i = 0; i < 6; i++) {
        const a = (Math.PI / 3) * i;
        if (i === 0) p.moveTo(x + r * Math.cos(a), y + r * Math.sin(a));
        else p.lineTo(x + r * Math.cos(a), y + r * Math.sin(a));
      }
      p.closePath();
      return;
    default: {
      const never: never = kind;
      void never;
    }
  }
}

/** Half width and half height of traceShape's outline, for label placement and hit boxes. */
export function shapeExtent(kind: NodeKind, r: number): { halfWidth: number; halfHeight: number } {
  switch (kind) {
    case 'database':
      return { halfWidth: r * 0.85, halfHeight: r * 1.05 };
    case 'queue':
      return { halfWidth: r * 1.3, halfHeight: r * 0.7 };
    default:
      return { halfWidth: r, halfHeight: r };
  }
}
