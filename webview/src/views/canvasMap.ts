// Canvas renderer for large graphs (hundreds to thousands of nodes): the drawing order, the
// cached picture that pan and zoom move, live updates drawn over the picture when they can be,
// hit-testing through a quadtree, and the keyboard (arrow keys move between nodes; the
// selection is announced by the map view's live region). What is drawn is in canvasGeometry.ts
// (shapes, dimmed idle items), canvasLabels.ts (text) and canvasChanges.ts (what changed).

import { quadtree, type Quadtree } from 'd3';
import { laneBends } from '../layout/edgeRoutes';
import { overlaps, type Box } from '../layout/labels';
import type { Point } from '../layout/placement';
import { changesSinceDrawn, drawnKey, drawnNode, type DrawnNode } from './canvasChanges';
import { buildGeometry, changedAreas, drawGeometry, drawHighlights, type Geometry, type Placed } from './canvasGeometry';
import { drawEdgeLabels, drawNodeLabels, LABEL_ZOOM, placeArrivedLabels, placeCanvasLabels, viewBox } from './canvasLabels';
import { readPalette, sameZoom, type Palette } from './canvasParts';
import { sceneEdgeLabel, type MapRenderer, type MapSelection, type RendererEvents, type Scene, type SceneEdge, type SceneNode, type ZoomState } from './scene';

/** After panning/zooming stops for this long, the blitted frame is redrawn sharp. */
const SETTLE_REDRAW_MS = 120;

export class CanvasMapRenderer implements MapRenderer {
  readonly element: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private scene: Scene = { nodes: [], edges: [], edgeLabels: false };
  private byId = new Map<string, SceneNode>();
  /** Lane bends of edges that share their two nodes with others (drawn as parallel lines). */
  private bends = new Map<string, number>();
  /** Label boxes of the last full drawing (graph coordinates), reused when drawing over it. */
  private labelBoxes = new Map<string, Box>();
  private edgeLabelBoxes = new Map<string, Box>();
  /** The text of each edge label on screen: a changed one cannot be drawn over. */
  private edgeLabelText = new Map<string, string>();
  private positions: ReadonlyMap<string, Point> = new Map();
  private transform: ZoomState = { x: 0, y: 0, k: 1 };
  private selection: MapSelection | null = null;
  private palette: Palette;
  private paletteAt = 0;
  private tree: Quadtree<SceneNode> | null = null;
  private frame = 0;
  /** The last full drawing and the transform it was drawn with: pan/zoom only moves it. */
  private readonly cache = document.createElement('canvas');
  private cached: ZoomState | null = null;
  /** The transform of the full drawing currently on screen (null after a blit). */
  private drawnWith: ZoomState | null = null;
  private sharpTimer: ReturnType<typeof setTimeout> | undefined;
  /** Paths in graph coordinates, rebuilt only when the scene or positions change (not on pan/zoom). */
  private geometry: Geometry | null = null;
  /** What the picture on screen shows, so a live update can draw only what changed. */
  private drawnNodes = new Map<string, DrawnNode>();
  private drawnEdges = new Set<string>();
  /** Set by changes that cannot be drawn over (selection, theme). */
  private fullRedraw = true;

  constructor(private readonly events: RendererEvents) {
    this.element = document.createElement('canvas');
    this.element.className = 'map-canvas';
    this.element.tabIndex = 0;
    this.element.setAttribute('role', 'application');
    this.element.setAttribute('aria-label', 'Service map (large graph). Arrow keys move between nodes, Enter shows details; the Table view lists every edge as text.');
    this.ctx = this.element.getContext('2d')!;
    this.palette = readPalette(this.element);
    this.element.addEventListener('click', (e) => this.onClick(e));
    this.element.addEventListener('keydown', (e) => this.onKey(e));
  }

  setScene(scene: Scene): void {
    this.scene = scene;
    this.byId = new Map(scene.nodes.map((n) => [n.node.id, n]));
    this.bends = laneBends(scene.edges.map((e) => e.edge));
    // Reading computed styles forces a style recalculation: at most once a second (theme changes).
    if (performance.now() - this.paletteAt > 1000) {
      const palette = readPalette(this.element);
      if (JSON.stringify(palette) !== JSON.stringify(this.palette)) this.fullRedraw = true;
      this.palette = palette;
      this.paletteAt = performance.now();
    }
    this.tree = null;
    this.geometry = null;
    this.invalidate();
  }

  setPositions(positions: ReadonlyMap<string, Point>): void {
    this.positions = positions;
    this.tree = null;
    this.geometry = null;
    this.invalidate();
  }

  /** Pan/zoom moves the cached drawing (one blit per frame), then redraws sharp once idle. */
  setTransform(t: ZoomState): void {
    if (!this.cached && this.drawnWith) this.keep(this.drawnWith);
    this.transform = t;
    this.requestDraw();
    clearTimeout(this.sharpTimer);
    this.sharpTimer = setTimeout(() => this.invalidate(), SETTLE_REDRAW_MS);
  }

  setSelection(selection: MapSelection | null): void {
    // The app re-asserts the selection on every render: only a real change costs a redraw.
    if (selection?.kind === this.selection?.kind && selection?.id === this.selection?.id) return;
    this.selection = selection;
    this.fullRedraw = true;
    this.invalidate();
  }

  focusNode(): void {
    this.element.focus();
  }

  flush(): void {
    if (!this.frame) return;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.paint();
  }

  private invalidate(): void {
    this.cached = null;
    this.requestDraw();
  }

  private requestDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.paint();
    });
  }

  private paint(): void {
    const started = performance.now();
    if (this.cached && this.cache.width === this.element.width && this.cache.height === this.element.height) {
      this.blit(this.cached);
      this.drawnWith = null;
      // Read by tests: the picture is a moved copy until the sharp redraw after pan/zoom.
      this.element.dataset.picture = 'moved';
    } else {
      const drawn = { nodes: this.drawnNodes, edges: this.drawnEdges, edgeLabels: this.edgeLabelText, labels: this.transform.k >= LABEL_ZOOM };
      const change = this.drawnWith && !this.fullRedraw && sameZoom(this.drawnWith, this.transform) ? changesSinceDrawn(this.scene.nodes, this.scene.edges, this.positions, drawn) : null;
      if (change) {
        this.drawOver(change);
      } else {
        this.draw();
        this.drawnWith = { ...this.transform };
      }
      // Read by tests: whether the last live change was drawn over the picture or redrawn in full.
      this.element.dataset.draw = change ? 'over' : 'full';
      this.element.dataset.picture = 'sharp';
      this.fullRedraw = false;
    }
    // Read by tests: the cost of the last drawing.
    this.element.dataset.drawMs = (performance.now() - started).toFixed(1);
  }

  private blit(from: ZoomState): void {
    const { ctx, element: canvas, transform: t } = this;
    const dpr = window.devicePixelRatio || 1;
    const s = t.k / from.k;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(this.cache, (t.x - s * from.x) * dpr, (t.y - s * from.y) * dpr, canvas.width * s, canvas.height * s);
  }

  private draw(): void {
    const { ctx, element: canvas, transform: t } = this;
    const dpr = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(dpr * t.k, 0, 0, dpr * t.k, dpr * t.x, dpr * t.y);
    const placed = this.placed();
    const g = (this.geometry ??= buildGeometry(this.scene.nodes, this.scene.edges, placed));
    drawGeometry(ctx, g, this.palette, t.k);
    drawHighlights(ctx, this.scene.nodes, this.scene.edges, this.selection, placed, this.palette, t.k);
    const labels = t.k >= LABEL_ZOOM ? placeCanvasLabels(this.scene.nodes, this.scene.edges, placed, viewBox(t, width, height), this.selection) : { nodes: new Map<string, Box>(), edges: new Map<string, Box>() };
    this.labelBoxes = labels.nodes;
    this.edgeLabelBoxes = labels.edges;
    this.edgeLabelText = new Map(this.scene.edges.filter((e) => labels.edges.has(e.edge.id)).map((e) => [e.edge.id, sceneEdgeLabel(e)]));
    // Read by tests: how many labels (and idle items) are drawn, where (graph coordinates), and the transform.
    this.element.dataset.labels = String(this.labelBoxes.size);
    this.element.dataset.edgeLabels = String(this.edgeLabelBoxes.size);
    this.element.dataset.idle = String(this.scene.nodes.filter((n) => n.idle).length + this.scene.edges.filter((e) => e.idle).length);
    Object.assign(this.element, { labelBoxes: this.labelBoxes, edgeLabelBoxes: this.edgeLabelBoxes, edgeLabelText: this.edgeLabelText, positions: this.positions, transform: { ...t } });
    drawEdgeLabels(ctx, this.scene.edges, this.edgeLabelBoxes, this.palette, this.font());
    drawNodeLabels(ctx, this.scene.nodes, this.labelBoxes, this.palette, this.font());
    this.drawnNodes.clear();
    for (const n of this.scene.nodes) this.remember(n);
    this.drawnEdges = new Set(this.scene.edges.map(drawnKey));
  }

  /** Draws an update's changes on top of the current picture (edges first, nodes over them). */
  private drawOver(change: { nodes: SceneNode[]; edges: SceneEdge[] }): void {
    const dpr = window.devicePixelRatio || 1;
    const t = this.transform;
    this.ctx.setTransform(dpr * t.k, 0, 0, dpr * t.k, dpr * t.x, dpr * t.y);
    const placed = this.placed();
    drawGeometry(this.ctx, buildGeometry(change.nodes, change.edges, placed), this.palette, t.k);
    drawHighlights(this.ctx, change.nodes, this.scene.edges, this.selection, placed, this.palette, t.k);
    if (t.k >= LABEL_ZOOM) {
      const arrived = change.nodes.filter((n) => !this.labelBoxes.has(n.node.id) && !this.drawnNodes.has(n.node.id));
      // Text drawn over now lies under the changed shapes and lines: drawn again on top, as a full drawing would.
      const covered = changedAreas(change, placed);
      const hit = (b: Box | undefined): boolean => b !== undefined && covered.some((c) => overlaps(c, b));
      drawEdgeLabels(this.ctx, this.scene.edges.filter((e) => hit(this.edgeLabelBoxes.get(e.edge.id))), this.edgeLabelBoxes, this.palette, this.font());
      drawNodeLabels(this.ctx, this.scene.nodes.filter((n) => hit(this.labelBoxes.get(n.node.id))), this.labelBoxes, this.palette, this.font());
      const boxes = arrived.length ? placeArrivedLabels(arrived, this.scene.nodes, placed, [...this.labelBoxes.values(), ...this.edgeLabelBoxes.values()], viewBox(t, this.element.clientWidth, this.element.clientHeight)) : new Map<string, Box>();
      for (const [id, box] of boxes) this.labelBoxes.set(id, box);
      drawNodeLabels(this.ctx, arrived, boxes, this.palette, this.font());
    }
    for (const n of change.nodes) this.remember(n, this.drawnNodes.get(n.node.id)?.placedRadius);
    for (const e of change.edges) this.drawnEdges.add(drawnKey(e));
  }

  /** `placedRadius`: the radius its label was placed around, when drawn over (default: now). */
  private remember(n: SceneNode, placedRadius?: number): void {
    const p = this.positions.get(n.node.id);
    if (p) this.drawnNodes.set(n.node.id, drawnNode(n, p, placedRadius));
  }

  private placed(): Placed {
    return { positions: this.positions, byId: this.byId, bends: this.bends };
  }

  private font(): string {
    return getComputedStyle(this.element).fontFamily || 'sans-serif';
  }

  /** Copies the full drawing on screen, drawn with transform t, for blitting. */
  private keep(t: ZoomState): void {
    if (this.cache.width !== this.element.width || this.cache.height !== this.element.height) {
      this.cache.width = this.element.width;
      this.cache.height = this.element.height;
    }
    const c = this.cache.getContext('2d')!;
    c.clearRect(0, 0, this.cache.width, this.cache.height);
    c.drawImage(this.element, 0, 0);
    this.cached = { ...t };
  }

  private onClick(event: MouseEvent): void {
    const rect = this.element.getBoundingClientRect();
    const t = this.transform;
    const x = (event.clientX - rect.left - t.x) / t.k;
    const y = (event.clientY - rect.top - t.y) / t.k;
    this.tree ??= quadtree<SceneNode>()
      .x((n) => this.positions.get(n.node.id)?.x ?? 0)
      .y((n) => this.positions.get(n.node.id)?.y ?? 0)
      .addAll(this.scene.nodes.filter((n) => this.positions.has(n.node.id)));
    const hit = this.tree.find(x, y, 30 / Math.min(1, t.k));
    if (hit) this.events.select({ kind: 'node', id: hit.node.id });
  }

  private onKey(event: KeyboardEvent): void {
    const current = this.selection?.kind === 'node' ? this.selection.id : this.scene.nodes[0]?.node.id;
    if (!current) return;
    if (event.key.startsWith('Arrow')) {
      event.preventDefault();
      this.events.navigate(current, event.key);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.events.select({ kind: 'node', id: current });
    }
  }
}

