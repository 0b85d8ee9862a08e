// Recent spans of the selection (the details panel's "Recent spans" and runtime code links),
// asked of the host when the selection changes and again at most every few seconds of updates.

import type { Graph } from '../../common/src/graph';
import type { SpanQuery, SpanSummary } from '../../common/src/telemetry';
import type { Host } from './host';
import type { Selection } from './uiState';
import { DetailsPanel } from './views/details';

const MAX_SPANS = 100;
const SPANS_REFRESH_MS = 5000;

export class SpansQuery {
  /** null while asked and not answered. */
  spans: SpanSummary[] | null = null;
  private request = 0;
  private askedAt = 0;

  constructor(private readonly host: Host, private readonly changed: () => void) {}

  /** Asks for the selection's spans (none to ask for: an empty list). */
  askFor(selection: Selection, graph: Graph): void {
    const query = DetailsPanel.queryFor(selection, graph);
    this.spans = null;
    if (query) this.ask(query);
    else this.spans = [];
  }

  /** Live data changed: the selection's spans are asked again once they are a few seconds old. */
  refresh(selection: Selection | null, graph: Graph): void {
    if (selection && Date.now() - this.askedAt > SPANS_REFRESH_MS) this.askFor(selection, graph);
  }

  ask(query: SpanQuery): void {
    this.askedAt = Date.now();
    this.host.send({ type: 'requestSpans', requestId: ++this.request, query });
  }

  answered(requestId: number, spans: unknown): void {
    if (requestId !== this.request) return;
    this.spans = Array.isArray(spans) ? (spans as SpanSummary[]).slice(0, MAX_SPANS) : [];
    this.changed();
  }

  clear(): void {
    this.spans = null;
  }
}
