// The service map: stable incremental layout, pan/zoom, SVG below SVG_LIMIT nodes and
// canvas above, keyboard navigation, and centring on a node for `focus` messages.

import { select, zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior } from 'd3';
import { ForceLayout } from '../layout/forceLayout';
import { directionOfKey, nearestInDirection } from '../layout/navigation';
import type { Point } from '../layout/placement';
import { CanvasMapRenderer } from './canvasMap';
import { ariaLabel, type MapRenderer, type MapSelection, type Scene, type ZoomState } from './scene';
import { SvgMapRenderer } from './svgMap';

export const SVG_LIMIT = 400;
/** Per-frame layout budget: leaves room for drawing within a 60 fps frame (30 fps on canvas). */
const LAYOUT_BUDGET_MS = { svg: 6, canvas: 12 };
/** Small graphs are laid out before the first paint so it starts tidy. */
const SYNC_LAYOUT_NODES = 150;
const SYNC_LAYOUT_MS = 60;

export interface MapViewEvents {
  select(selection: MapSelection): void;
  zoomed(z: ZoomState): void;
  announce(text: string): void;
}

export class MapView {
  readonly element: HTMLDivElement;
  private readonly layout = new ForceLayout();
  private renderer: MapRenderer | null = null;
  private mode: 'svg' | 'canvas' | null = null;
  private readonly zoomBehaviour: ZoomBehavior<HTMLDivElement, unknown>;
  private transform: ZoomState;
  private frame = 0;
  private fitted: boolean;
  private scene: Scene = { nodes: [], edges: [], edgeLabels: true };

  constructor(private readonly events: MapViewEvents, savedZoom: ZoomState | null) {
    this.element = document.createElement('div');
    this.element.className = 'map-stage';
    this.transform = savedZoom ?? { x: 0, y: 0, k: 1 };
    this.fitted = savedZoom !== null;
    this.zoomBehaviour = zoom<HTMLDivElement, unknown>()
      .scaleExtent([0.05, 6])
      .on('zoom', (event: D3ZoomEvent<HTMLDivElement, unknown>) => {
        const { x, y, k } = event.transform;
        this.transform = { x, y, k };
        this.renderer?.setTransform(this.transform);
        if (event.sourceEvent) this.events.zoomed(this.transform);
      });
    select(this.element).call(this.zoomBehaviour).on('dblclick.zoom', null);
    this.zoomBehaviour.transform(select(this.element), zoomIdentity.translate(this.transform.x, this.transform.y).scale(this.transform.k));
  }

  get renderMode(): 'svg' | 'canvas' | null {
    return this.mode;
  }

  setScene(scene: Scene): void {
    this.scene = scene;
    this.ensureRenderer(scene.nodes.length > SVG_LIMIT ? 'canvas' : 'svg');
    const added = this.layout.update(
      scene.nodes.map((n) => ({ id: n.node.id, radius: n.radius })),
      // Ghosts of removed edges are drawn where the live graph puts their ends, never pull on them.
      scene.edges.filter((e) => e.change !== 'removed').map((e) => ({ source: e.edge.source, target: e.edge.target })),
    );
    if (added && !this.fitted && scene.nodes.length <= SYNC_LAYOUT_NODES) this.layout.step(SYNC_LAYOUT_MS);
    this.renderer!.setScene(scene);
    this.renderer!.setPositions(this.layout.positions());
    if (!this.fitted && scene.nodes.length) {
      this.fit();
      this.fitted = true;
    }
    this.element.dataset.settling = String(this.layout.moving);
    this.renderer!.flush();
    this.animate();
  }

  setSelection(selection: MapSelection | null): void {
    this.renderer?.setSelection(selection);
  }

  /** Centres the view on a node and gives it keyboard focus. */
  centreOn(id: string): void {
    const p = this.layout.position(id);
    if (!p) return;
    const { width, height } = this.size();
    const k = Math.max(this.transform.k, 1);
    this.zoomBehaviour.transform(select(this.element), zoomIdentity.translate(width / 2 - p.x * k, height / 2 - p.y * k).scale(k));
    this.events.zoomed(this.transform);
    this.renderer?.focusNode(id);
  }

  /** Fits every node into the view. */
  fit(): void {
    const positions = [...this.layout.positions().values()];
    if (!positions.length) return;
    const { width, height } = this.size();
    const xs = positions.map((p) => p.x);
    const ys = positions.map((p) => p.y);
    const [x0, x1, y0, y1] = [Math.min(...xs) - 60, Math.max(...xs) + 60, Math.min(...ys) - 60, Math.max(...ys) + 60];
    const k = Math.min(1.5, Math.max(0.05, Math.min(width / (x1 - x0), height / (y1 - y0))));
    this.zoomBehaviour.transform(select(this.element), zoomIdentity.translate(width / 2 - ((x0 + x1) / 2) * k, height / 2 - ((y0 + y1) / 2) * k).scale(k));
  }

  positions(): Map<string, Point> {
    return this.layout.positions();
  }

  /** True while the layout is still settling (tests and screenshots wait for false). */
  get settling(): boolean {
    return this.layout.moving;
  }

  navigate(fromId: string, key: string): void {
    const dir = directionOfKey(key);
    if (!dir) return;
    const next = nearestInDirection(fromId, this.layout.positions(), dir);
    if (!next) return;
    this.events.select({ kind: 'node', id: next });
    const target = this.scene.nodes.find((n) => n.node.id === next);
    if (target) this.events.announce(ariaLabel(target.node));
    this.renderer?.focusNode(next);
  }

  private ensureRenderer(mode: 'svg' | 'canvas'): void {
    if (this.mode === mode) return;
    this.renderer?.element.remove();
    const events = { select: (s: MapSelection) => this.events.select(s), navigate: (id: string, key: string) => this.navigate(id, key) };
    this.renderer = mode === 'svg' ? new SvgMapRenderer(events) : new CanvasMapRenderer(events);
    this.mode = mode;
    this.element.dataset.render = mode;
    this.element.append(this.renderer.element);
    this.renderer.setTransform(this.transform);
  }

  private animate(): void {
    if (this.frame || !this.layout.moving) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const moving = this.layout.step(LAYOUT_BUDGET_MS[this.mode ?? 'svg']);
      this.renderer?.setPositions(this.layout.positions());
      this.renderer?.flush();
      this.element.dataset.settling = String(moving);
      if (moving) this.animate();
    });
  }

  private size(): { width: number; height: number } {
    return { width: this.element.clientWidth || 800, height: this.element.clientHeight || 600 };
  }
}
