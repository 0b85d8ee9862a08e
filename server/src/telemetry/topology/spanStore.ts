// The ring buffer of recent raw spans for drill-down: bounded by count and by bytes, oldest
// overwritten or evicted first (a span may carry 128 attributes of 4 KiB each).

import type { SpanQuery, SpanSummary } from '../../../../common/src/telemetry';
import { spanAttributes } from '../otlp/protoDecoder';
import { SPAN_KIND_NAMES, type DecodedSpan } from '../otlp/span';
import { flowKeys } from '../../../../common/src/semconv';
import { flowAttributesOf, type FlowKeys } from './flows';
import { spanBytes } from './limits';

const MAX_QUERY_LIMIT = 500;

export class SpanStore {
  /** Parallel rings (no wrapper object per span): the span, and the graph edges it contributed to. */
  private ring: (DecodedSpan | undefined)[];
  private edgeIds: string[][];
  private sizes: Uint32Array;
  private next = 0;
  private bytes = 0;
  private readonly keys: FlowKeys;
  /** Ring slots of spans pushed before any edge was known (a CLIENT span waiting for its SERVER half). */
  private readonly pending = new WeakMap<DecodedSpan, number>();

  constructor(capacity: number, prefix: string, private readonly maxBytes = Number.POSITIVE_INFINITY) {
    this.ring = new Array<DecodedSpan | undefined>(capacity);
    this.edgeIds = new Array<string[]>(capacity);
    this.sizes = new Uint32Array(capacity);
    this.keys = flowKeys(prefix);
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  push(span: DecodedSpan, edgeIds: string[]): void {
    const size = spanBytes(span);
    if (size > this.maxBytes) return;
    this.bytes += size - this.sizes[this.next];
    this.ring[this.next] = span;
    // An edge may still come for it when pairing resolves or gives up: give it an array of its own.
    if (edgeIds.length === 0) {
      this.edgeIds[this.next] = [];
      this.pending.set(span, this.next);
    } else this.edgeIds[this.next] = edgeIds;
    this.sizes[this.next] = size;
    this.next = (this.next + 1) % this.ring.length;
    // Over the bytes cap: evict the oldest (they follow `next`), leaving a gap query() stops at.
    for (let i = this.next; this.bytes > this.maxBytes && i !== (this.next + this.ring.length - 1) % this.ring.length; i = (i + 1) % this.ring.length) {
      this.bytes -= this.sizes[i];
      this.sizes[i] = 0;
      this.ring[i] = undefined;
    }
  }

  /** A span already in the ring contributed to `edgeId` later (pairing resolved after it arrived). */
  tag(span: DecodedSpan, edgeId: string): void {
    const slot = this.pending.get(span);
    if (slot !== undefined && this.ring[slot] === span && !this.edgeIds[slot].includes(edgeId)) this.edgeIds[slot].push(edgeId);
  }

  /** Newest first. */
  query(q: SpanQuery): SpanSummary[] {
    const limit = Math.max(1, Math.min(MAX_QUERY_LIMIT, Number.isInteger(q.limit) ? (q.limit as number) : 50));
    const out: SpanSummary[] = [];
    const n = this.ring.length;
    for (let i = 1; i <= n && out.length < limit; i++) {
      const at = (this.next - i + n) % n;
      const s = this.ring[at];
      if (!s) break;
      if (matches(s, this.edgeIds[at], q, this.keys)) out.push(summary(s));
    }
    return out;
  }

  /** Every retained span, oldest first (a snapshot of references: later pushes do not change it). */
  retained(): DecodedSpan[] {
    const out: DecodedSpan[] = [];
    const n = this.ring.length;
    for (let i = 0; i < n; i++) {
      const s = this.ring[(this.next + i) % n];
      if (s) out.push(s);
    }
    return out;
  }

  clear(): void {
    this.ring = new Array<DecodedSpan | undefined>(this.ring.length);
    this.edgeIds = new Array<string[]>(this.ring.length);
    this.sizes = new Uint32Array(this.ring.length);
    this.next = 0;
    this.bytes = 0;
  }
}

function matches(s: DecodedSpan, edgeIds: string[], q: SpanQuery, keys: FlowKeys): boolean {
  if (q.service && s.service !== q.service) return false;
  if (q.name && s.name !== q.name) return false;
  if (q.edgeId && !edgeIds.includes(q.edgeId)) return false;
  if (q.nodeId && `service:${s.service}` !== q.nodeId && !edgeIds.some((id) => id.endsWith(`|${q.nodeId}`))) return false;
  if (q.flow || q.step) {
    const fa = flowAttributesOf(s, keys);
    if (!fa || (q.flow && fa.flow !== q.flow) || (q.step && fa.step !== q.step)) return false;
  }
  return true;
}

function summary(s: DecodedSpan): SpanSummary {
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    name: s.name,
    service: s.service,
    scope: s.scope,
    kind: SPAN_KIND_NAMES[s.kind] ?? 'unspecified',
    startMs: s.startMs,
    durationMs: s.durationMs,
    error: s.error,
    attributes: spanAttributes(s),
  };
}
