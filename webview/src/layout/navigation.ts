// Arrow-key navigation between nodes: the nearest node in the pressed direction. Pure.

import type { Point } from './placement';

export type Direction = 'left' | 'right' | 'up' | 'down';

const VECTORS: Record<Direction, Point> = { left: { x: -1, y: 0 }, right: { x: 1, y: 0 }, up: { x: 0, y: -1 }, down: { x: 0, y: 1 } };

export function nearestInDirection(fromId: string, positions: ReadonlyMap<string, Point>, direction: Direction): string | null {
  const from = positions.get(fromId);
  if (!from) return null;
  const v = VECTORS[direction];
  let best: string | null = null;
  let bestScore = Infinity;
  for (const [id, p] of positions) {
    if (id === fromId) continue;
    const dx = p.x - from.x;
    const dy = p.y - from.y;
    const along = dx * v.x + dy * v.y;
    if (along <= 0) continue;
    const across = Math.abs(dx * v.y - dy * v.x);
    // Prefer nodes straight ahead: sideways distance counts double.
    const score = along + 2 * across;
    if (score < bestScore) {
      bestScore = score;
      best = id;
    }
  }
  return best;
}

export function directionOfKey(key: string): Direction | null {
  switch (key) {
    case 'ArrowLeft':
      return 'left';
    case 'ArrowRight':
      return 'right';
    case 'ArrowUp':
      return 'up';
    case 'ArrowDown':
      return 'down';
    default:
      return null;
  }
}
