// Expiry of the live graph (contract.md §2e): when items leave, and the removed* lists of the
// next delta. Checked at most once a second: a scan of every node and edge is not per tick work.

const CHECK_EVERY_MS = 1_000;

export class GraphExpiry {
  private nextCheck = 0;
  /** Flow name -> receiver time of its last span (only flows the tracker holds, so bounded by its cap). */
  private flowTouched = new Map<string, number>();
  private removedNodeIds: string[] = [];
  private removedEdgeIds: string[] = [];
  private removedFlowNames: string[] = [];

  constructor(private readonly ttlMs: number) {}

  /** The cut-off time when a check is due now, else undefined. */
  due(now: number): number | undefined {
    if (now < this.nextCheck || !(this.ttlMs > 0)) return undefined;
    this.nextCheck = now + CHECK_EVERY_MS;
    return now - this.ttlMs;
  }

  flowSeen(name: string, now: number): void {
    this.flowTouched.set(name, now);
  }

  /** Flows unseen since `before`; each is listed as removed. */
  idleFlows(before: number): string[] {
    const idle: string[] = [];
    for (const [name, at] of this.flowTouched) {
      if (at >= before) continue;
      this.flowTouched.delete(name);
      idle.push(name);
    }
    this.removedFlowNames.push(...idle);
    return idle;
  }

  removeNode(id: string): void {
    this.removedNodeIds.push(id);
  }

  removeEdge(id: string): void {
    this.removedEdgeIds.push(id);
  }

  /** The removed* fields of the next delta (emptied). */
  takeRemoved(): { removedNodeIds: string[]; removedEdgeIds: string[]; removedFlowNames: string[] } {
    const out = { removedNodeIds: this.removedNodeIds, removedEdgeIds: this.removedEdgeIds, removedFlowNames: this.removedFlowNames };
    this.removedNodeIds = [];
    this.removedEdgeIds = [];
    this.removedFlowNames = [];
    return out;
  }

  get pending(): boolean {
    return this.removedNodeIds.length + this.removedEdgeIds.length + this.removedFlowNames.length > 0;
  }

  clear(): void {
    this.flowTouched.clear();
    this.takeRemoved();
  }
}
