// The SVG elements of one node or edge of the map and what was last written to them: created
// once per id, then rewritten only where what they show changed (a content signature per part),
// so a live update never rewrites or reads back what is already on screen.

import { path as d3path } from 'd3';
import type { EdgeRoute } from '../layout/edgeRoutes';
import { ariaLabel, nodeTooltip, systemLine, sceneEdgeLabel, type SceneEdge, type SceneNode } from './scene';
import { traceShape } from './shapes';

/** A node's elements and what was last written to them. */
export interface NodeEl {
  g: SVGGElement;
  shape: SVGPathElement;
  label: SVGTextElement;
  system: SVGTextElement;
  title: SVGTitleElement;
  /** What the shape, the texts and the ARIA label were last written from. */
  shapeSig: string;
  textSig: string;
  aria: string;
  cls: string;
  pressed: string;
  transform: string;
  /** Where the label was last written ('' = hidden), relative to the node. */
  labelAt: string;
}

/** An edge's elements and what was last written to them. */
export interface EdgeEl {
  g: SVGGElement;
  hit: SVGPathElement;
  line: SVGPathElement;
  label: SVGTextElement;
  /** What the line's style and the label's text were last written from. */
  styleSig: string;
  text: string;
  cls: string;
  /** The end nodes' drawn transforms, radii and lane the path was computed from. */
  ends: string;
  route: EdgeRoute | null;
  /** Where the label was last written ('' = hidden). */
  labelAt: string;
}

export function nodeElements(d: SceneNode): NodeEl {
  const g = document.createElementNS('http://www.w3.org/2000/svg', 'g');
  g.setAttribute('tabindex', '0');
  g.setAttribute('role', 'button');
  g.setAttribute('data-node-id', d.node.id);
  const el: NodeEl = { g, shape: svgChild(g, 'path', 'node-shape'), label: svgChild(g, 'text', 'node-label'), system: svgChild(g, 'text', 'node-system'), title: svgTitle(g), shapeSig: '', textSig: '', aria: '', cls: '', pressed: '', transform: '', labelAt: '' };
  el.label.setAttribute('text-anchor', 'middle');
  el.system.setAttribute('text-anchor', 'middle');
  return el;
}

export function edgeElements(d: SceneEdge): EdgeEl {
  const g = document.createElementNS('http://www.w3.org/2000/svg', 'g');
  g.setAttribute('data-edge-id', d.edge.id);
  return { g, hit: svgChild(g, 'path', 'edge-hit'), line: svgChild(g, 'path', 'edge-line'), label: svgChild(g, 'text', 'edge-label'), styleSig: '', text: '', cls: '', ends: '', route: null, labelAt: '' };
}

/**
 * Rewrites a node's shape, texts and ARIA label, each only when what it shows changed; true
 * when labels have to be placed again (the shape or a text changed).
 */
export function syncNode(d: SceneNode, el: NodeEl): boolean {
  const n = d.node;
  let moved = false;
  const shapeSig = `${n.kind}\u0000${d.radius}`;
  if (shapeSig !== el.shapeSig) {
    el.shapeSig = shapeSig;
    el.g.setAttribute('data-kind', n.kind);
    const p = d3path();
    traceShape(p, n.kind, 0, 0, d.radius);
    el.shape.setAttribute('d', p.toString());
    moved = true;
  }
  const system = systemLine(n);
  const textSig = `${d.label}\u0000${system}\u0000${n.name}\u0000${JSON.stringify(n.namedBy ?? null)}`;
  if (textSig !== el.textSig) {
    el.textSig = textSig;
    el.label.textContent = d.label;
    el.system.textContent = system;
    el.title.textContent = nodeTooltip(n);
    moved = true;
  }
  const aria = ariaLabel(n);
  if (aria !== el.aria) {
    el.aria = aria;
    el.g.setAttribute('aria-label', aria);
  }
  // Placement depends on the shape and the text's width: place again.
  if (moved) el.labelAt = '-';
  return moved;
}

/**
 * Rewrites an edge's style and, when the label is `shown`, its text, each only when it changed;
 * true when a shown label's text changed. A hidden label keeps its old text: on a big map every
 * update changes every edge's numbers, and rewriting a thousand hidden texts costs a style pass.
 */
export function syncEdge(d: SceneEdge, el: EdgeEl, shown: boolean): boolean {
  const e = d.edge;
  const styleSig = `${e.relation}\u0000${d.health}\u0000${d.change ?? ''}\u0000${d.width}`;
  if (styleSig !== el.styleSig) {
    el.styleSig = styleSig;
    el.g.setAttribute('data-relation', e.relation);
    if (d.change) el.g.setAttribute('data-change', d.change);
    else el.g.removeAttribute('data-change');
    // Failures win over the relation's colour, arrowhead included (the dash pattern still tells the relation).
    el.line.setAttribute('marker-end', `url(#arrow-${d.health === 'ok' || d.change ? e.relation : 'error'})`);
    el.line.style.strokeWidth = `${d.width}px`;
  }
  if (!shown) return false;
  const text = sceneEdgeLabel(d);
  if (text === el.text) return false;
  el.text = text;
  el.label.textContent = text;
  el.labelAt = '-';
  return true;
}

function svgTitle(parent: SVGGElement): SVGTitleElement {
  const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
  parent.appendChild(title);
  return title;
}

function svgChild<K extends 'path' | 'text'>(parent: SVGGElement, tag: K, className: string): SVGElementTagNameMap[K] {
  const child = document.createElementNS('http://www.w3.org/2000/svg', tag);
  child.setAttribute('class', className);
  parent.append(child);
  return child;
}
