// A log-bucket latency histogram: constant memory, mergeable, quantiles within ~4% relative
// error (bucket growth 8%). Values are milliseconds from 1 µs to ~1 hour; outliers clamp.

const GROWTH = 1.08;
const LOG_GROWTH = Math.log(GROWTH);
const MIN_MS = 0.001;
const BUCKETS = Math.ceil(Math.log(3_600_000 / MIN_MS) / LOG_GROWTH) + 1;

export class LatencyHistogram {
  private counts = new Uint32Array(BUCKETS);
  total = 0;

  record(ms: number): void {
    this.recordBucket(bucketOf(ms));
  }

  /** Records a value by its bucketOf(): a span counted in several histograms takes one log. */
  recordBucket(bucket: number): void {
    this.counts[bucket]++;
    this.total++;
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.total += other.total;
  }

  /** The q-quantile (0..1) in ms, rounded to 0.01 ms; 0 when empty. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.round(valueOf(i) * 100) / 100;
    }
    return Math.round(valueOf(BUCKETS - 1) * 100) / 100;
  }

  /** Sparse [bucket, count] pairs for persistence. */
  toJSON(): [number, number][] {
    const out: [number, number][] = [];
    this.counts.forEach((c, i) => {
      if (c > 0) out.push([i, c]);
    });
    return out;
  }

  static fromJSON(pairs: unknown): LatencyHistogram {
    const h = new LatencyHistogram();
    if (!Array.isArray(pairs)) return h;
    for (const p of pairs) {
      if (!Array.isArray(p)) continue;
      const [i, c] = p as unknown[];
      if (Number.isInteger(i) && Number.isInteger(c) && (i as number) >= 0 && (i as number) < BUCKETS && (c as number) > 0) {
        h.counts[i as number] += c as number;
        h.total += c as number;
      }
    }
    return h;
  }
}

export function bucketOf(ms: number): number {
  if (!(ms > MIN_MS)) return 0;
  return Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / MIN_MS) / LOG_GROWTH));
}

/** The geometric middle of a bucket: its representative value. */
function valueOf(bucket: number): number {
  if (bucket === 0) return 0;
  return MIN_MS * GROWTH ** (bucket - 0.5);
}

/** valueOf for a (possibly fractional) bucket position, for coarser histograms built on these buckets. */
export function valueOfBucket(bucket: number): number {
  return bucket <= 0.5 ? 0 : valueOf(bucket);
}
