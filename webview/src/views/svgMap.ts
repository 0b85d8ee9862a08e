// SVG renderer for graphs up to a few hundred nodes: every node is a focusable element with
// an ARIA label, data attributes for tests, and CSS classes for kind, health and freshness.
// Live updates are incremental: a keyed join creates and removes only the elements whose
// ids came or went, and each element remembers what was last written to it (a content
// signature, its class string and its geometry; svgElements.ts), so an update writes only what
// changed and never reads layout back from the DOM.

import { create, type Selection } from 'd3';
import type { Relation } from '../../../common/src/graph';
import { RELATIONS } from '../uiState';
import { laneBends, routeEdge, routePath, type EdgeRoute } from '../layout/edgeRoutes';
import type { Point } from '../layout/placement';
import type { MapRenderer, MapSelection, RendererEvents, Scene, SceneEdge, SceneNode, ZoomState } from './scene';
import { edgeElements, nodeElements, syncEdge, syncNode, type EdgeEl, type NodeEl } from './svgElements';
import { placeSceneLabels, type LabelTarget } from './sceneLabels';

/** After panning/zooming stops for this long, the picture is redrawn sharp. */
const SETTLE_REDRAW_MS = 120;
/** The pan/zoom layer is dropped this long after the last gesture. */
const LAYER_KEEP_MS = 1500;

export class SvgMapRenderer implements MapRenderer {
  readonly element: SVGSVGElement;
  private readonly viewport: Selection<SVGGElement, undefined, null, undefined>;
  private readonly edgeLayer: Selection<SVGGElement, undefined, null, undefined>;
  private readonly nodeLayer: Selection<SVGGElement, undefined, null, undefined>;
  private scene: Scene = { nodes: [], edges: [], edgeLabels: true };
  private radius = new Map<string, number>();
  /** Lane bends of edges that share their two nodes with others. */
  private bends = new Map<string, number>();
  private positions: ReadonlyMap<string, Point> = new Map();
  private selection: MapSelection | null = null;
  private transform: ZoomState = { x: 0, y: 0, k: 1 };
  /** The transform on the viewport <g> (null before the first). */
  private drawnWith: ZoomState | null = null;
  private sharpTimer: ReturnType<typeof setTimeout> | undefined;
  private layerTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly nodeEls = new WeakMap<Element, NodeEl>();
  private readonly edgeEls = new WeakMap<Element, EdgeEl>();
  /** The drawn items in scene order, so updates and frames iterate without DOM queries. */
  private nodes: Array<{ d: SceneNode; el: NodeEl }> = [];
  private nodeById = new Map<string, NodeEl>();
  private edges: Array<{ d: SceneEdge; el: EdgeEl }> = [];
  /**
   * Something labels are placed around changed (a node moved or resized, an edge re-routed, a
   * text changed, items came or went): placement is the costliest step of an update, and most
   * live updates change only numbers that no shown label carries.
   */
  private labelsDirty = true;

  constructor(private readonly events: RendererEvents) {
    const svg = create('svg').attr('class', 'map-svg').attr('role', 'group').attr('aria-label', 'Service map');
    const defs = svg.append('defs');
    for (const r of RELATIONS) markerFor(defs, r);
    markerFor(defs, 'error');
    this.viewport = svg.append('g').attr('class', 'viewport');
    this.edgeLayer = this.viewport.append('g').attr('class', 'edges');
    this.nodeLayer = this.viewport.append('g').attr('class', 'nodes');
    this.element = svg.node()!;
  }

  setScene(scene: Scene): void {
    if (this.scene.edgeLabels !== scene.edgeLabels) this.labelsDirty = true;
    this.scene = scene;
    this.radius = new Map(scene.nodes.map((n) => [n.node.id, n.radius]));
    this.bends = laneBends(scene.edges.map((e) => e.edge));
    const edges = this.edgeLayer
      .selectAll<SVGGElement, SceneEdge>('g.edge')
      .data(scene.edges, (d) => d.edge.id)
      .join((enter) =>
        enter
          .append((d) => this.createEdge(d))
          .on('click', (event: MouseEvent, d) => {
            event.stopPropagation();
            this.events.select({ kind: 'edge', id: d.edge.id });
          }),
      );
    if (edges.size() !== this.edges.length) this.labelsDirty = true;
    this.edges = [];
    edges.each((d, i, groups) => {
      const el = this.edgeEls.get(groups[i])!;
      this.edges.push({ d, el });
      if (syncEdge(d, el, this.labelShown(d.edge.id, d.edge.source, d.edge.target))) this.labelsDirty = true;
    });

    const nodes = this.nodeLayer
      .selectAll<SVGGElement, SceneNode>('g.node')
      .data(scene.nodes, (d) => d.node.id)
      .join((enter) =>
        enter
          .append((d) => this.createNode(d))
          // d3 hands listeners the element's current datum, which every update replaces.
          .on('click', (event: MouseEvent, d) => {
            event.stopPropagation();
            this.events.select({ kind: 'node', id: d.node.id });
          })
          .on('keydown', (event: KeyboardEvent, d) => {
            if (event.key === 'Enter' || event.key === ' ') {
              event.preventDefault();
              this.events.select({ kind: 'node', id: d.node.id });
            } else if (event.key.startsWith('Arrow')) {
              event.preventDefault();
              this.events.navigate(d.node.id, event.key);
            }
          }),
      );
    if (nodes.size() !== this.nodes.length) this.labelsDirty = true;
    this.nodes = [];
    this.nodeById = new Map();
    nodes.each((d, i, groups) => {
      const el = this.nodeEls.get(groups[i])!;
      this.nodes.push({ d, el });
      this.nodeById.set(d.node.id, el);
      if (syncNode(d, el)) this.labelsDirty = true;
    });
    this.applySelection();
    this.setPositions(this.positions);
  }

  setPositions(positions: ReadonlyMap<string, Point>): void {
    this.positions = positions;
    for (const { d, el } of this.nodes) {
      const p = positions.get(d.node.id);
      const transform = p ? `translate(${p.x.toFixed(1)},${p.y.toFixed(1)})` : '';
      if (transform === el.transform) continue;
      el.transform = transform;
      this.labelsDirty = true;
      if (transform) el.g.setAttribute('transform', transform);
      else el.g.removeAttribute('transform');
    }
    for (const { d, el } of this.edges) {
      const { source, target } = d.edge;
      const ra = this.radius.get(source) ?? 10;
      const rb = this.radius.get(target) ?? 10;
      const bend = this.bends.get(d.edge.id);
      // Most frames move only a few nodes: edges between still nodes are skipped cheaply.
      const ends = `${this.nodeById.get(source)?.transform}|${this.nodeById.get(target)?.transform}|${ra}|${rb}|${bend}`;
      if (ends === el.ends) continue;
      const a = positions.get(source);
      const b = positions.get(target);
      if (!a || !b) continue;
      el.ends = ends;
      el.route = routeEdge(d.edge, a, b, ra, rb, bend);
      const path = routePath(el.route);
      el.hit.setAttribute('d', path);
      el.line.setAttribute('d', path);
      this.labelsDirty = true;
    }
    if (this.labelsDirty) this.placeLabels();
  }

  /** Puts every shown label where it covers no other label or node (sceneLabels.ts). */
  private placeLabels(): void {
    this.labelsDirty = false;
    const sel = this.selection;
    const selectedNode = sel?.kind === 'node' ? sel.id : null;
    const nodes: LabelTarget<SceneNode>[] = [];
    for (const { d } of this.nodes) {
      const p = this.positions.get(d.node.id);
      if (p) nodes.push({ item: d, at: p, selected: d.node.id === selectedNode });
    }
    const edges: Array<{ item: SceneEdge; route: EdgeRoute; selected: boolean }> = [];
    for (const { d, el } of this.edges) {
      const e = d.edge;
      const selected = sel?.kind === 'edge' && sel.id === e.id;
      const adjacent = selectedNode !== null && (e.source === selectedNode || e.target === selectedNode);
      if (el.route && (this.scene.edgeLabels || adjacent || selected)) edges.push({ item: d, route: el.route, selected: selected || adjacent });
    }
    const placed = placeSceneLabels(nodes, edges);
    for (const { d, el } of this.nodes) {
      const box = placed.nodes.get(d.node.id);
      const p = this.positions.get(d.node.id);
      const at = box && p ? `${(box.x0 + box.x1) / 2 - p.x},${box.y0 - p.y}` : '';
      if (at === el.labelAt) continue;
      el.labelAt = at;
      el.label.setAttribute('data-placed', String(at !== ''));
      el.system.setAttribute('data-placed', String(at !== ''));
      if (!box || !p) continue;
      const x = ((box.x0 + box.x1) / 2 - p.x).toFixed(1);
      el.label.setAttribute('x', x);
      el.label.setAttribute('y', (box.y0 - p.y + 11).toFixed(1));
      el.system.setAttribute('x', x);
      el.system.setAttribute('y', (box.y0 - p.y + 23).toFixed(1));
    }
    for (const { d, el } of this.edges) {
      const box = placed.edges.get(d.edge.id);
      const at = box ? `${((box.x0 + box.x1) / 2).toFixed(1)},${(box.y1 - 3).toFixed(1)}` : '';
      if (at === el.labelAt) continue;
      el.labelAt = at;
      el.label.setAttribute('data-placed', String(at !== ''));
      if (!box) continue;
      el.label.setAttribute('x', ((box.x0 + box.x1) / 2).toFixed(1));
      el.label.setAttribute('y', (box.y1 - 3).toFixed(1));
    }
  }

  /**
   * While the user pans or zooms, the drawn picture is moved as a whole by the compositor (a
   * CSS transform on the <svg>, its own layer only meanwhile: a permanent layer makes every
   * live update slower to layerize): nothing is re-rasterised per frame. Once the gesture
   * pauses, the transform is committed to the viewport <g> and drawn sharp.
   */
  setTransform(t: ZoomState): void {
    this.transform = t;
    const drawn = this.drawnWith;
    if (!drawn) return this.commitTransform();
    const s = t.k / drawn.k;
    this.element.style.willChange = 'transform';
    this.element.style.transform = `translate(${t.x - s * drawn.x}px,${t.y - s * drawn.y}px) scale(${s})`;
    clearTimeout(this.sharpTimer);
    clearTimeout(this.layerTimer);
    this.sharpTimer = setTimeout(() => this.commitTransform(), SETTLE_REDRAW_MS);
  }

  private commitTransform(): void {
    this.sharpTimer = undefined;
    const t = this.transform;
    this.drawnWith = t;
    this.viewport.attr('transform', `translate(${t.x},${t.y}) scale(${t.k})`);
    this.element.style.transform = '';
    // Gestures come in bursts: keep the layer a while, since creating it costs a full raster.
    clearTimeout(this.layerTimer);
    this.layerTimer = setTimeout(() => (this.element.style.willChange = ''), LAYER_KEEP_MS);
  }

  setSelection(selection: MapSelection | null): void {
    if (selection?.kind === this.selection?.kind && selection?.id === this.selection?.id) return;
    this.selection = selection;
    // Labels hidden until now may hold old text (hidden ones are not rewritten on updates).
    for (const { d, el } of this.edges) if (this.labelShown(d.edge.id, d.edge.source, d.edge.target)) syncEdge(d, el, true);
    this.applySelection();
    // The selection's labels go first, and its edges' labels appear.
    this.placeLabels();
  }

  focusNode(id: string): void {
    this.nodeById.get(id)?.g.focus();
  }

  /** The DOM is already up to date. */
  flush(): void {
    return undefined;
  }

  private createNode(d: SceneNode): SVGGElement {
    const el = nodeElements(d);
    this.nodeEls.set(el.g, el);
    return el.g;
  }

  private createEdge(d: SceneEdge): SVGGElement {
    const el = edgeElements(d);
    this.edgeEls.set(el.g, el);
    return el.g;
  }

  /** Whether an edge's label is on screen: every edge's on small maps, else the selection's. */
  private labelShown(id: string, source: string, target: string): boolean {
    const sel = this.selection;
    return this.scene.edgeLabels || (sel?.kind === 'edge' ? sel.id === id : sel?.kind === 'node' && (sel.id === source || sel.id === target));
  }

  private applySelection(): void {
    const sel = this.selection;
    const selectedNode = sel?.kind === 'node' ? sel.id : null;
    const selectedEdge = sel?.kind === 'edge' ? sel.id : null;
    for (const { d, el } of this.nodes) {
      const selected = d.node.id === selectedNode;
      const cls = `node kind-${d.node.kind} health-${d.health}${d.fresh ? ' is-fresh' : ''}${d.idle ? ' is-idle' : ''}${selected ? ' is-selected' : ''}`;
      if (cls !== el.cls) {
        el.cls = cls;
        el.g.setAttribute('class', cls);
      }
      const pressed = String(selected);
      if (pressed !== el.pressed) {
        el.pressed = pressed;
        el.g.setAttribute('aria-pressed', pressed);
      }
    }
    for (const { d, el } of this.edges) {
      const e = d.edge;
      const selected = e.id === selectedEdge;
      const adjacent = selectedNode !== null && (e.source === selectedNode || e.target === selectedNode);
      const label = this.scene.edgeLabels || adjacent || selected;
      const cls = `edge rel-${e.relation} health-${d.health}${d.fresh ? ' is-fresh' : ''}${d.idle ? ' is-idle' : ''}${d.change ? ` is-${d.change}` : ''}${selected ? ' is-selected' : ''}${adjacent ? ' is-adjacent' : ''}${label ? ' show-label' : ''}`;
      if (cls !== el.cls) {
        el.cls = cls;
        el.g.setAttribute('class', cls);
      }
    }
  }
}

function markerFor(defs: Selection<SVGDefsElement, undefined, null, undefined>, relation: Relation | 'error'): void {
  const marker = defs
    .append('marker')
    .attr('id', `arrow-${relation}`)
    .attr('class', `arrow rel-${relation}`)
    .attr('viewBox', '0 0 10 10')
    .attr('refX', 9)
    .attr('refY', 5)
    .attr('markerWidth', 9)
    .attr('markerHeight', 9)
    .attr('markerUnits', 'userSpaceOnUse')
    .attr('orient', 'auto');
  marker.append('path').attr('d', 'M0,0L10,5L0,10z');
}
