// The ring buffer of recent raw spans for drill-down: fixed capacity, oldest overwritten.

import type { SpanQuery, SpanSummary } from '../../../../common/src/telemetry';
import { spanAttributes } from '../otlp/protoDecoder';
import { SPAN_KIND_NAMES, type DecodedSpan } from '../otlp/span';
import { flowKeys } from '../../../../common/src/semconv';
import { flowAttributesOf, type FlowKeys } from './flows';

export interface StoredSpan {
  span: DecodedSpan;
  /** Graph edges this span contributed to. */
  edgeIds: string[];
}

const MAX_QUERY_LIMIT = 500;

export class SpanStore {
  private ring: (StoredSpan | undefined)[];
  private next = 0;
  private readonly keys: FlowKeys;

  constructor(capacity: number, prefix: string) {
    this.ring = new Array(capacity);
    this.keys = flowKeys(prefix);
  }

  push(entry: StoredSpan): void {
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.ring.length;
  }

  /** Newest first. */
  query(q: SpanQuery): SpanSummary[] {
    const limit = Math.max(1, Math.min(MAX_QUERY_LIMIT, Number.isInteger(q.limit) ? (q.limit as number) : 50));
    const out: SpanSummary[] = [];
    const n = this.ring.length;
    for (let i = 1; i <= n && out.length < limit; i++) {
      const e = this.ring[(this.next - i + n) % n];
      if (!e) break;
      if (matches(e, q, this.keys)) out.push(summary(e.span));
    }
    return out;
  }

  /** Every retained span, oldest first (a snapshot of references: later pushes do not change it). */
  retained(): DecodedSpan[] {
    const out: DecodedSpan[] = [];
    const n = this.ring.length;
    for (let i = 0; i < n; i++) {
      const e = this.ring[(this.next + i) % n];
      if (e) out.push(e.span);
    }
    return out;
  }

  clear(): void {
    this.ring = new Array(this.ring.length);
    this.next = 0;
  }
}

function matches(e: StoredSpan, q: SpanQuery, keys: FlowKeys): boolean {
  const s = e.span;
  if (q.service && s.service !== q.service) return false;
  if (q.name && s.name !== q.name) return false;
  if (q.edgeId && !e.edgeIds.includes(q.edgeId)) return false;
  if (q.nodeId && `service:${s.service}` !== q.nodeId && !e.edgeIds.some((id) => id.endsWith(`|${q.nodeId}`))) return false;
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
