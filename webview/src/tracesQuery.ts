// The traces of the selection (the details panel's "Recent traces") and the one trace the trace
// view shows, asked of the host and held with the host's error text when it has none.

import type { Graph } from '../../common/src/graph';
import type { TraceDetail, TraceQuery, TraceSummary } from '../../common/src/traces';
import type { Host } from './host';
import { sanitizeTrace, sanitizeTraceList, traceSourceOf } from './traceData';
import type { Selection } from './uiState';
import { DetailsPanel } from './views/details';

const LIST_LIMIT = 20;
const LIST_REFRESH_MS = 5000;
/** Traces followed through span links that Back returns to. */
const MAX_BACK = 20;

export interface TraceListState {
  /** Failing first, then slowest; null while asked and not answered. */
  traces: TraceSummary[] | null;
  /** Why the host has no list (no trace store, a source failed). */
  error: string | null;
  /** Where the list came from when not the local receiver (a team's Jaeger). */
  source?: string;
}

export type OpenTrace =
  | { state: 'loading'; traceId: string; spanId: string | null }
  | { state: 'shown'; traceId: string; spanId: string | null; trace: TraceDetail }
  | { state: 'failed'; traceId: string; spanId: string | null; error: string };

export class TracesQuery {
  list: TraceListState = { traces: null, error: null };
  open: OpenTrace | null = null;
  /** Traces left by following a link, newest last. */
  readonly back: Array<{ traceId: string; spanId: string | null }> = [];
  private listRequests = new Map<number, TraceSummary[] | null>();
  private listSource: string | null = null;
  private request = 0;
  private traceRequest = 0;
  private askedAt = 0;

  constructor(private readonly host: Host, private readonly listChanged: () => void, private readonly traceChanged: () => void) {}

  /** The selection's query: the same filters its recent spans are asked with. */
  static queryFor(selection: Selection, graph: Graph): TraceQuery | null {
    const q = DetailsPanel.queryFor(selection, graph);
    if (!q) return null;
    const filters: TraceQuery = { ...q };
    delete filters.limit;
    return filters;
  }

  /**
   * Asks for the selection's traces: the failing ones and the slowest ones, merged, so neither
   * fills the list alone.
   */
  askFor(selection: Selection, graph: Graph): void {
    const query = TracesQuery.queryFor(selection, graph);
    this.list = { traces: query ? null : [], error: null };
    this.listRequests.clear();
    this.listSource = null;
    this.askedAt = Date.now();
    if (!query) return;
    for (const order of ['errors', 'slowest'] as const) {
      const requestId = ++this.request;
      this.listRequests.set(requestId, null);
      this.host.send({ type: 'requestTraces', requestId, query: { ...query, order, limit: LIST_LIMIT } });
    }
  }

  /** Live data changed: the list is asked again once it is a few seconds old. */
  refresh(selection: Selection | null, graph: Graph): void {
    if (selection && Date.now() - this.askedAt > LIST_REFRESH_MS) this.askFor(selection, graph);
  }

  clearList(): void {
    this.list = { traces: null, error: null };
    this.listRequests.clear();
  }

  answeredList(requestId: number, result: unknown, error: unknown): void {
    if (!this.listRequests.has(requestId)) return;
    if (typeof error === 'string' && error) {
      this.listRequests.clear();
      this.list = { traces: [], error: error.slice(0, 500) };
      this.listChanged();
      return;
    }
    this.listRequests.set(requestId, sanitizeTraceList(result));
    this.listSource = traceSourceOf(result) ?? this.listSource;
    const answers = [...this.listRequests.values()];
    if (answers.some((a) => a === null)) return;
    const source = this.listSource && this.listSource !== 'local' ? { source: this.listSource } : {};
    this.list = { traces: mergeTraceLists(answers as TraceSummary[][]), error: null, ...source };
    this.listChanged();
  }

  /** Shows a trace; `spanId` is the span to select in it (a followed link's). */
  show(traceId: string, spanId: string | null = null, followed = false): void {
    if (followed && this.open) {
      this.back.push({ traceId: this.open.traceId, spanId: this.open.spanId });
      if (this.back.length > MAX_BACK) this.back.shift();
    }
    if (!followed) this.back.length = 0;
    this.open = { state: 'loading', traceId, spanId };
    this.host.send({ type: 'requestTrace', requestId: ++this.traceRequest, traceId });
    this.traceChanged();
  }

  goBack(): void {
    const previous = this.back.pop();
    if (!previous) return;
    this.open = { state: 'loading', ...previous };
    this.host.send({ type: 'requestTrace', requestId: ++this.traceRequest, traceId: previous.traceId });
    this.traceChanged();
  }

  answeredTrace(requestId: number, trace: unknown, error: unknown): void {
    if (requestId !== this.traceRequest || !this.open) return;
    const { traceId, spanId } = this.open;
    const detail = sanitizeTrace(trace);
    if (detail) this.open = { state: 'shown', traceId, spanId, trace: detail };
    else this.open = { state: 'failed', traceId, spanId, error: typeof error === 'string' && error ? error.slice(0, 500) : 'This trace is not kept any more, or this host never received it.' };
    this.traceChanged();
  }

  close(): void {
    this.open = null;
    this.back.length = 0;
    this.traceRequest++;
    this.traceChanged();
  }
}

/** One entry per trace; failing traces first, then by duration, longest first. */
export function mergeTraceLists(lists: ReadonlyArray<readonly TraceSummary[]>): TraceSummary[] {
  const byId = new Map<string, TraceSummary>();
  for (const list of lists) for (const t of list) if (!byId.has(t.traceId)) byId.set(t.traceId, t);
  return [...byId.values()].sort((a, b) => Number(b.errorCount > 0) - Number(a.errorCount > 0) || b.durationMs - a.durationMs || b.startMs - a.startMs).slice(0, LIST_LIMIT);
}
