// The map application: applies host messages to the model, keeps the UI state, and
// decides what each view shows. Views render; this file only coordinates.

import type { CodeLocation, Graph } from '../../common/src/graph';
import type { FocusTarget, ToWebview } from '../../common/src/protocol';
import type { FlowRun } from '../../common/src/telemetry';
import { coverage, locationLabel, type Coverage } from './codeLinks';
import { compareWith, NO_COMPARISON, type Comparison } from './compare';
import { CompareQuery } from './compareQuery';
import { WindowQuery } from './windowQuery';
import { exportShown, type ExportSource } from './exportShown';
import { filterGraph, type VisibleGraph } from './filters';
import { SpansQuery } from './spansQuery';
import type { Host } from './host';
import { Model } from './model';
import { RunsQuery } from './runsQuery';
import { DEFAULT_WINDOW_MS, defaultUiState, sanitizeUiState, type Filters, type Selection, type UiState, type ViewName } from './uiState';
import { DetailsPanel } from './views/details';
import { el } from './views/dom';
import { renderEdgeTable } from './views/edgeTable';
import { renderRemovedPanel } from './views/removedPanel';
import { renderEmptyState } from './views/emptyState';
import { ExportDialog } from './views/exportDialog';
import { FlowView } from './views/flowView';
import { Legend } from './views/legend';
import { MapView } from './views/mapView';
import { buildScene, type MapSelection, type ZoomState } from './views/scene';
import { Toolbar, type ExportFormat } from './views/toolbar';

const ZOOM_SAVE_MS = 250;

export class App {
  private readonly model = new Model();
  private ui: UiState;
  private readonly toolbar: Toolbar;
  private readonly stage: HTMLElement;
  private readonly details: DetailsPanel;
  private readonly mapView: MapView;
  private readonly flowView: FlowView;
  private readonly exportDialog = new ExportDialog();
  private readonly announcer: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly spans: SpansQuery;
  private pendingUpdates = 0;
  private version = 0;
  private frame = 0;
  private dataDirty = true;
  private freshTimer: ReturnType<typeof setTimeout> | undefined;
  private cov: Coverage = { stepsWithoutSite: new Set(), sitesNeverLive: [] };
  private visible: VisibleGraph = { nodes: [], edges: [] };
  private readonly compare: CompareQuery;
  private cmp: Comparison = NO_COMPARISON;
  private readonly removedPanel: HTMLElement;
  /** The map and its overlays above, the legend strip below. */
  private readonly mapArea: HTMLElement;
  private readonly legend: Legend;
  private readonly runs: RunsQuery;
  private readonly window: WindowQuery;
  private zoomSaveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: Host, root: HTMLElement) {
    this.ui = sanitizeUiState(host.loadState());
    this.compare = new CompareQuery(host, (data) => this.scheduleRender(data));
    this.window = new WindowQuery(host, () => this.scheduleRender(true));
    this.window.set(this.ui.windowMs, this.ui.paused);
    this.runs = new RunsQuery(host, () => this.scheduleRender(true));
    this.spans = new SpansQuery(host, () => this.scheduleRender(false));
    this.toolbar = new Toolbar({
      view: (view) => this.setView(view),
      filters: (change) => this.setFilters(change),
      coverage: (on) => this.update({ coverage: on }, true),
      compare: (since) => this.compare.setSince(since),
      snapshotsWanted: () => this.compare.askHistory(),
      paused: (on) => this.setPaused(on),
      window: (windowMs) => this.setWindow(windowMs),
      export: (format) => void this.exportView(format),
      fit: () => this.mapView.fit(),
    });
    this.mapView = new MapView(
      {
        select: (s: MapSelection) => this.select(s),
        zoomed: (zoom) => this.zoomed(zoom),
        announce: (text) => this.announce(text),
      },
      this.ui.zoom,
    );
    this.flowView = new FlowView({
      chooseFlow: (flow) => this.update({ flow, selection: null }, true),
      selectStep: (flow, step) => this.select({ kind: 'step', flow, step }),
      chooseRun: (runId) => this.chooseRun(runId),
    });
    this.details = new DetailsPanel({
      openLocation: (location) => this.openLocation(location),
      select: (s) => this.select(s),
      requestSpans: (q) => this.spans.ask(q),
      focus: (id, hops) => this.setFilters({ focus: { id, hops } }),
    });
    this.stage = el('main', { class: 'stage' });
    this.announcer = el('div', { class: 'sr-only', attrs: { 'aria-live': 'polite' } });
    this.notice = el('div', { class: 'notice', attrs: { role: 'status' } });
    this.removedPanel = el('aside', { class: 'removed-panel', attrs: { 'aria-label': 'Edges removed since the snapshot' } });
    this.mapArea = el('div', { class: 'map-area' }, [this.mapView.element, this.removedPanel]);
    this.legend = new Legend(this.ui.legendOpen, (legendOpen) => this.update({ legendOpen }, false));
    root.replaceChildren(this.toolbar.element, el('div', { class: 'body' }, [this.stage, this.details.element]), this.notice, this.announcer, this.exportDialog.element);
    this.stage.append(el('p', { class: 'hint connecting', text: 'Connecting to the OTel Flow Map receiver…' }));
  }

  start(): void {
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !this.exportDialog.element.open && this.ui.selection) this.clearSelection();
    });
    this.host.listen((m) => this.receive(m));
    this.host.send({ type: 'ready' });
  }

  receive(message: ToWebview): void {
    switch (message.type) {
      case 'init':
      case 'graph':
      case 'delta':
      case 'receiver':
      case 'sites':
        if (message.type === 'delta') {
          this.compare.onDelta(message.delta);
          this.runs.onDelta(message.delta, this.ui.view === 'flow');
          this.window.onDelta();
        }
        this.model.apply(message, Date.now());
        if (message.type === 'delta' && this.ui.paused) {
          this.pendingUpdates++;
          this.scheduleRender(false);
          return;
        }
        this.dataDirty = true;
        this.scheduleRender(true);
        if (message.type === 'init') this.compare.askHistory();
        if (message.type === 'init') {
          // The host's window (serve --window, otelFlowMap.receiver.windowSeconds) replaces the built-in default.
          const hostMs = message.graph.window?.ms;
          if (typeof hostMs === 'number' && hostMs !== DEFAULT_WINDOW_MS && this.ui.windowMs === DEFAULT_WINDOW_MS) this.setWindow(hostMs);
          else this.window.ask();
        }
        if (message.type === 'init' && this.ui.selection) this.spans.askFor(this.ui.selection, this.model.graph);
        else this.spans.refresh(this.ui.selection, this.model.graph);
        return;
      case 'focus':
        this.focus(message.target);
        return;
      case 'spans':
        this.spans.answered(message.requestId, message.spans);
        return;
      case 'history':
        this.compare.history(message.requestId, message.snapshots);
        return;
      case 'runs':
        this.runs.answered(message.requestId, message.flow, message.runs);
        return;
      case 'window':
        this.window.answered(message.requestId, message.windowMs, message.graph);
        return;
      case 'diff':
        this.compare.answered(message, this.model.graph.edges.map((e) => e.id));
        return;
      case 'traces':
      case 'trace':
        return;
      default: {
        const never: never = message;
        void never;
      }
    }
  }

  // --- UI state changes -------------------------------------------------------------------

  private update(change: Partial<UiState>, render: boolean): void {
    this.ui = { ...this.ui, ...change };
    this.host.saveState(this.ui);
    if (render) {
      this.dataDirty = true;
      this.scheduleRender(true);
    }
  }

  /** Pan/zoom fires every frame: its state is saved once the gesture pauses, not per event. */
  private zoomed(zoom: ZoomState): void {
    this.ui = { ...this.ui, zoom };
    clearTimeout(this.zoomSaveTimer);
    this.zoomSaveTimer = setTimeout(() => this.host.saveState(this.ui), ZOOM_SAVE_MS);
  }

  private setView(view: ViewName): void {
    // Runs are refreshed only while the flow view is open: ask again on return.
    if (view === 'flow') this.runs.reset();
    this.update({ view }, true);
  }

  private setFilters(change: Partial<Filters>): void {
    this.update({ filters: { ...this.ui.filters, ...change } }, true);
  }

  private setPaused(paused: boolean): void {
    this.pendingUpdates = 0;
    this.update({ paused }, true);
    this.window.set(this.ui.windowMs, paused);
    if (!paused) this.window.ask();
  }

  // --- Time window --------------------------------------------------------------------------

  private setWindow(windowMs: number | null): void {
    this.window.set(windowMs, this.ui.paused);
    this.update({ windowMs }, true);
    this.window.ask();
  }

  /** What the views show: the windowed graph when a window is chosen and answered, else the live model. */
  private shownGraph(): Graph {
    const w = this.ui.windowMs !== null ? this.window.graph : null;
    if (!w) return this.model.graph;
    // Items that arrived live since the window was answered show at once (with their live numbers
    // until the next answer, which follows within a second).
    if (w.nodes.length >= this.model.graph.nodes.length && w.edges.length >= this.model.graph.edges.length) return w;
    const nodeIds = new Set(w.nodes.map((n) => n.id));
    const edgeIds = new Set(w.edges.map((e) => e.id));
    const nodes = this.model.graph.nodes.filter((n) => !nodeIds.has(n.id));
    const edges = this.model.graph.edges.filter((e) => !edgeIds.has(e.id));
    return nodes.length || edges.length ? { ...w, nodes: [...w.nodes, ...nodes], edges: [...w.edges, ...edges] } : w;
  }

  private select(selection: Selection): void {
    const view: ViewName = selection.kind === 'step' ? 'flow' : this.ui.view === 'table' ? 'table' : 'map';
    const flow = selection.kind === 'step' ? selection.flow : this.ui.flow;
    const viewChanged = view !== this.ui.view || flow !== this.ui.flow;
    this.update({ selection, view, flow }, viewChanged || selection.kind === 'step');
    this.spans.askFor(selection, this.model.graph);
    if (selection.kind !== 'step') this.mapView.setSelection(selection);
    this.scheduleRender(false);
  }

  private clearSelection(): void {
    this.spans.clear();
    this.update({ selection: null }, this.ui.view === 'flow');
    this.mapView.setSelection(null);
    this.scheduleRender(false);
  }

  private focus(target: FocusTarget): void {
    switch (target.kind) {
      case 'node':
        this.revealNode(target.id);
        return;
      case 'step':
        this.select({ kind: 'step', flow: target.flow, step: target.step });
        this.afterRender(() => this.flowView.focusStep(target.step));
        return;
      case 'span': {
        const edge = this.model.graph.edges.find((e) => e.spanNames.includes(target.name));
        if (edge) {
          this.select({ kind: 'edge', id: edge.id });
          this.afterRender(() => this.mapView.centreOn(edge.source));
          return;
        }
        for (const f of this.model.graph.flows) {
          const step = f.steps.find((s) => s.spanNames.includes(target.name));
          if (step) return this.focus({ kind: 'step', flow: f.name, step: step.name });
        }
        this.setFilters({ search: target.name });
        return;
      }
      default: {
        const never: never = target;
        void never;
      }
    }
  }

  private revealNode(id: string): void {
    // Clear filters that would hide the node, then select and centre it.
    if (!this.visible.nodes.some((n) => n.id === id)) this.update({ filters: defaultUiState().filters }, true);
    this.select({ kind: 'node', id });
    this.update({ view: 'map' }, true);
    this.afterRender(() => this.mapView.centreOn(id));
  }

  private openLocation(location: CodeLocation): void {
    this.host.send({ type: 'openLocation', location });
    if (this.host.kind === 'browser') this.showNotice(`${locationLabel(location)} — open this location in your editor.`);
  }

  // --- Runs of the shown flow ---------------------------------------------------------------

  private chooseRun(runId: string | null): void {
    this.runs.selectedId = runId;
    this.spans.clear();
    // The details panel shows the run while nothing is selected.
    this.update({ selection: null }, true);
  }

  // --- Rendering ----------------------------------------------------------------------------

  private callbacks: Array<() => void> = [];

  private afterRender(fn: () => void): void {
    this.callbacks.push(fn);
    this.scheduleRender(false);
  }

  private scheduleRender(data: boolean): void {
    if (data) this.dataDirty = true;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const model = this.model;
    const data = this.dataDirty;
    this.dataDirty = false;
    const graph = this.shownGraph();
    this.toolbar.update({
      ui: this.ui,
      services: graph.nodes.filter((n) => n.kind === 'service').map((n) => n.name).sort(),
      flows: graph.flows.map((f) => f.name).sort(),
      receiver: model.receiver,
      spansPerSecond: graph.stats.spansPerSecond ?? 0,
      pendingUpdates: this.pendingUpdates,
      snapshots: this.compare.snapshots,
      compareSince: this.compare.since,
      nodeName: (id) => graph.nodes.find((n) => n.id === id)?.name ?? id.slice(id.indexOf(':') + 1),
    });
    if (!model.initialised) return;
    const now = Date.now();
    if (data) {
      this.visible = filterGraph(graph, this.ui.filters, model.sites);
      this.cov = coverage(graph, model.sites);
      this.cmp = compareWith(this.visible, this.compare.diff);
      this.renderStage(now);
      this.version++;
    }
    this.mapView.setSelection(this.ui.selection && this.ui.selection.kind !== 'step' ? this.ui.selection : null);
    this.details.render({
      graph,
      sites: model.sites,
      selection: this.ui.selection,
      spans: this.spans.spans,
      coverage: this.ui.coverage,
      sitesNeverLive: this.cov.sitesNeverLive,
      showPaths: this.host.kind === 'browser',
      root: model.root,
      addedEdges: this.cmp.added,
      run: this.ui.view === 'flow' ? this.runDetails() : null,
    });
    const body = document.body.dataset;
    body.view = this.ui.view;
    body.version = String(this.version);
    body.ready = 'true';
    const callbacks = this.callbacks;
    this.callbacks = [];
    for (const fn of callbacks) fn();
    this.scheduleFreshRefresh(now);
  }

  private renderStage(now: number): void {
    const graph = this.shownGraph();
    const fresh = (id: string): boolean => this.model.isFresh(id, now);
    this.stage.dataset.view = this.ui.view;
    switch (this.ui.view) {
      case 'map': {
        if (!graph.nodes.length) {
          this.stage.replaceChildren(renderEmptyState(this.model.receiver));
          return;
        }
        if (this.mapArea.parentElement !== this.stage) this.stage.replaceChildren(this.mapArea, this.legend.element);
        this.mapView.setScene(buildScene(this.visible, fresh, this.cmp));
        renderRemovedPanel(this.removedPanel, this.cmp.unplaced, this.compare.since, now, graph.nodes);
        document.body.dataset.render = this.mapView.renderMode ?? '';
        return;
      }
      case 'flow': {
        if (this.flowView.element.parentElement !== this.stage) this.stage.replaceChildren(this.flowView.element);
        const flows = [...graph.flows].sort((a, b) => b.runs - a.runs || a.name.localeCompare(b.name));
        const flow = flows.find((f) => f.name === this.ui.flow) ?? flows[0];
        if (flow) this.runs.show(flow.name);
        this.flowView.render({
          flows,
          flow,
          selectedStep: this.ui.selection?.kind === 'step' && this.ui.selection.flow === flow?.name ? this.ui.selection.step : null,
          coverage: this.ui.coverage,
          stepsWithoutSite: this.cov.stepsWithoutSite,
          isFresh: fresh,
          runs: this.runs.runsOf(flow?.name),
          selectedRun: this.runs.selected(flow?.name),
        });
        return;
      }
      case 'table': {
        const selected = this.ui.selection?.kind === 'edge' ? this.ui.selection.id : null;
        this.stage.replaceChildren(renderEdgeTable(this.visible, selected, (id) => this.select({ kind: 'edge', id }), this.cmp));
        return;
      }
      default: {
        const never: never = this.ui.view;
        void never;
      }
    }
  }

  private runDetails(): { flow: string; run: FlowRun } | null {
    const run = this.runs.selected(this.runs.flow);
    return run ? { flow: this.runs.flow, run } : null;
  }

  /** Re-render once highlights of newly arrived items expire. */
  private scheduleFreshRefresh(now: number): void {
    const anyFresh = this.visible.nodes.some((n) => this.model.isFresh(n.id, now)) || this.visible.edges.some((e) => this.model.isFresh(e.id, now));
    if (!anyFresh || this.freshTimer) return;
    this.freshTimer = setTimeout(() => {
      this.freshTimer = undefined;
      this.scheduleRender(true);
    }, 4100);
  }

  // --- Export and notices ------------------------------------------------------------------

  private exportView(format: ExportFormat): Promise<void> {
    const graph = this.shownGraph();
    const source: ExportSource =
      this.ui.view === 'flow'
        ? { kind: 'flow', flow: graph.flows.find((f) => f.name === this.ui.flow) ?? [...graph.flows].sort((a, b) => b.runs - a.runs)[0], positions: this.flowView.stepPositions() }
        : { kind: 'map', graph: { ...graph, nodes: this.visible.nodes, edges: this.visible.edges }, visible: this.visible, positions: this.mapView.positions() };
    return exportShown(source, format).then((result) => this.exportDialog.show(result));
  }

  private showNotice(text: string): void {
    this.notice.textContent = text;
    this.notice.dataset.visible = 'true';
  }

  private announce(text: string): void {
    this.announcer.textContent = text;
  }
}

