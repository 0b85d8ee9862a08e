// Per-minute activity of one graph item (edge, node or flow step), for the map's time window:
// span counts and errors of the last RING_MINUTES minutes, keyed by each span's end time.
// One Uint32Array per item, allocated with the item; record() is O(1) and allocates nothing.
// Memory: 3 × 60 × 4 B = 720 B of data, ~950 B measured per item with the array objects; at the
// default caps (2,000 nodes + 5,000 edges + 200 flows × 200 steps = 47,000 items) at most ~45 MB.

import { MAX_WINDOW_MS } from '../../../../common/src/protocol';

export const MINUTE_MS = 60_000;
/** The longest window the map may ask for, in minutes (60). */
export const RING_MINUTES = MAX_WINDOW_MS / MINUTE_MS;

export interface Activity {
  count: number;
  errors: number;
}

export class MinuteRing {
  /** [0, 60): the epoch minute each slot holds; [60, 120): span counts; [120, 180): errors. */
  private readonly slots = new Uint32Array(RING_MINUTES * 3);

  record(timeMs: number, nowMs: number, error: boolean): void {
    // A span ending in the future (clock skew) counts now, so it never evicts a recent minute.
    const minute = Math.floor(Math.min(timeMs, nowMs) / MINUTE_MS);
    if (!(minute >= 0)) return;
    const slot = minute % RING_MINUTES;
    const held = this.slots[slot];
    if (held !== minute) {
      // Older than the ring reaches: outside every window.
      if (held > minute) return;
      this.slots[slot] = minute;
      this.slots[RING_MINUTES + slot] = 0;
      this.slots[2 * RING_MINUTES + slot] = 0;
    }
    this.slots[RING_MINUTES + slot]++;
    if (error) this.slots[2 * RING_MINUTES + slot]++;
  }

  /** Spans and errors of the minutes from the one holding `sinceMs` on (whole minutes: a window rounds out to them). */
  since(sinceMs: number): Activity {
    const from = Math.floor(sinceMs / MINUTE_MS);
    let count = 0;
    let errors = 0;
    for (let slot = 0; slot < RING_MINUTES; slot++) {
      if (this.slots[slot] < from) continue;
      count += this.slots[RING_MINUTES + slot];
      errors += this.slots[2 * RING_MINUTES + slot];
    }
    return { count, errors };
  }
}
