// Incremental force layout for the service map. The simulation never runs to completion
// synchronously: the map view calls step() once per animation frame with a time budget,
// so a 3,000-node graph stays interactive while it settles. New nodes start next to their
// neighbours (placement.ts) and reheat only gently; existing nodes keep their positions.

import { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY, type Simulation, type SimulationLinkDatum, type SimulationNodeDatum } from 'd3';
import { placeNodes, type Link, type Point } from './placement';

export interface LayoutNode extends SimulationNodeDatum {
  id: string;
  radius: number;
}

type LayoutLink = SimulationLinkDatum<LayoutNode>;

const REHEAT_ALPHA = 0.12;
/** Above this size, arrivals are only placed next to their neighbours: no reheat, no motion. */
const REHEAT_LIMIT = 400;
/**
 * A settled map that gains at most one node per this many keeps its nodes pinned while the
 * newcomers settle: nothing the user is looking at moves, and each frame redraws only them.
 */
const LOCAL_SETTLE_RATIO = 10;

export class ForceLayout {
  private readonly sim: Simulation<LayoutNode, LayoutLink>;
  private nodes = new Map<string, LayoutNode>();
  private linkKeys = new Set<string>();
  private simLinks: LayoutLink[] = [];
  /** True while the nodes placed before the last arrivals are held still. */
  private pinned = false;
  /** True when nodes or links changed since the simulation last saw them. */
  private simStale = false;

  constructor() {
    this.sim = forceSimulation<LayoutNode, LayoutLink>()
      .stop()
      .alphaDecay(0.03)
      .force('charge', forceManyBody<LayoutNode>().strength(-160).distanceMax(500).theta(0.9))
      .force('link', forceLink<LayoutNode, LayoutLink>().id((n) => n.id).distance(90).strength(0.4))
      .force('collide', forceCollide<LayoutNode>((n) => n.radius + 14).iterations(1))
      .force('x', forceX<LayoutNode>(0).strength(0.03))
      .force('y', forceY<LayoutNode>(0).strength(0.03));
  }

  /** Replaces the node and link set; returns true when nodes were added (the view reheats). */
  update(items: ReadonlyArray<{ id: string; radius: number }>, links: readonly Link[]): boolean {
    if (this.sameTopology(items, links)) {
      // Live updates mostly change numbers: keep the simulation as it is.
      for (const item of items) this.nodes.get(item.id)!.radius = item.radius;
      return false;
    }
    this.linkKeys = new Set(links.map(linkKey));
    const previous = new Map<string, Point>();
    for (const [id, n] of this.nodes) previous.set(id, { x: n.x ?? 0, y: n.y ?? 0 });
    const firstLayout = this.nodes.size === 0;
    // Still settling the last newcomers with the rest pinned counts as settled: services that
    // join one after another (a deploy, a live feed) keep the map still, not only the first.
    const wasSettled = !this.moving || this.pinned;
    this.unpin();
    const positions = placeNodes(items.map((i) => i.id), links, previous);
    const next = new Map<string, LayoutNode>();
    const arrivals = new Set<string>();
    for (const item of items) {
      const existing = this.nodes.get(item.id);
      if (existing) {
        existing.radius = item.radius;
        next.set(item.id, existing);
      } else {
        const p = positions.get(item.id)!;
        next.set(item.id, { id: item.id, radius: item.radius, x: p.x, y: p.y });
        arrivals.add(item.id);
      }
    }
    this.nodes = next;
    const added = arrivals.size;
    if (added > 0 && !firstLayout && wasSettled && added * LOCAL_SETTLE_RATIO <= next.size) this.pin(arrivals);
    this.simLinks = links.filter((l) => next.has(l.source) && next.has(l.target) && l.source !== l.target).map((l) => ({ source: l.source, target: l.target }));
    if (added > 0 && firstLayout) this.sim.alpha(1);
    else if (added > 0 && next.size <= REHEAT_LIMIT) this.sim.alpha(Math.max(this.sim.alpha(), REHEAT_ALPHA));
    // Re-initialising the forces costs O(edges): done only when the simulation next runs.
    this.simStale = true;
    if (this.moving) this.syncSimulation();
    return added > 0;
  }

  private syncSimulation(): void {
    if (!this.simStale) return;
    this.simStale = false;
    const size = this.nodes.size;
    this.sim.nodes([...this.nodes.values()]);
    this.sim.force<ReturnType<typeof forceLink<LayoutNode, LayoutLink>>>('link')!.links(this.simLinks);
    // Large graphs settle faster (fewer frames of motion); small ones get a smoother settle.
    this.sim.alphaDecay(size > 1000 ? 0.07 : size > 300 ? 0.05 : 0.03);
    // Small maps get room for their edge labels; big ones stay compact.
    const roomy = size <= 60;
    // (An edge label is about 150 px wide: links of small maps are long enough to hold one.)
    this.sim.force<ReturnType<typeof forceLink<LayoutNode, LayoutLink>>>('link')!.distance(roomy ? 170 : 90);
    this.sim.force<ReturnType<typeof forceManyBody<LayoutNode>>>('charge')!.strength(roomy ? -520 : -160);
    // …and room around each node for its label.
    this.sim.force<ReturnType<typeof forceCollide<LayoutNode>>>('collide')!.radius((n) => n.radius + (roomy ? 34 : 14));
  }

  private sameTopology(items: ReadonlyArray<{ id: string }>, links: readonly Link[]): boolean {
    if (items.length !== this.nodes.size || links.length !== this.linkKeys.size) return false;
    return items.every((i) => this.nodes.has(i.id)) && links.every((l) => this.linkKeys.has(linkKey(l)));
  }

  /** Runs ticks until the budget is spent or the layout is still; true while still moving. */
  step(budgetMs: number): boolean {
    if (this.sim.alpha() < this.sim.alphaMin()) return false;
    this.syncSimulation();
    const start = performance.now();
    do this.sim.tick();
    while (this.sim.alpha() >= this.sim.alphaMin() && performance.now() - start < budgetMs);
    if (!this.moving) this.unpin();
    return this.moving;
  }

  /** Holds every node placed before this update where it is (d3-force's fixed position). */
  private pin(arrivals: ReadonlySet<string>): void {
    this.pinned = true;
    for (const n of this.nodes.values()) {
      if (!arrivals.has(n.id)) {
        n.fx = n.x;
        n.fy = n.y;
      }
    }
  }

  private unpin(): void {
    if (!this.pinned) return;
    this.pinned = false;
    for (const n of this.nodes.values()) n.fx = n.fy = null;
  }

  get moving(): boolean {
    return this.sim.alpha() >= this.sim.alphaMin();
  }

  position(id: string): Point | undefined {
    const n = this.nodes.get(id);
    return n ? { x: n.x ?? 0, y: n.y ?? 0 } : undefined;
  }

  positions(): Map<string, Point> {
    const out = new Map<string, Point>();
    for (const [id, n] of this.nodes) out.set(id, { x: n.x ?? 0, y: n.y ?? 0 });
    return out;
  }

  layoutNodes(): IterableIterator<LayoutNode> {
    return this.nodes.values();
  }
}

const linkKey = (l: Link): string => `${l.source}\u0000${l.target}`;
