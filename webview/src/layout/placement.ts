// Stable positions for the service map: nodes keep the position they had; a new node starts
// next to its already-placed neighbours (or on a spiral outside the current drawing when it
// has none), so live updates never reshuffle what the user is looking at. Pure.

export interface Point {
  x: number;
  y: number;
}

export interface Link {
  source: string;
  target: string;
}

const NEIGHBOUR_GAP = 60;
const SPIRAL_STEP = 55;

export function placeNodes(ids: readonly string[], links: readonly Link[], previous: ReadonlyMap<string, Point>): Map<string, Point> {
  const placed = new Map<string, Point>();
  for (const id of ids) {
    const p = previous.get(id);
    if (p) placed.set(id, { x: p.x, y: p.y });
  }
  const pending = ids.filter((id) => !placed.has(id));
  if (pending.length === 0) return placed;

  const neighbours = adjacency(links);
  const spiral = spiralFrom(placed);
  const queue: string[] = [];
  const queued = new Set<string>();
  // Breadth-first from what is already placed, so chains of new nodes grow outward from it.
  for (const id of pending) {
    if ((neighbours.get(id) ?? []).some((n) => placed.has(n))) {
      queue.push(id);
      queued.add(id);
    }
  }
  let next = 0;
  const pendingSet = new Set(pending);
  for (let i = 0; placed.size < ids.length || next < queue.length; ) {
    if (next >= queue.length) {
      // A component with nothing placed yet: start it on the spiral.
      while (i < pending.length && (placed.has(pending[i]) || queued.has(pending[i]))) i++;
      if (i >= pending.length) break;
      queue.push(pending[i]);
      queued.add(pending[i]);
    }
    const id = queue[next++];
    if (placed.has(id)) continue;
    const anchors = (neighbours.get(id) ?? []).map((n) => placed.get(n)).filter((p): p is Point => p !== undefined);
    placed.set(id, anchors.length ? nearby(anchors, id) : spiral());
    for (const n of neighbours.get(id) ?? []) {
      if (pendingSet.has(n) && !queued.has(n)) {
        queue.push(n);
        queued.add(n);
      }
    }
  }
  return placed;
}

function adjacency(links: readonly Link[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (a: string, b: string): void => {
    const list = out.get(a);
    if (list) list.push(b);
    else out.set(a, [b]);
  };
  for (const l of links) {
    if (l.source === l.target) continue;
    add(l.source, l.target);
    add(l.target, l.source);
  }
  return out;
}

/** Centroid of the anchors, pushed out in a direction derived from the id (deterministic). */
function nearby(anchors: Point[], id: string): Point {
  const cx = anchors.reduce((s, p) => s + p.x, 0) / anchors.length;
  const cy = anchors.reduce((s, p) => s + p.y, 0) / anchors.length;
  const angle = (hash(id) % 360) * (Math.PI / 180);
  return { x: cx + NEIGHBOUR_GAP * Math.cos(angle), y: cy + NEIGHBOUR_GAP * Math.sin(angle) };
}

/** A generator of points on a sunflower spiral starting outside the placed nodes. */
function spiralFrom(placed: ReadonlyMap<string, Point>): () => Point {
  let cx = 0;
  let cy = 0;
  let radius = 0;
  if (placed.size) {
    for (const p of placed.values()) {
      cx += p.x;
      cy += p.y;
    }
    cx /= placed.size;
    cy /= placed.size;
    for (const p of placed.values()) radius = Math.max(radius, Math.hypot(p.x - cx, p.y - cy));
  }
  // Skip the spiral's inner turns that fall inside the current drawing.
  let k = placed.size ? Math.ceil(((radius + SPIRAL_STEP) / SPIRAL_STEP) ** 2) : 0;
  const golden = Math.PI * (3 - Math.sqrt(5));
  return () => {
    const r = SPIRAL_STEP * Math.sqrt(k + 0.5);
    const a = k * golden;
    k++;
    return { x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) };
  };
}

export function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}
