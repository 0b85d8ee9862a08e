// Canvas renderer for large graphs (hundreds to thousands of nodes): one batched path per
// relation and per node style, labels only when zoomed in enough to read them, and
// hit-testing through a quadtree. Keyboard users move between nodes with the arrow keys;
// the selection is announced by the map view's live region.

import { quadtree, type Quadtree } from 'd3';
import { laneBends } from '../layout/edgeRoutes';
import type { Box } from '../layout/labels';
import type { Point } from '../layout/placement';
import { arrowHead, drawnKey, pathFor, readPalette, sameZoom, withoutClosePath, type DrawnNode, type Geometry, type Palette } from './canvasParts';
import type { Health } from '../format';
import { type MapRenderer, type MapSelection, type RendererEvents, type Scene, type SceneEdge, type SceneNode, type ZoomState } from './scene';
import { NODE_LABEL_PX, placeSceneLabels, shapeBox } from './sceneLabels';
import { traceShape } from './shapes';


/** Zoom level from which node labels are drawn (and from which arrowheads are drawn). */
const LABEL_ZOOM = 1.1;
const ARROW_ZOOM = 0.6;
/** Beyond this many changed nodes, a full redraw costs about the same as drawing over. */
const MAX_DRAWN_OVER = 200;
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
    } else {
      const change = this.drawnWith && !this.fullRedraw && sameZoom(this.drawnWith, this.transform) ? this.changesSinceDrawn() : null;
      if (change) {
        this.drawOver(change);
      } else {
        this.draw();
        this.drawnWith = { ...this.transform };
      }
      // Read by tests: whether the last live change was drawn over the picture or redrawn in full.
      this.element.dataset.draw = change ? 'over' : 'full';
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
    const g = (this.geometry ??= this.buildGeometry(this.scene.nodes, this.scene.edges));
    this.drawGeometry(g);
    this.drawHighlights(this.scene.nodes);
    this.labelBoxes = this.placeLabels();
    // Read by tests: how many labels are drawn, and where (graph coordinates).
    this.element.dataset.labels = String(this.labelBoxes.size);
    (this.element as HTMLCanvasElement & { labelBoxes?: ReadonlyMap<string, Box> }).labelBoxes = this.labelBoxes;
    this.drawLabels(this.scene.nodes);
    this.drawnNodes.clear();
    for (const n of this.scene.nodes) this.remember(n);
    this.drawnEdges = new Set(this.scene.edges.map(drawnKey));
  }

  /**
   * What a live update changed, when it can be drawn over the picture on screen: new edges,
   * new nodes, nodes that changed colour, grew or turned fresh. Null when something moved,
   * shrank, disappeared or stopped being fresh, which needs a full redraw.
   */
  private changesSinceDrawn(): { nodes: SceneNode[]; edges: SceneEdge[] } | null {
    const nodes: SceneNode[] = [];
    let kept = 0;
    const labels = this.transform.k >= LABEL_ZOOM;
    for (const n of this.scene.nodes) {
      const p = this.positions.get(n.node.id);
      const d = this.drawnNodes.get(n.node.id);
      if (!d) {
        if (p) nodes.push(n);
        continue;
      }
      kept++;
      if (!p || p.x !== d.x || p.y !== d.y || n.node.kind !== d.kind || n.radius < d.radius || (d.fresh && !n.fresh)) return null;
      if (n.radius === d.radius && n.health === d.health && n.fresh === d.fresh) continue;
      // A grown node's label would move: labels cannot be drawn over.
      if (labels && n.radius !== d.radius) return null;
      nodes.push(n);
    }
    if (kept !== this.drawnNodes.size || nodes.length > MAX_DRAWN_OVER) return null;
    const edges = this.scene.edges.filter((e) => !this.drawnEdges.has(drawnKey(e)));
    if (this.scene.edges.length - edges.length !== this.drawnEdges.size) return null;
    return { nodes, edges };
  }

  /** Draws an update's changes on top of the current picture (edges first, nodes over them). */
  private drawOver(change: { nodes: SceneNode[]; edges: SceneEdge[] }): void {
    const dpr = window.devicePixelRatio || 1;
    const t = this.transform;
    this.ctx.setTransform(dpr * t.k, 0, 0, dpr * t.k, dpr * t.x, dpr * t.y);
    this.drawGeometry(this.buildGeometry(change.nodes, change.edges));
    this.drawHighlights(change.nodes);
    this.placeNewLabels(change.nodes);
    this.drawLabels(change.nodes);
    for (const n of change.nodes) this.remember(n);
    for (const e of change.edges) this.drawnEdges.add(drawnKey(e));
  }

  private remember(n: SceneNode): void {
    const p = this.positions.get(n.node.id);
    if (p) this.drawnNodes.set(n.node.id, { x: p.x, y: p.y, kind: n.node.kind, radius: n.radius, health: n.health, fresh: n.fresh });
  }

  private drawGeometry(g: Geometry): void {
    const { ctx, palette, transform: t } = this;
    // One device pixel exactly: wider strokes leave Skia's fast hairline path (10x slower in
    // software rendering). Straight segments for the same reason; SVG mode draws curves.
    ctx.lineWidth = 1 / (t.k * (window.devicePixelRatio || 1));
    for (const [relation, path] of g.edges) {
      ctx.strokeStyle = palette.relation[relation];
      ctx.setLineDash(relation === 'removed' ? [6 / t.k, 4 / t.k] : []);
      ctx.stroke(path);
    }
    ctx.setLineDash([]);
    if (t.k >= ARROW_ZOOM) {
      for (const [relation, path] of g.heads) {
        ctx.fillStyle = palette.relation[relation];
        ctx.fill(path);
      }
    }
    ctx.strokeStyle = palette.background;
    for (const [h, path] of g.nodes) {
      ctx.fillStyle = palette.health[h];
      ctx.fill(path);
      // Outlines double the raster cost and are invisible when zoomed out.
      if (t.k >= 0.7) ctx.stroke(path);
    }
  }

  /**
   * Node labels only from a readable zoom, and only of the nodes inside the view, placed so
   * that none covers another label or node (sceneLabels.ts), the selection's first.
   */
  private placeLabels(): Map<string, Box> {
    const t = this.transform;
    if (t.k < LABEL_ZOOM) return new Map();
    const margin = 40 / t.k;
    const view = { x0: -t.x / t.k - margin, y0: -t.y / t.k - margin, x1: (this.element.clientWidth - t.x) / t.k + margin, y1: (this.element.clientHeight - t.y) / t.k + margin };
    const selected = this.selection?.kind === 'node' ? this.selection.id : null;
    const targets = [];
    for (const n of this.scene.nodes) {
      const p = this.positions.get(n.node.id);
      if (p && p.x >= view.x0 && p.x <= view.x1 && p.y >= view.y0 && p.y <= view.y1) targets.push({ item: n, at: p, selected: n.node.id === selected });
    }
    return placeSceneLabels(targets, []).nodes;
  }

  /** Labels of nodes that arrived since the full drawing, clear of the labels and nodes already there. */
  private placeNewLabels(nodes: readonly SceneNode[]): void {
    const t = this.transform;
    if (t.k < LABEL_ZOOM) return;
    const arrived = nodes.filter((n) => !this.labelBoxes.has(n.node.id) && !this.drawnNodes.has(n.node.id));
    if (!arrived.length) return;
    const taken = [...this.labelBoxes.values()];
    for (const n of this.scene.nodes) {
      const p = this.positions.get(n.node.id);
      if (p) taken.push(shapeBox(n, p));
    }
    const targets = arrived.flatMap((n) => {
      const p = this.positions.get(n.node.id);
      return p ? [{ item: n, at: p, selected: false }] : [];
    });
    for (const [id, box] of placeSceneLabels(targets, [], taken).nodes) this.labelBoxes.set(id, box);
  }

  private drawLabels(nodes: readonly SceneNode[]): void {
    const { ctx } = this;
    if (this.transform.k < LABEL_ZOOM) return;
    ctx.fillStyle = this.palette.foreground;
    ctx.font = `${NODE_LABEL_PX}px ${getComputedStyle(this.element).fontFamily || 'sans-serif'}`;
    ctx.textAlign = 'center';
    for (const n of nodes) {
      const box = this.labelBoxes.get(n.node.id);
      if (box) ctx.fillText(n.label, (box.x0 + box.x1) / 2, box.y0 + 11);
    }
  }

  /** One path per relation (edges, arrowheads) and per health (nodes): one stroke()/fill() call each. */
  private buildGeometry(sceneNodes: readonly SceneNode[], sceneEdges: readonly SceneEdge[]): Geometry {
    const edges = new Map<string, Path2D>();
    const heads = new Map<string, Path2D>();
    for (const e of sceneEdges) {
      const a = this.positions.get(e.edge.source);
      const b = this.positions.get(e.edge.target);
      if (!a || !b) continue;
      const ra = this.byId.get(e.edge.source)?.radius ?? 8;
      const rb = (this.byId.get(e.edge.target)?.radius ?? 8) + 2;
      const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      const ux = (b.x - a.x) / len;
      const uy = (b.y - a.y) / len;
      // Edges sharing their two nodes run as parallel straight lines, one lane each (SVG curves them).
      const bend = this.bends.get(e.edge.id) ?? 0;
      const side = e.edge.source > e.edge.target ? -bend : bend;
      const ox = -uy * side * 0.5;
      const oy = ux * side * 0.5;
      const from = { x: a.x + ox, y: a.y + oy };
      const end = { x: b.x - ux * rb + ox, y: b.y - uy * rb + oy };
      const style = e.change ?? (e.health === 'ok' ? e.edge.relation : 'error');
      const line = pathFor(edges, style);
      line.moveTo(from.x + ux * ra, from.y + uy * ra);
      line.lineTo(end.x, end.y);
      arrowHead(pathFor(heads, style), from, end, 7);
    }
    const nodes = new Map<Health, Path2D>();
    for (const n of sceneNodes) {
      const p = this.positions.get(n.node.id);
      if (p) traceShape(withoutClosePath(pathFor(nodes, n.health)), n.node.kind, p.x, p.y, n.radius);
    }
    return { edges, heads, nodes };
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

  /** Fresh rings for `nodes`, and the selection (one of them may have been drawn over it). */
  private drawHighlights(nodes: readonly SceneNode[]): void {
    const { ctx } = this;
    const k = this.transform.k;
    // Wide strokes are slow in software rendering: only for these few rings, one path per colour.
    const ring = (rings: readonly SceneNode[], colour: string): void => {
      ctx.strokeStyle = colour;
      ctx.lineWidth = 3 / Math.max(0.5, k);
      ctx.beginPath();
      for (const n of rings) {
        const p = this.positions.get(n.node.id);
        if (!p) continue;
        ctx.moveTo(p.x + n.radius + 5, p.y);
        ctx.arc(p.x, p.y, n.radius + 5, 0, 2 * Math.PI);
      }
      ctx.stroke();
    };
    ring(nodes.filter((n) => n.fresh), this.palette.fresh);
    const sel = this.selection;
    if (sel?.kind === 'node') {
      const n = this.byId.get(sel.id);
      if (n) ring([n], this.palette.selected);
    } else if (sel?.kind === 'edge') {
      const e = this.scene.edges.find((x) => x.edge.id === sel.id);
      const a = e && this.positions.get(e.edge.source);
      const b = e && this.positions.get(e.edge.target);
      if (a && b) {
        ctx.strokeStyle = this.palette.selected;
        ctx.lineWidth = 3 / Math.max(0.5, k);
        ctx.beginPath();
        ctx.moveTo(a.x, a.y);
        ctx.lineTo(b.x, b.y);
        ctx.stroke();
      }
    }
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

