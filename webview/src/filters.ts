// Which nodes and edges the map shows under the current filters. Pure.

import type { Graph, GraphEdge, GraphNode } from '../../common/src/graph';
import type { SpanSiteSummary } from '../../common/src/sites';
import { byAttribute, byFocus, byMinRate, parseAttributeFilter } from './narrowing';
import type { Filters } from './uiState';

export interface VisibleGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** The basic filters, then attribute, traffic and focus (narrowing.ts), in that order. */
export function filterGraph(graph: Graph, filters: Filters, sites: readonly SpanSiteSummary[] = []): VisibleGraph {
  let vis = basicFilters(graph, filters);
  const attribute = parseAttributeFilter(filters.attribute);
  if (attribute) vis = byAttribute(vis, attribute, sites);
  vis = byMinRate(vis, filters.minPerMinute);
  if (filters.focus) vis = byFocus(vis, filters.focus.id, filters.focus.hops);
  return vis;
}

function basicFilters(graph: Graph, filters: Filters): VisibleGraph {
  const hidden = new Set(filters.hiddenRelations);
  const byId = new Map(graph.nodes.map((n) => [n.id, n] as const));
  const keepNode = (n: GraphNode | undefined): n is GraphNode => n !== undefined && !(filters.hideExternals && n.kind === 'external');
  let edges = graph.edges.filter((e) => !hidden.has(e.relation) && keepNode(byId.get(e.source)) && keepNode(byId.get(e.target)));

  const flowServices = flowServiceNames(graph, filters.flow);
  if (flowServices) edges = edges.filter((e) => touchesServices(e, byId, flowServices));
  if (filters.service) {
    const id = `service:${filters.service}`;
    edges = edges.filter((e) => e.source === id || e.target === id);
  }
  const query = filters.search.trim().toLowerCase();
  if (query) edges = edges.filter((e) => edgeMatches(e, byId, query));

  const narrowed = Boolean(flowServices || filters.service || query);
  const ids = new Set<string>();
  for (const e of edges) {
    ids.add(e.source);
    ids.add(e.target);
  }
  const nodes = graph.nodes.filter((n) => {
    if (!keepNode(n)) return false;
    if (ids.has(n.id)) return true;
    if (!narrowed) return true;
    // Isolated nodes survive a narrowing filter only when they match it themselves.
    if (filters.service && n.id !== `service:${filters.service}`) return false;
    if (flowServices && !(n.kind === 'service' && flowServices.has(n.name))) return false;
    return !query || n.name.toLowerCase().includes(query);
  });
  return { nodes, edges };
}

function flowServiceNames(graph: Graph, flowName: string): Set<string> | null {
  if (!flowName) return null;
  const flow = graph.flows.find((f) => f.name === flowName);
  return new Set(flow ? flow.steps.flatMap((s) => s.services) : []);
}

function touchesServices(e: GraphEdge, byId: Map<string, GraphNode>, services: Set<string>): boolean {
  const isIn = (id: string): boolean => {
    const n = byId.get(id);
    return n !== undefined && n.kind === 'service' && services.has(n.name);
  };
  return isIn(e.source) || isIn(e.target);
}

function edgeMatches(e: GraphEdge, byId: Map<string, GraphNode>, query: string): boolean {
  const has = (s: string | undefined): boolean => s !== undefined && s.toLowerCase().includes(query);
  return has(byId.get(e.source)?.name) || has(byId.get(e.target)?.name) || e.spanNames.some(has) || has(e.relation);
}
