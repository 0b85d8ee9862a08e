// The details panel: counts, latency, errors, span names and scopes, code locations and
// recent spans for the selected node, edge or flow step; the coverage list when nothing is selected.

import type { CodeLocation, Flow, FlowStep, Graph, GraphEdge, GraphNode, WindowNumbers } from '../../../common/src/graph';
import type { SpanSiteSummary } from '../../../common/src/sites';
import type { FlowRun, SpanQuery, SpanSummary } from '../../../common/src/telemetry';
import { mergeLocations, serviceSites, resolveLocation, runtimeFileResolver, runtimeLocation, runtimeLocations, siteLocation, sitesForSpanNames, sitesForStep, type RuntimeFileResolver } from '../codeLinks';
import { formatCount, formatMs, formatPercent, formatRate, ratePerSecond } from '../format';
import type { TraceListState } from '../tracesQuery';
import type { Selection } from '../uiState';
import { codeLink } from './codeLink';
import { button, el, factsTable } from './dom';
import { renderRunDetails } from './runDetails';
import { renderTraceList } from './traceList';

export interface DetailsEvents {
  openLocation(location: CodeLocation): void;
  select(selection: Selection): void;
  requestSpans(query: SpanQuery): void;
  /** Show only this node and what is within `hops` edges of it. */
  focus(id: string, hops: 1 | 2 | 3): void;
  openTrace(traceId: string): void;
}

export interface DetailsInput {
  graph: Graph;
  sites: SpanSiteSummary[];
  selection: Selection | null;
  spans: SpanSummary[] | null;
  coverage: boolean;
  sitesNeverLive: SpanSiteSummary[];
  showPaths: boolean;
  /** Absolute folder of the sites' relative paths (browser links), when known. */
  root: string | null;
  /** While comparing with a snapshot: the live edges added since then. */
  addedEdges?: ReadonlySet<string>;
  /** The flow run highlighted in the flow view: shown while nothing is selected. */
  run?: { flow: string; run: FlowRun } | null;
  /** The selection's recent traces, and the one the trace view shows. */
  traces: TraceListState;
  openTraceId: string | null;
}

const MAX_LIST = 25;

export class DetailsPanel {
  readonly element: HTMLElement;
  /** Indexed once per sites list (the panel re-renders on every live update). */
  private resolver: { sites: SpanSiteSummary[]; resolve: RuntimeFileResolver } | null = null;

  constructor(private readonly events: DetailsEvents) {
    this.element = el('aside', { class: 'details', attrs: { 'aria-label': 'Details', 'aria-live': 'polite' } });
  }

  /** The span query for a selection (sent when the selection changes). */
  static queryFor(selection: Selection, graph: Graph): SpanQuery | null {
    switch (selection.kind) {
      case 'node': {
        const node = graph.nodes.find((n) => n.id === selection.id);
        if (!node) return null;
        return node.kind === 'service' ? { service: node.name, limit: 20 } : { nodeId: node.id, limit: 20 };
      }
      case 'edge':
        return { edgeId: selection.id, limit: 20 };
      case 'step':
        return { flow: selection.flow, step: selection.step, limit: 20 };
      default: {
        const never: never = selection;
        return never;
      }
    }
  }

  private root: string | null = null;

  render(input: DetailsInput): void {
    this.root = input.root;
    const parts = this.content(input);
    this.element.replaceChildren(...parts);
    this.element.dataset.selection = input.selection ? input.selection.kind : input.run ? 'run' : 'none';
  }

  private content(input: DetailsInput): Node[] {
    const sel = input.selection;
    if (!sel) return input.run ? renderRunDetails(input.run.flow, input.run.run) : this.overview(input);
    switch (sel.kind) {
      case 'node': {
        const node = input.graph.nodes.find((n) => n.id === sel.id);
        return node ? this.node(node, input) : this.gone();
      }
      case 'edge': {
        const edge = input.graph.edges.find((e) => e.id === sel.id);
        return edge ? this.edge(edge, input) : this.gone();
      }
      case 'step': {
        const flow = input.graph.flows.find((f) => f.name === sel.flow);
        const step = flow?.steps.find((s) => s.name === sel.step);
        return flow && step ? this.step(flow, step, input) : this.gone();
      }
      default: {
        const never: never = sel;
        return never;
      }
    }
  }

  private overview(input: DetailsInput): Node[] {
    const s = input.graph.stats;
    const out: Node[] = [
      el('h2', { text: 'Overview' }),
      factsTable([
        ['Services', String(input.graph.nodes.filter((n) => n.kind === 'service').length)],
        ['Edges', String(input.graph.edges.length)],
        ['Flows', String(input.graph.flows.length)],
        ['Spans received', formatCount(s.spansReceived)],
        ['Spans dropped', formatCount(s.spansDropped) + reasons(s.dropped)],
        // Collapsed detail is no loss (every span is counted): shown apart from dropped spans.
        ['Detail collapsed', formatCount(Object.values(s.collapsed ?? {}).reduce((a, b) => a + b, 0)) + reasons(s.collapsed ?? {})],
        ['Spans/s', s.spansPerSecond.toFixed(1)],
        ['Code sites', String(input.sites.length)],
      ]),
      el('p', { class: 'hint', text: 'Select a node, edge or step for its details. Arrow keys move between nodes; Escape clears the selection.' }),
    ];
    if (input.coverage) {
      out.push(el('h3', { text: `Code sites never seen live (${input.sitesNeverLive.length})` }));
      out.push(this.siteList(input.sitesNeverLive, input.showPaths, 'coverage-list'));
    }
    return out;
  }

  private node(node: GraphNode, input: DetailsInput): Node[] {
    const outgoing = input.graph.edges.filter((e) => e.source === node.id);
    const incoming = input.graph.edges.filter((e) => e.target === node.id);
    const own = node.kind === 'service' ? outgoing : incoming;
    const names = unique(own.flatMap((e) => e.spanNames));
    const scopes = unique(own.flatMap((e) => e.scopes));
    return [
      el('h2', { text: node.name }),
      el('p', { class: 'subtitle', text: `${node.kind}${node.system ? ` · ${node.system}` : ''}` }),
      ...(node.window ? [el('h3', { text: 'Recent window' }), factsTable(windowRows(node.window)), el('h3', { text: 'Since start' })] : []),
      factsTable([
        ['Spans', formatCount(node.spanCount)],
        ['Errors', `${formatCount(node.errorCount)} (${formatPercent(node.errorCount, node.spanCount)})`],
        ['First seen', time(node.firstSeen)],
        ['Last seen', time(node.lastSeen)],
      ]),
      ...(node.namedBy && Object.keys(node.namedBy).length
        ? [el('h3', { text: 'Named by' }), el('ul', { class: 'named-by' }, Object.entries(node.namedBy).map(([k, v]) => el('li', { text: `${k} = ${v}`, attrs: { title: `${k} = ${v}` } })))]
        : []),
      this.focusButtons(node),
      ...(node.kind === 'service' ? this.spanSites(node, input) : []),
      ...this.traces(input),
      ...this.edgeLinks('Outgoing', outgoing, input.graph, 'target'),
      ...this.edgeLinks('Incoming', incoming, input.graph, 'source'),
      ...this.names(names, scopes),
      ...(node.kind === 'service' ? [] : this.locations(sitesForSpanNames(input.sites, names, scopes).map(siteLocation), input)),
      ...this.recent(input),
    ];
  }

  private edge(edge: GraphEdge, input: DetailsInput): Node[] {
    const name = (id: string): string => input.graph.nodes.find((n) => n.id === id)?.name ?? id;
    return [
      el('h2', { text: `${name(edge.source)} → ${name(edge.target)}` }),
      el('p', { class: 'subtitle' }, [edge.relation, ...(input.addedEdges?.has(edge.id) ? [el('span', { class: 'change-badge added', text: 'added since the snapshot' })] : [])]),
      ...(edge.window ? [el('h3', { text: 'Recent window' }), factsTable(windowRows(edge.window))] : []),
      ...(edge.window ? [el('h3', { text: 'Since start' })] : []),
      factsTable([
        ['Requests', formatCount(edge.count)],
        ['Rate', formatRate(ratePerSecond(edge.count, edge.firstSeen, edge.lastSeen))],
        ['Errors', `${formatCount(edge.errors)} (${formatPercent(edge.errors, edge.count)})`],
        ['p50', formatMs(edge.p50Ms)],
        ['p95', formatMs(edge.p95Ms)],
        ['p99', formatMs(edge.p99Ms)],
        ['First seen', time(edge.firstSeen)],
        ['Last seen', time(edge.lastSeen)],
        ...(edge.details?.length ? [['Tables', edge.details.join(', ')] as [string, string]] : []),
      ]),
      // Two links in a row read as one phrase ("Go to checkout Go to payments"): say it once, with a separator.
      el('p', { class: 'edge-ends' }, ['Go to ', button(name(edge.source), () => this.events.select({ kind: 'node', id: edge.source }), 'link', { 'aria-label': `Go to ${name(edge.source)}` }), ' · ', button(name(edge.target), () => this.events.select({ kind: 'node', id: edge.target }), 'link', { 'aria-label': `Go to ${name(edge.target)}` })]),
      ...this.traces(input),
      ...this.names(edge.spanNames, edge.scopes),
      ...this.locations(sitesForSpanNames(input.sites, edge.spanNames, edge.scopes).map(siteLocation), input),
      ...this.recent(input),
    ];
  }

  private step(flow: Flow, step: FlowStep, input: DetailsInput): Node[] {
    const sites = sitesForStep(input.sites, flow.name, step.name, step.spanNames, step.scopes);
    return [
      el('h2', { text: step.name }),
      el('p', { class: 'subtitle', text: `step of ${flow.name} · ${formatCount(flow.runs)} runs` }),
      factsTable([
        ['Services', step.services.join(', ') || '–'],
        ['Spans', formatCount(step.count)],
        ['Errors', `${formatCount(step.errors)} (${formatPercent(step.errors, step.count)})`],
        ['p50', formatMs(step.p50Ms)],
        ['p95', formatMs(step.p95Ms)],
        ['p99', formatMs(step.p99Ms)],
      ]),
      ...this.traces(input),
      ...this.names(step.spanNames, step.scopes),
      ...this.locations(sites.map(siteLocation), input),
      ...this.recent(input),
    ];
  }

  private traces(input: DetailsInput): Node[] {
    return renderTraceList(input.traces, input.openTraceId, (id) => this.events.openTrace(id));
  }

  private gone(): Node[] {
    return [el('p', { class: 'hint', text: 'The selected item is no longer in the graph (filtered out or removed).' })];
  }

  private focusButtons(node: GraphNode): HTMLElement {
    const hops = ([1, 2, 3] as const).map((h) => button(`${h} hop${h === 1 ? '' : 's'}`, () => this.events.focus(node.id, h), 'focus-hops', { 'data-hops': String(h), title: `Show only ${node.name} and what is within ${h} hop${h === 1 ? '' : 's'} of it` }));
    return el('p', { class: 'focus-buttons' }, [el('span', { class: 'hint', text: 'Focus: ' }), ...hops]);
  }

  /** A service's span sites (file:line, span name, live count), each opening its line. */
  private spanSites(node: GraphNode, input: DetailsInput): Node[] {
    const found = serviceSites(input.graph, node.id, node.name, input.sites);
    const list = el('ul', { class: 'span-sites' });
    for (const { site, live } of found.slice(0, MAX_LIST)) {
      const name = site.flow && site.step ? site.step : (site.name ?? '(dynamic name)');
      list.append(
        el('li', { attrs: { 'data-span-name': site.name ?? '' } }, [
          el('span', { class: 'site-name', text: name, attrs: { title: name } }),
          el('span', { class: 'site-live', text: live === null ? '' : `${formatCount(live)} live` }),
          this.locationLink(siteLocation(site), input.showPaths, input.root),
        ]),
      );
    }
    const recent = runtimeLocations(input.spans ?? []).map((l) => resolveLocation(l, this.resolve(input.sites)));
    for (const loc of recent.slice(0, Math.max(0, MAX_LIST - found.length))) {
      if (found.some((f) => f.site.file === loc.file && f.site.line === loc.line)) continue;
      list.append(el('li', {}, [this.locationLink(loc, input.showPaths, input.root)]));
    }
    const hint = list.childElementCount ? [] : [el('p', { class: 'hint', text: input.spans === null ? 'Looking for code locations…' : 'No span site found for this service: no analyzed span matches its span names, and its spans carry no code.file.path.' })];
    return [el('h3', { text: `Span sites (${found.length})` }), list, ...hint];
  }

  private edgeLinks(title: string, edges: GraphEdge[], graph: Graph, end: 'source' | 'target'): Node[] {
    if (!edges.length) return [];
    const list = el('ul', { class: 'edge-links' });
    for (const e of edges.slice(0, MAX_LIST)) {
      const other = graph.nodes.find((n) => n.id === e[end])?.name ?? e[end];
      list.append(el('li', {}, [button(`${e.relation} ${other} · ${formatCount(e.count)}`, () => this.events.select({ kind: 'edge', id: e.id }), 'link')]));
    }
    return [el('h3', { text: title }), list];
  }

  private names(names: string[], scopes: string[]): Node[] {
    const out: Node[] = [];
    if (names.length) out.push(el('h3', { text: 'Span names' }), listOf(names, 'span-names'));
    if (scopes.length) out.push(el('h3', { text: 'Scopes' }), listOf(scopes, 'scopes'));
    return out;
  }

  private resolve(sites: SpanSiteSummary[]): RuntimeFileResolver {
    if (this.resolver?.sites !== sites) this.resolver = { sites, resolve: runtimeFileResolver(sites.map((s) => s.file)) };
    return this.resolver.resolve;
  }

  /** Static sites, then runtime locations from recent spans; one entry per file and line. */
  private locations(staticLocations: CodeLocation[], input: DetailsInput): Node[] {
    const all = mergeLocations(staticLocations, runtimeLocations(input.spans ?? []), this.resolve(input.sites));
    const list = el('ul', { class: 'code-locations' });
    for (const { location, seenAtRuntime } of all.slice(0, MAX_LIST)) {
      const also = seenAtRuntime ? [el('span', { class: 'tag tag-runtime', text: 'also at runtime', attrs: { title: 'Recent spans report this line through code.* attributes' } })] : [];
      list.append(el('li', { attrs: { 'data-seen-at-runtime': String(seenAtRuntime) } }, [this.locationLink(location, input.showPaths, input.root), ...also]));
    }
    const hint = all.length
      ? []
      : [el('p', { class: 'hint', text: input.spans === null ? 'Looking for code locations…' : 'No code site found: no analyzed span matches, and recent spans carry no code.file.path attribute.' })];
    return [el('h3', { text: 'Code' }), list, ...hint];
  }

  private locationLink(loc: CodeLocation, showPath: boolean, root: string | null = null): HTMLElement {
    const link = codeLink(loc, { showPath, root, open: (l) => this.events.openLocation(l) });
    return el('span', { class: 'code-location' }, [link, el('span', { class: `tag tag-${loc.source}`, text: loc.source === 'static' ? 'code' : 'runtime' })]);
  }

  private siteList(sites: SpanSiteSummary[], showPaths: boolean, cls: string): HTMLElement {
    const list = el('ul', { class: cls });
    for (const s of sites.slice(0, MAX_LIST * 2)) {
      const label = s.flow && s.step ? `${s.flow} / ${s.step}` : (s.name ?? '(dynamic name)');
      list.append(el('li', {}, [el('span', { class: 'site-name', text: label }), ' ', this.locationLink(siteLocation(s), showPaths, this.root)]));
    }
    if (!sites.length) list.append(el('li', { class: 'hint', text: 'None.' }));
    return list;
  }

  private recent(input: DetailsInput): Node[] {
    const title = el('h3', { text: 'Recent spans' });
    if (input.spans === null) return [title, el('p', { class: 'hint', text: 'Loading…' })];
    if (!input.spans.length) return [title, el('p', { class: 'hint', text: 'No recent spans kept for this selection.' })];
    const list = el('ul', { class: 'spans' });
    for (const s of input.spans.slice(0, MAX_LIST)) {
      const raw = runtimeLocation(s.attributes);
      const loc = raw && resolveLocation(raw, this.resolve(input.sites));
      list.append(
        el('li', { class: s.error ? 'is-error' : '' }, [
          el('span', { class: 'span-name', text: s.name }),
          el('span', { class: 'span-meta', text: ` ${s.service} · ${formatMs(s.durationMs)}${s.error ? ' · error' : ''}` }),
          ...(loc ? [el('br'), this.locationLink(loc, input.showPaths, input.root)] : []),
        ]),
      );
    }
    return [title, list];
  }
}

function windowRows(w: WindowNumbers): Array<[string, string]> {
  if (w.count === 0) return [['Requests', '0 (idle)']];
  return [
    ['Requests', formatCount(w.count)],
    ['Rate', formatRate(w.ratePerSec)],
    ['Errors', `${formatCount(w.errors)} (${formatPercent(w.errors, w.count)})`],
    ['p50 / p95 / p99', `${formatMs(w.p50Ms)} / ${formatMs(w.p95Ms)} / ${formatMs(w.p99Ms)}`],
  ];
}

function listOf(items: string[], cls: string): HTMLUListElement {
  const list = el('ul', { class: cls });
  for (const i of items.slice(0, MAX_LIST)) list.append(el('li', { text: i }));
  if (items.length > MAX_LIST) list.append(el('li', { class: 'hint', text: `… ${items.length - MAX_LIST} more` }));
  return list;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

function time(ms: number): string {
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toLocaleTimeString() : '–';
}

/** " (reason n, …)" of a counter by reason, or nothing when it is empty. */
function reasons(byReason: Record<string, number>): string {
  const parts = Object.entries(byReason).filter(([, n]) => n > 0).map(([r, n]) => `${r} ${formatCount(n)}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
