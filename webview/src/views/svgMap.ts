// SVG renderer for graphs up to a few hundred nodes: every node is a focusable element with
// an ARIA label, data attributes for tests, and CSS classes for kind, health and freshness.

import { create, path as d3path, select, type Selection } from 'd3';
import type { Relation } from '../../../common/src/graph';
import { RELATIONS } from '../uiState';
import type { Point } from '../layout/placement';
import { ariaLabel, edgeGeometry, sceneEdgeLabel, type MapRenderer, type MapSelection, type RendererEvents, type Scene, type SceneEdge, type SceneNode, type ZoomState } from './scene';
import { traceShape } from './shapes';

export class SvgMapRenderer implements MapRenderer {
  readonly element: SVGSVGElement;
  private readonly viewport: Selection<SVGGElement, undefined, null, undefined>;
  private readonly edgeLayer: Selection<SVGGElement, undefined, null, undefined>;
  private readonly nodeLayer: Selection<SVGGElement, undefined, null, undefined>;
  private scene: Scene = { nodes: [], edges: [], edgeLabels: true };
  private radius = new Map<string, number>();
  private positions: ReadonlyMap<string, Point> = new Map();
  private selection: MapSelection | null = null;

  constructor(private readonly events: RendererEvents) {
    const svg = create('svg').attr('class', 'map-svg').attr('role', 'group').attr('aria-label', 'Service map');
    const defs = svg.append('defs');
    for (const r of RELATIONS) markerFor(defs, r);
    this.viewport = svg.append('g').attr('class', 'viewport');
    this.edgeLayer = this.viewport.append('g').attr('class', 'edges');
    this.nodeLayer = this.viewport.append('g').attr('class', 'nodes');
    this.element = svg.node()!;
  }

  setScene(scene: Scene): void {
    this.scene = scene;
    this.radius = new Map(scene.nodes.map((n) => [n.node.id, n.radius]));
    const edges = this.edgeLayer
      .selectAll<SVGGElement, SceneEdge>('g.edge')
      .data(scene.edges, (d) => d.edge.id)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'edge').attr('data-edge-id', (d) => d.edge.id);
        g.append('path').attr('class', 'edge-hit');
        g.append('path').attr('class', 'edge-line');
        g.append('text').attr('class', 'edge-label');
        g.on('click', (event: MouseEvent, d) => {
          event.stopPropagation();
          this.events.select({ kind: 'edge', id: d.edge.id });
        });
        return g;
      });
    edges
      .attr('data-relation', (d) => d.edge.relation)
      .attr('data-change', (d) => d.change ?? null)
      .attr('class', (d) => `edge rel-${d.edge.relation} health-${d.health}${d.fresh ? ' is-fresh' : ''}${d.change ? ` is-${d.change}` : ''}`);
    edges.select<SVGPathElement>('path.edge-line').attr('marker-end', (d) => `url(#arrow-${d.edge.relation})`).style('stroke-width', (d) => `${d.width}px`);
    // Only touch text that changed: rewriting text nodes forces relayout of every label.
    edges
      .select<SVGTextElement>('text.edge-label')
      .each((d, i, texts) => {
        const label = sceneEdgeLabel(d);
        if (texts[i].textContent !== label) texts[i].textContent = label;
      });

    const nodes = this.nodeLayer
      .selectAll<SVGGElement, SceneNode>('g.node')
      .data(scene.nodes, (d) => d.node.id)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'node').attr('tabindex', 0).attr('role', 'button').attr('data-node-id', (d) => d.node.id);
        g.append('path').attr('class', 'node-shape');
        g.append('text').attr('class', 'node-label').attr('text-anchor', 'middle');
        g.append('text').attr('class', 'node-system').attr('text-anchor', 'middle');
        g.on('click', (event: MouseEvent, d) => {
          event.stopPropagation();
          this.events.select({ kind: 'node', id: d.node.id });
        });
        g.on('keydown', (event: KeyboardEvent, d) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            this.events.select({ kind: 'node', id: d.node.id });
          } else if (event.key.startsWith('Arrow')) {
            event.preventDefault();
            this.events.navigate(d.node.id, event.key);
          }
        });
        return g;
      });
    nodes
      .attr('data-kind', (d) => d.node.kind)
      .attr('aria-label', (d) => ariaLabel(d.node))
      .attr('class', (d) => `node kind-${d.node.kind} health-${d.health}${d.fresh ? ' is-fresh' : ''}`);
    nodes.select<SVGPathElement>('path.node-shape').attr('d', (d) => {
      const p = d3path();
      traceShape(p, d.node.kind, 0, 0, d.radius);
      return p.toString();
    });
    nodes.select<SVGTextElement>('text.node-label').attr('y', (d) => d.radius + 14).each((d, i, texts) => {
      if (texts[i].textContent !== d.label) texts[i].textContent = d.label;
    });
    nodes.select<SVGTextElement>('text.node-system').attr('y', (d) => d.radius + 26).each((d, i, texts) => {
      const system = d.node.system ?? '';
      if (texts[i].textContent !== system) texts[i].textContent = system;
    });
    this.applySelection();
    this.setPositions(this.positions);
  }

  setPositions(positions: ReadonlyMap<string, Point>): void {
    this.positions = positions;
    this.nodeLayer.selectAll<SVGGElement, SceneNode>('g.node').attr('transform', (d) => {
      const p = positions.get(d.node.id);
      return p ? `translate(${p.x.toFixed(1)},${p.y.toFixed(1)})` : null;
    });
    this.edgeLayer.selectAll<SVGGElement, SceneEdge>('g.edge').each((d, i, groups) => {
      const a = positions.get(d.edge.source);
      const b = positions.get(d.edge.target);
      if (!a || !b) return;
      const g = edgeGeometry(a, b, this.radius.get(d.edge.source) ?? 10, this.radius.get(d.edge.target) ?? 10);
      const dAttr = `M${g.start.x.toFixed(1)},${g.start.y.toFixed(1)}Q${g.control.x.toFixed(1)},${g.control.y.toFixed(1)} ${g.end.x.toFixed(1)},${g.end.y.toFixed(1)}`;
      const group = select(groups[i]);
      group.selectAll('path').attr('d', dAttr);
      group.select('text').attr('x', g.mid.x.toFixed(1)).attr('y', (g.mid.y - 5).toFixed(1));
    });
  }

  setTransform(t: ZoomState): void {
    this.viewport.attr('transform', `translate(${t.x},${t.y}) scale(${t.k})`);
  }

  setSelection(selection: MapSelection | null): void {
    this.selection = selection;
    this.applySelection();
  }

  focusNode(id: string): void {
    this.nodeLayer
      .selectAll<SVGGElement, SceneNode>('g.node')
      .filter((d) => d.node.id === id)
      .each((_, i, groups) => groups[i].focus());
  }

  /** The DOM is already up to date. */
  flush(): void {
    return undefined;
  }

  private applySelection(): void {
    const sel = this.selection;
    const touching = new Set<string>();
    if (sel?.kind === 'node') for (const e of this.scene.edges) if (e.edge.source === sel.id || e.edge.target === sel.id) touching.add(e.edge.id);
    this.nodeLayer.selectAll<SVGGElement, SceneNode>('g.node').classed('is-selected', (d) => sel?.kind === 'node' && d.node.id === sel.id).attr('aria-pressed', (d) => String(sel?.kind === 'node' && d.node.id === sel.id));
    this.edgeLayer
      .selectAll<SVGGElement, SceneEdge>('g.edge')
      .classed('is-selected', (d) => sel?.kind === 'edge' && d.edge.id === sel.id)
      .classed('is-adjacent', (d) => touching.has(d.edge.id))
      .classed('show-label', (d) => this.scene.edgeLabels || touching.has(d.edge.id) || (sel?.kind === 'edge' && d.edge.id === sel.id));
  }
}

function markerFor(defs: Selection<SVGDefsElement, undefined, null, undefined>, relation: Relation): void {
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
