// The map application: applies host messages to the model, keeps the UI state, and decides what
// each view shows. Views render; the queries ask the host; this file only coordinates.

import type { CodeLocation } from '../../common/src/graph';
import type { FocusTarget, ToWebview } from '../../common/src/protocol';
import type { FlowRun } from '../../common/src/telemetry';
import { coverage, locationLabel, type Coverage } from './codeLinks';
import { compareWith, NO_COMPARISON, type Comparison } from './compare';
import { CompareQuery } from './compareQuery';
import { exportShown, type ExportSource } from './exportShown';
import { filterGraph, type VisibleGraph } from './filters';
import { resolveFocus } from './focusTarget';
import type { Host } from './host';
import { Model } from './model';
import { RenderLoop } from './renderLoop';
import { RunsQuery } from './runsQuery';
import { SpansQuery } from './spansQuery';
import { TraceViewer } from './traceViewer';
import { UiStore } from './uiStore';
import { DEFAULT_WINDOW_MS, defaultUiState, type Filters, type Selection, type UiState, type ViewName } from './uiState';
import { WindowQuery } from './windowQuery';
import { DetailsPanel } from './views/details';
import { el } from './views/dom';
import { renderEdgeTable } from './views/edgeTable';
import { ExportDialog } from './views/exportDialog';
import { FlowView } from './views/flowView';
import { MapView } from './views/mapView';
import { Notices } from './views/notices';
import { buildScene, type MapSelection } from './views/scene';
import { Stage } from './views/stage';
import { Toolbar, type ExportFormat } from './views/toolbar';

/** A new item's highlight lasts 4 s (model.ts): one render just after it ends clears it. */
const FRESH_REFRESH_MS = 4100;

/** What the filters, coverage and comparison make of the shown graph, recomputed when data changes. */
interface Derived {
  visible: VisibleGraph;
  cov: Coverage;
  cmp: Comparison;
}

export class App {
  private readonly model = new Model();
  private readonly store: UiStore;
  private readonly loop = new RenderLoop((data) => this.render(data));
  private readonly toolbar: Toolbar;
  private readonly stage: Stage;
  private readonly details: DetailsPanel;
  private readonly mapView: MapView;
  private readonly flowView: FlowView;
  private readonly exportDialog = new ExportDialog();
  private readonly notices = new Notices();
  private readonly spans: SpansQuery;
  private readonly traces: TraceViewer;
  private readonly compare: CompareQuery;
  private readonly runs: RunsQuery;
  private readonly window: WindowQuery;
  private pendingUpdates = 0;
  private version = 0;
  private derived: Derived = { visible: { nodes: [], edges: [] }, cov: { stepsWithoutSite: new Set(), sitesNeverLive: [] }, cmp: NO_COMPARISON };

  constructor(private readonly host: Host, root: HTMLElement) {
    this.store = new UiStore(host);
    this.compare = new CompareQuery(host, (data) => this.loop.schedule(data));
    this.window = new WindowQuery(host, () => this.loop.schedule(true));
    this.window.set(this.ui.windowMs, this.ui.paused);
    this.runs = new RunsQuery(host, () => this.loop.schedule(true));
    this.spans = new SpansQuery(host, () => this.loop.schedule(false));
    this.traces = new TraceViewer(host, {
      changed: () => this.loop.schedule(true),
      listChanged: () => this.loop.schedule(false),
      openLocation: (location) => this.openLocation(location),
      announce: (text) => this.notices.announce(text),
    });
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
    this.mapView = new MapView({ select: (s: MapSelection) => this.select(s), zoomed: (zoom) => this.store.zoomed(zoom), announce: (text) => this.notices.announce(text) }, this.ui.zoom);
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
      openTrace: (traceId) => this.traces.open(traceId),
    });
    this.stage = new Stage(this.mapView, this.ui.legendOpen, (legendOpen) => this.update({ legendOpen }, false));
    root.replaceChildren(this.toolbar.element, el('div', { class: 'body' }, [this.stage.element, this.details.element]), this.notices.notice, this.notices.announcer, this.exportDialog.element);
  }

  private get ui(): UiState {
    return this.store.state;
  }

  start(): void {
    document.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || this.exportDialog.element.open) return;
      // Escape steps back one level: the open trace first, then the selection.
      if (this.traces.isOpen) this.closeTrace();
      else if (this.ui.selection) this.clearSelection();
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
          this.loop.schedule(false);
          return;
        }
        this.loop.schedule(true);
        if (message.type === 'init') this.initialised(message.graph.window?.ms);
        else {
          this.spans.refresh(this.ui.selection, this.model.graph);
          this.traces.refresh(this.ui.selection, this.model.graph);
        }
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
        this.traces.receive(message);
        return;
      default: {
        const never: never = message;
        void never;
      }
    }
  }

  /** The host's first message: history, the window and the restored selection's spans and traces. */
  private initialised(hostWindowMs: number | null | undefined): void {
    this.compare.askHistory();
    // The host's window (serve --window, otelFlowMap.receiver.windowSeconds) replaces the built-in default.
    if (typeof hostWindowMs === 'number' && hostWindowMs !== DEFAULT_WINDOW_MS && this.ui.windowMs === DEFAULT_WINDOW_MS) this.setWindow(hostWindowMs);
    else this.window.ask();
    if (!this.ui.selection) return;
    this.spans.askFor(this.ui.selection, this.model.graph);
    this.traces.askFor(this.ui.selection, this.model.graph);
  }

  // --- UI state changes -------------------------------------------------------------------

  private update(change: Partial<UiState>, render: boolean): void {
    this.store.update(change);
    if (render) this.loop.schedule(true);
  }

  private setView(view: ViewName): void {
    // Runs are refreshed only while the flow view is open: ask again on return.
    if (view === 'flow') this.runs.reset();
    this.traces.close();
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

  private setWindow(windowMs: number | null): void {
    this.window.set(windowMs, this.ui.paused);
    this.update({ windowMs }, true);
    this.window.ask();
  }

  private select(selection: Selection): void {
    const view: ViewName = selection.kind === 'step' ? 'flow' : this.ui.view === 'table' ? 'table' : 'map';
    const flow = selection.kind === 'step' ? selection.flow : this.ui.flow;
    const viewChanged = view !== this.ui.view || flow !== this.ui.flow;
    this.update({ selection, view, flow }, viewChanged || selection.kind === 'step');
    this.spans.askFor(selection, this.model.graph);
    this.traces.askFor(selection, this.model.graph);
    if (selection.kind !== 'step') this.mapView.setSelection(selection);
    this.loop.schedule(false);
  }

  private clearSelection(): void {
    this.spans.clear();
    this.traces.clearList();
    this.update({ selection: null }, this.ui.view === 'flow');
    this.mapView.setSelection(null);
    this.loop.schedule(false);
  }

  private closeTrace(): void {
    this.traces.close();
    this.loop.afterRender(() => this.traces.restoreFocus());
  }

  private focus(target: FocusTarget): void {
    const action = resolveFocus(target, this.model.graph);
    switch (action.kind) {
      case 'node':
        // Clear filters that would hide the node, then select and centre it.
        if (!this.derived.visible.nodes.some((n) => n.id === action.id)) this.update({ filters: defaultUiState().filters }, true);
        this.select({ kind: 'node', id: action.id });
        this.update({ view: 'map' }, true);
        this.loop.afterRender(() => this.mapView.centreOn(action.id));
        return;
      case 'edge':
        this.select({ kind: 'edge', id: action.id });
        this.loop.afterRender(() => this.mapView.centreOn(action.source));
        return;
      case 'step':
        this.select(action);
        this.loop.afterRender(() => this.flowView.focusStep(action.step));
        return;
      case 'search':
        this.setFilters({ search: action.name });
        return;
      case 'trace':
        this.traces.open(action.traceId);
        return;
      default: {
        const never: never = action;
        void never;
      }
    }
  }

  private openLocation(location: CodeLocation): void {
    this.host.send({ type: 'openLocation', location });
    if (this.host.kind === 'browser') this.notices.show(`${locationLabel(location)} — open this location in your editor.`);
  }

  private chooseRun(runId: string | null): void {
    this.runs.selectedId = runId;
    this.spans.clear();
    this.traces.clearList();
    // The details panel shows the run while nothing is selected.
    this.update({ selection: null }, true);
  }

  // --- Rendering ----------------------------------------------------------------------------

  private render(data: boolean): boolean {
    const model = this.model;
    const graph = this.window.shown(model.graph);
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
    if (!model.initialised) return false;
    const now = Date.now();
    if (data) {
      const visible = filterGraph(graph, this.ui.filters, model.sites);
      this.derived = { visible, cov: coverage(graph, model.sites), cmp: compareWith(visible, this.compare.diff) };
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
      sitesNeverLive: this.derived.cov.sitesNeverLive,
      showPaths: this.host.kind === 'browser',
      root: model.root,
      addedEdges: this.derived.cmp.added,
      run: this.ui.view === 'flow' ? this.runDetails() : null,
      traces: this.traces.list,
      openTraceId: this.traces.openTraceId,
    });
    const body = document.body.dataset;
    body.view = this.traces.isOpen ? 'trace' : this.ui.view;
    body.version = String(this.version);
    body.ready = 'true';
    const { visible } = this.derived;
    if (visible.nodes.some((n) => model.isFresh(n.id, now)) || visible.edges.some((e) => model.isFresh(e.id, now))) this.loop.renderAfter(FRESH_REFRESH_MS);
    return true;
  }

  private renderStage(now: number): void {
    const graph = this.window.shown(this.model.graph);
    const { visible, cmp, cov } = this.derived;
    const fresh = (id: string): boolean => this.model.isFresh(id, now);
    if (this.traces.isOpen) {
      this.stage.show('trace', this.traces.view.element);
      this.traces.render({ showPath: this.host.kind === 'browser', root: this.model.root, sites: this.model.sites });
      return;
    }
    switch (this.ui.view) {
      case 'map':
        if (!graph.nodes.length) return this.stage.showEmpty(this.model.receiver);
        this.stage.showMap({ scene: buildScene(visible, fresh, cmp), removed: cmp.unplaced, compareSince: this.compare.since, now, nodes: graph.nodes });
        return;
      case 'flow': {
        this.stage.show('flow', this.flowView.element);
        const flows = [...graph.flows].sort((a, b) => b.runs - a.runs || a.name.localeCompare(b.name));
        const flow = flows.find((f) => f.name === this.ui.flow) ?? flows[0];
        if (flow) this.runs.show(flow.name);
        this.flowView.render({
          flows,
          flow,
          selectedStep: this.ui.selection?.kind === 'step' && this.ui.selection.flow === flow?.name ? this.ui.selection.step : null,
          coverage: this.ui.coverage,
          stepsWithoutSite: cov.stepsWithoutSite,
          isFresh: fresh,
          runs: this.runs.runsOf(flow?.name),
          selectedRun: this.runs.selected(flow?.name),
        });
        return;
      }
      case 'table': {
        const selected = this.ui.selection?.kind === 'edge' ? this.ui.selection.id : null;
        this.stage.show('table', renderEdgeTable(visible, selected, (id) => this.select({ kind: 'edge', id }), cmp));
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

  private exportView(format: ExportFormat): Promise<void> {
    const graph = this.window.shown(this.model.graph);
    const { visible } = this.derived;
    const source: ExportSource =
      this.ui.view === 'flow'
        ? { kind: 'flow', flow: graph.flows.find((f) => f.name === this.ui.flow) ?? [...graph.flows].sort((a, b) => b.runs - a.runs)[0], positions: this.flowView.stepPositions() }
        : { kind: 'map', graph: { ...graph, nodes: visible.nodes, edges: visible.edges }, visible, positions: this.mapView.positions() };
    return exportShown(source, format).then((result) => this.exportDialog.show(result));
  }
}
