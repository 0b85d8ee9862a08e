// Spans received per second over the last few whole seconds (GraphStats.spansPerSecond): counts
// per second, the older ones dropped as time passes, so the rate says what arrives now.

const RATE_WINDOW_S = 5;

export class SpanRate {
  private readonly perSecond = new Map<number, number>();

  add(n: number, now: number): void {
    const second = Math.floor(now / 1000);
    this.perSecond.set(second, (this.perSecond.get(second) ?? 0) + n);
  }

  prune(now: number): void {
    for (const s of this.perSecond.keys()) if (s < Math.floor(now / 1000) - RATE_WINDOW_S) this.perSecond.delete(s);
  }

  /** The mean over the last RATE_WINDOW_S whole seconds before `now`'s. */
  current(now: number): number {
    const from = Math.floor(now / 1000) - RATE_WINDOW_S;
    let recent = 0;
    for (const [s, n] of this.perSecond) if (s >= from && s < from + RATE_WINDOW_S) recent += n;
    return Math.round(recent / RATE_WINDOW_S);
  }

  clear(): void {
    this.perSecond.clear();
  }
}
