// The trace wiring of the map: the selection's trace list for the details panel, the trace the
// stage shows instead of the map while one is open, following span links and going back, and
// where keyboard focus goes when a trace opens and closes.

import type { CodeLocation, Graph } from '../../common/src/graph';
import type { ToWebview } from '../../common/src/protocol';
import type { SpanSiteSummary } from '../../common/src/sites';
import { runtimeFileResolver, type RuntimeFileResolver } from './codeLinks';
import type { Host } from './host';
import { TracesQuery, type TraceListState } from './tracesQuery';
import type { Selection } from './uiState';
import { TraceView } from './views/traceView';

export interface TraceViewerEvents {
  /** A trace opened or closed, or its answer arrived: the stage changes. */
  changed(): void;
  /** The trace list changed: the details panel changes. */
  listChanged(): void;
  openLocation(location: CodeLocation): void;
  announce(text: string): void;
}

export interface TraceRenderContext {
  showPath: boolean;
  root: string | null;
  sites: SpanSiteSummary[];
}

export class TraceViewer {
  private readonly query: TracesQuery;
  readonly view: TraceView;
  private resolver: { sites: SpanSiteSummary[]; resolve: RuntimeFileResolver } | null = null;
  /** The trace whose list entry had focus when it opened: focus returns there on close. */
  private openedFrom: string | null = null;
  private focusPending = false;

  constructor(host: Host, private readonly events: TraceViewerEvents) {
    this.query = new TracesQuery(host, () => events.listChanged(), () => events.changed());
    this.view = new TraceView({
      close: () => this.close(),
      back: () => {
        this.focusPending = true;
        this.query.goBack();
      },
      follow: (link) => {
        this.focusPending = true;
        this.query.show(link.traceId, link.spanId, true);
      },
      openLocation: (location) => events.openLocation(location),
    });
  }

  get isOpen(): boolean {
    return this.query.open !== null;
  }

  get list(): TraceListState {
    return this.query.list;
  }

  get openTraceId(): string | null {
    return this.query.open?.traceId ?? null;
  }

  receive(message: Extract<ToWebview, { type: 'traces' | 'trace' }>): void {
    if (message.type === 'traces') this.query.answeredList(message.requestId, message.result, message.error);
    else this.query.answeredTrace(message.requestId, message.trace, message.error);
  }

  askFor(selection: Selection, graph: Graph): void {
    this.query.askFor(selection, graph);
  }

  refresh(selection: Selection | null, graph: Graph): void {
    this.query.refresh(selection, graph);
  }

  clearList(): void {
    this.query.clearList();
  }

  open(traceId: string): void {
    this.openedFrom = traceId;
    this.focusPending = true;
    this.query.show(traceId);
    this.events.announce('Trace opened. Arrow keys move between spans, Enter shows a span’s exceptions and logs, Escape closes the trace.');
  }

  close(): void {
    if (!this.query.open) return;
    this.query.close();
    this.events.announce('Trace closed.');
  }

  /** Renders the open trace into the trace view (a no-op when nothing changed); call once it is attached. */
  render(ctx: TraceRenderContext): void {
    const open = this.query.open;
    if (!open) return;
    if (this.resolver?.sites !== ctx.sites) this.resolver = { sites: ctx.sites, resolve: runtimeFileResolver(ctx.sites.map((s) => s.file)) };
    this.view.show(open, { showPath: ctx.showPath, root: ctx.root, resolve: this.resolver.resolve, backCount: this.query.back.length });
    if (this.focusPending && open.state !== 'loading') {
      this.focusPending = false;
      this.view.focus();
    }
  }

  /** After the trace closed and the details panel re-rendered: focus the list entry it came from. */
  restoreFocus(): void {
    const id = this.openedFrom;
    this.openedFrom = null;
    if (id) document.querySelector<HTMLElement>(`.details .trace-item[data-trace-id="${CSS.escape(id)}"]`)?.focus();
  }
}
