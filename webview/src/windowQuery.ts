// The graph of a recent time window (the toolbar's Window select), asked of the host: again
// soon after live deltas (throttled), and now and then without traffic so old edges drop out.

import type { Graph } from '../../common/src/graph';
import type { Host } from './host';
import { normaliseGraph } from './model';

/** While a time window is chosen, live deltas ask for the windowed graph at most this often… */
const WINDOW_REFRESH_MS = 1000;
/** …and without traffic it is asked again this often (at most), so rates fall and items go idle within the window. */
const WINDOW_AGE_MS = 5_000;

export class WindowQuery {
  /** The answered graph of `windowMs` (null: none yet, show the all-time model). */
  graph: Graph | null = null;
  private windowMs: number | null = null;
  private paused = false;
  private request = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private due = 0;

  constructor(private readonly host: Host, private readonly changed: () => void) {}

  set(windowMs: number | null, paused: boolean): void {
    if (windowMs !== this.windowMs) this.graph = null;
    this.windowMs = windowMs;
    this.paused = paused;
  }

  ask(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.windowMs === null) return;
    this.host.send({ type: 'requestWindow', requestId: ++this.request, windowMs: this.windowMs });
  }

  /** What the views show: the window's graph once answered, else the live model. */
  shown(live: Graph): Graph {
    const w = this.windowMs !== null ? this.graph : null;
    if (!w) return live;
    // Items that arrived live since the window was answered show at once (with their live numbers
    // until the next answer, which follows within a second).
    if (w.nodes.length >= live.nodes.length && w.edges.length >= live.edges.length) return w;
    const nodeIds = new Set(w.nodes.map((n) => n.id));
    const edgeIds = new Set(w.edges.map((e) => e.id));
    const nodes = live.nodes.filter((n) => !nodeIds.has(n.id));
    const edges = live.edges.filter((e) => !edgeIds.has(e.id));
    return nodes.length || edges.length ? { ...w, nodes: [...w.nodes, ...nodes], edges: [...w.edges, ...edges] } : w;
  }

  /** A live delta arrived: the window's numbers changed. */
  onDelta(): void {
    this.schedule(WINDOW_REFRESH_MS);
  }

  answered(requestId: number, windowMs: number | null, graph: Graph): void {
    if (requestId !== this.request || windowMs !== this.windowMs) return;
    this.graph = normaliseGraph(graph);
    this.changed();
    this.schedule(Math.min(WINDOW_AGE_MS, Math.max(1000, (this.windowMs ?? 60_000) / 6)));
  }

  /** Asks again after `delayMs`, unless a request is already due sooner (none while paused). */
  private schedule(delayMs: number): void {
    if (this.windowMs === null || this.paused) return;
    const due = Date.now() + delayMs;
    if (this.timer && this.due <= due) return;
    clearTimeout(this.timer);
    this.due = due;
    this.timer = setTimeout(() => this.ask(), delayMs);
  }
}
