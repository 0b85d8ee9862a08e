// Caps on every structure fed from outside (ARCHITECTURE invariant 7) and the drop counter
// that makes each cap visible in GraphStats.dropped.

export interface TopologyCaps {
  nodes: number;
  edges: number;
  flows: number;
  stepsPerFlow: number;
  /** Distinct span names kept per edge / step (for display). */
  namesPerItem: number;
  /** Distinct (service, span name) pairs with live stats. */
  spanNames: number;
  pendingPairs: number;
  activeRuns: number;
  stepsPerRun: number;
  /** Latest runs kept per flow for the Run select (their steps count against stepsPerRun). */
  recentRunsPerFlow: number;
  codeRefsPerItem: number;
  retainedSpans: number;
}

export const DEFAULT_CAPS: TopologyCaps = {
  nodes: 2_000,
  edges: 5_000,
  flows: 200,
  stepsPerFlow: 200,
  namesPerItem: 20,
  spanNames: 5_000,
  pendingPairs: 20_000,
  activeRuns: 20_000,
  stepsPerRun: 64,
  recentRunsPerFlow: 50,
  codeRefsPerItem: 4,
  retainedSpans: 5_000,
};

export class DropCounter {
  readonly byReason: Record<string, number> = {};
  count(reason: string, n = 1): void {
    this.byReason[reason] = (this.byReason[reason] ?? 0) + n;
  }
  clear(): void {
    for (const k of Object.keys(this.byReason)) delete this.byReason[k];
  }
}

/** Adds to a set unless it is full; true when the value is (now) present. */
export function addCapped<T>(set: Set<T>, value: T, cap: number): boolean {
  if (set.has(value)) return true;
  if (set.size >= cap) return false;
  set.add(value);
  return true;
}
