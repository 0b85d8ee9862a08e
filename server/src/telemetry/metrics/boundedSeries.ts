// The label sets one family of series holds, capped in count and expiring when stale, so
// /metrics stays bounded whatever services, peers or databases the spans name.

export class BoundedSeries<L extends Record<string, string>> {
  /** Insertion-ordered by last touch: the oldest come first (expire stops at the first fresh one). */
  private readonly touched = new Map<string, { labels: L; at: number }>();

  constructor(
    private readonly max: number,
    private readonly onCapDrop: () => void,
    private readonly onRemove: (labels: L) => void,
  ) {}

  get size(): number {
    return this.touched.size;
  }

  /** Records a touch; false (and a counted drop) when the series is new and the cap is reached. */
  touch(labels: L, now: number, key = keyOf(labels)): boolean {
    const had = this.touched.get(key);
    if (had) {
      this.touched.delete(key);
      had.at = now;
      this.touched.set(key, had);
      return true;
    }
    if (this.touched.size >= this.max) {
      this.onCapDrop();
      return false;
    }
    this.touched.set(key, { labels, at: now });
    return true;
  }

  remove(key: string): void {
    const had = this.touched.get(key);
    if (!had) return;
    this.touched.delete(key);
    this.onRemove(had.labels);
  }

  expire(before: number): void {
    for (const [key, s] of this.touched) {
      if (s.at >= before) break;
      this.touched.delete(key);
      this.onRemove(s.labels);
    }
  }

  clear(): void {
    this.touched.clear();
  }
}

function keyOf(labels: Record<string, string>): string {
  return Object.values(labels).join('\u0000');
}
