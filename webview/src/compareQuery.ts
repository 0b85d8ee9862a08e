// "Compare with an earlier snapshot": the snapshot list and the diff of the live edges against
// one snapshot, asked of the host and asked again (throttled) when live edges come or go.

import type { EdgeDiff, GraphDelta, SnapshotInfo } from '../../common/src/graph';
import { sanitizeSnapshots } from './compare';
import type { Host } from './host';

/** While comparing, a new or removed live edge asks for a fresh diff at most this often. */
const DIFF_REFRESH_MS = 1000;

export class CompareQuery {
  snapshots: SnapshotInfo[] = [];
  since: number | null = null;
  diff: EdgeDiff | null = null;
  private historyRequest = 0;
  private diffRequest = 0;
  /** Live edge ids when the current diff arrived: an edge outside them needs a fresh diff. */
  private diffEdges = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: Host, private readonly changed: (data: boolean) => void) {}

  askHistory(): void {
    this.host.send({ type: 'requestHistory', requestId: ++this.historyRequest });
  }

  history(requestId: number, snapshots: unknown): void {
    if (requestId !== this.historyRequest) return;
    this.snapshots = sanitizeSnapshots(snapshots);
    this.changed(false);
  }

  setSince(since: number | null): void {
    this.since = since;
    this.diff = null;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (since !== null) this.askDiff();
    this.changed(true);
  }

  answered(message: { requestId: number } & EdgeDiff, liveEdgeIds: Iterable<string>): void {
    if (message.requestId !== this.diffRequest || this.since === null) return;
    this.diff = message;
    this.diffEdges = new Set(liveEdgeIds);
    this.changed(true);
  }

  /** A delta that adds or removes live edges makes the diff stale: ask again, throttled. */
  onDelta(delta: GraphDelta): void {
    if (!this.diff || this.timer) return;
    const changed = delta.reset || delta.removedEdgeIds?.length || delta.edges?.some((e) => !this.diffEdges.has(e.id));
    if (!changed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.askDiff();
    }, DIFF_REFRESH_MS);
  }

  private askDiff(): void {
    if (this.since === null) return;
    this.host.send({ type: 'requestDiff', requestId: ++this.diffRequest, since: this.since });
  }
}
