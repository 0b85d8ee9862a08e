// Sustained span loss for the status bar: a single dropped span (a burst at startup, one oversized
// request) is no reason to turn the status bar yellow; more than 1% of the spans of the last
// minute lost is. Fed with the graph's running totals; pure, unit-tested.

export const LOSS_WINDOW_MS = 60_000;
export const LOSS_THRESHOLD = 0.01;

interface Sample {
  at: number;
  received: number;
  dropped: number;
}

export class LossWindow {
  private samples: Sample[] = [];

  constructor(private readonly windowMs = LOSS_WINDOW_MS, private readonly threshold = LOSS_THRESHOLD) {}

  /** Running totals at time `at` (ms). Totals that went down (data cleared, another receiver shown) start over. */
  record(at: number, received: number, dropped: number): void {
    const lastSample = this.samples[this.samples.length - 1];
    if (lastSample && (received < lastSample.received || dropped < lastSample.dropped)) this.samples = [];
    // Deltas arrive a few times a second at most: a minute of samples is a few hundred.
    this.samples.push({ at, received, dropped });
    // Keep one sample at or before the window's start: the base the window is measured from.
    while (this.samples.length > 2 && this.samples[1].at <= at - this.windowMs) this.samples.shift();
  }

  /** The share of spans lost over the last minute when it exceeds the threshold, once a whole minute was seen; else undefined. */
  sustainedLoss(now: number): number | undefined {
    const base = this.samples[0];
    const head = this.samples[this.samples.length - 1];
    if (!base || !head || base.at > now - this.windowMs) return undefined;
    const lost = head.dropped - base.dropped;
    if (lost <= 0) return undefined;
    const ratio = lost / Math.max(head.received - base.received, lost);
    return ratio > this.threshold ? ratio : undefined;
  }
}
