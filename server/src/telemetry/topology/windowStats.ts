// Recent-window activity of one graph item (edge or node), for the map's sliding windows
// (issue 14 item 3): span counts, errors and latency per 10 s bucket for the last 15 min and
// per 1 min bucket for the last hour. record() is O(1); a window sums at most 90 buckets.
//
// Memory (docs/limits.md "Recent windows"): fixed 2 × 3 typed arrays per item = 1.8 KB, plus a
// sparse latency histogram per bucket that saw spans (16% log buckets: quantiles within ~8%),
// charged to one shared budget (WINDOW_HIST_BYTES, 64 MB). When it is spent a bucket keeps its
// counts but no latency: window quantiles then come from the buckets that have one.

import { MAX_WINDOW_MS } from '../../../../common/src/protocol';
import { valueOfBucket } from './histogram';
import type { WindowNumbers } from '../../../../common/src/graph';

export const FINE_MS = 10_000;
export const COARSE_MS = 60_000;
/** 10 s buckets up to 15 min, 1 min buckets up to 1 h. */
export const FINE_SLOTS = (15 * 60_000) / FINE_MS;
export const COARSE_SLOTS = MAX_WINDOW_MS / COARSE_MS;
/** The longest window the fine buckets answer; longer windows use the minute buckets. */
export const FINE_LIMIT_MS = FINE_SLOTS * FINE_MS;
/** Shared budget of the per-bucket latency histograms, in estimated bytes. */
export const WINDOW_HIST_BYTES = 64 * 1024 * 1024;
const MAP_BYTES = 96;
const ENTRY_BYTES = 32;

/** The shared byte budget of every item's bucket histograms. */
export class WindowHistBudget {
  used = 0;
  /** `full`: called for each span whose latency a bucket could not keep (counted as collapsed). */
  constructor(readonly limit = WINDOW_HIST_BYTES, readonly full: () => void = () => undefined) {}
}

class Tier {
  /** [0, n): the epoch bucket each slot holds; [n, 2n): counts; [2n, 3n): errors. */
  readonly slots: Uint32Array;
  readonly hists: Array<Map<number, number> | undefined>;
  constructor(readonly n: number, readonly ms: number) {
    this.slots = new Uint32Array(n * 3);
    this.hists = new Array<Map<number, number> | undefined>(n);
  }

  /** False when the budget could not keep the span's latency (its counts are kept). */
  record(timeMs: number, error: boolean, latencyBucket: number, budget: WindowHistBudget): boolean {
    const b = Math.floor(timeMs / this.ms);
    if (!(b >= 0)) return true;
    const slot = b % this.n;
    const held = this.slots[slot];
    if (held !== b) {
      if (held > b) return true;
      this.slots[slot] = b;
      this.slots[this.n + slot] = 0;
      this.slots[2 * this.n + slot] = 0;
      const old = this.hists[slot];
      if (old) {
        budget.used -= MAP_BYTES + old.size * ENTRY_BYTES;
        this.hists[slot] = undefined;
      }
    }
    this.slots[this.n + slot]++;
    if (error) this.slots[2 * this.n + slot]++;
    const coarse = latencyBucket >> 1;
    let h = this.hists[slot];
    if (!h) {
      if (budget.used + MAP_BYTES + ENTRY_BYTES > budget.limit) return false;
      h = new Map();
      this.hists[slot] = h;
      budget.used += MAP_BYTES;
    }
    const c = h.get(coarse);
    if (c !== undefined) h.set(coarse, c + 1);
    else if (budget.used + ENTRY_BYTES <= budget.limit) {
      h.set(coarse, 1);
      budget.used += ENTRY_BYTES;
    } else return false;
    return true;
  }

  /**
   * Sums the buckets that start at or after `sinceMs`, plus the share of the bucket holding
   * `sinceMs` that lies inside the window (its latency counted whole): a sliding window, not
   * one rounded out to whole buckets.
   */
  sum(sinceMs: number, into: Map<number, number>): { count: number; errors: number } {
    const first = Math.floor(sinceMs / this.ms);
    const share = 1 - (sinceMs - first * this.ms) / this.ms;
    let count = 0;
    let errors = 0;
    for (let slot = 0; slot < this.n; slot++) {
      const b = this.slots[slot];
      if (b < first || this.slots[this.n + slot] === 0) continue;
      const w = b === first ? share : 1;
      count += w * this.slots[this.n + slot];
      errors += w * this.slots[2 * this.n + slot];
      const h = this.hists[slot];
      if (h) for (const [k, v] of h) into.set(k, (into.get(k) ?? 0) + v);
    }
    return { count, errors };
  }

  release(budget: WindowHistBudget): void {
    for (let i = 0; i < this.n; i++) {
      const h = this.hists[i];
      if (h) budget.used -= MAP_BYTES + h.size * ENTRY_BYTES;
      this.hists[i] = undefined;
    }
  }
}

const IDLE: WindowNumbers = { count: 0, errors: 0, ratePerSec: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0 };

export class WindowStats {
  private readonly fine = new Tier(FINE_SLOTS, FINE_MS);
  private readonly coarse = new Tier(COARSE_SLOTS, COARSE_MS);

  constructor(private readonly budget: WindowHistBudget) {}

  /** A span ending at `timeMs` (clamped to `nowMs`: a future end counts now) with its latency bucket (bucketOf). */
  record(timeMs: number, nowMs: number, error: boolean, latencyBucket: number): void {
    const t = Math.min(timeMs, nowMs);
    const fine = this.fine.record(t, error, latencyBucket, this.budget);
    const coarse = this.coarse.record(t, error, latencyBucket, this.budget);
    if (!fine || !coarse) this.budget.full();
  }

  /**
   * Counts and quantiles of the spans that ended within the last `windowMs`. `lastMs`: receiver
   * time of the item's last span; silent for the whole window means zeros, exactly.
   */
  window(windowMs: number, nowMs: number, lastMs: number): WindowNumbers {
    if (nowMs - lastMs >= windowMs) return { ...IDLE };
    const tier = windowMs <= FINE_LIMIT_MS ? this.fine : this.coarse;
    const hist = new Map<number, number>();
    const sum = tier.sum(nowMs - windowMs, hist);
    const count = Math.round(sum.count);
    return { count, errors: Math.min(count, Math.round(sum.errors)), ratePerSec: round2(sum.count / (windowMs / 1000)), ...quantiles(hist) };
  }

  /** Returns this item's histogram bytes to the shared budget (the item left the graph). */
  release(): void {
    this.fine.release(this.budget);
    this.coarse.release(this.budget);
  }
}

function quantiles(hist: Map<number, number>): { p50Ms: number; p95Ms: number; p99Ms: number } {
  let total = 0;
  for (const v of hist.values()) total += v;
  if (total === 0) return { p50Ms: 0, p95Ms: 0, p99Ms: 0 };
  const keys = [...hist.keys()].sort((a, b) => a - b);
  const at = (q: number): number => {
    const rank = Math.max(1, Math.ceil(q * total));
    let seen = 0;
    for (const k of keys) {
      seen += hist.get(k)!;
      // A coarse bucket k holds fine buckets 2k and 2k+1: its middle is the fine boundary.
      if (seen >= rank) return Math.round(valueOfBucket(2 * k + 0.5) * 100) / 100;
    }
    return 0;
  };
  return { p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99) };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
