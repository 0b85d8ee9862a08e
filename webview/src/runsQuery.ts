// The shown flow's latest runs (the flow view's Run select) and the highlighted one, asked of
// the host when a flow is shown and again (throttled) while new spans of it arrive.

import type { GraphDelta } from '../../common/src/graph';
import type { FlowRun } from '../../common/src/telemetry';
import type { Host } from './host';
import { sanitizeRuns } from './runs';

/** While the flow view is open, new spans of the shown flow ask for its runs at most this often. */
const RUNS_REFRESH_MS = 1000;

export class RunsQuery {
  flow = '';
  list: FlowRun[] = [];
  selectedId: string | null = null;
  private request = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: Host, private readonly changed: () => void) {}

  /** Forget the runs (they are refreshed only while the flow view is open: ask again on return). */
  reset(): void {
    this.flow = '';
    this.list = [];
  }

  /** The flow view shows `flow`: ask for its runs unless they are the ones held. */
  show(flow: string): void {
    if (this.flow === flow) return;
    this.selectedId = null;
    this.ask(flow);
  }

  answered(requestId: number, flow: unknown, runs: unknown): void {
    if (requestId !== this.request) return;
    this.flow = String(flow);
    this.list = sanitizeRuns(runs);
    this.changed();
  }

  /** New spans of the shown flow bring new runs: ask again, throttled (only while `flowViewOpen`). */
  onDelta(delta: GraphDelta, flowViewOpen: boolean): void {
    if (!flowViewOpen || !this.flow || this.timer) return;
    if (!delta.flows?.some((f) => f.name === this.flow)) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.ask(this.flow);
    }, RUNS_REFRESH_MS);
  }

  selected(flow: string | undefined): FlowRun | null {
    if (!flow || this.flow !== flow || this.selectedId === null) return null;
    return this.list.find((r) => r.runId === this.selectedId) ?? null;
  }

  runsOf(flow: string | undefined): FlowRun[] {
    return flow && this.flow === flow ? this.list : [];
  }

  private ask(flow: string): void {
    this.list = this.flow === flow ? this.list : [];
    this.flow = flow;
    this.host.send({ type: 'requestRuns', requestId: ++this.request, flow });
  }
}
