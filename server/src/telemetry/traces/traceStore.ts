// Recent traces for the trace list and the waterfall: spans grouped by trace id, bounded by
// count and by bytes (checked before a span is kept), newest kept, with a tail-biased keep:
// traces with an error or slower than most recent ones are evicted after the ordinary ones, in a
// share of the store of their own so ordinary recent traces are always there too. Indexed by
// service, span name, edge, node, flow, step and status; evictions counted by reason.

import type { TraceQuery, TraceSummary } from '../../../../common/src/traces';
import { flowKeys } from '../../../../common/src/semconv';
import type { DecodedSpan } from '../otlp/span';
import { flowAttributesOf, type FlowKeys } from '../topology/flows';
import { spanBytes, stringBytes } from '../topology/limits';
import { MAX_TRACE_QUERY_LIMIT } from '../../../../common/src/queries';

export interface TraceStoreCaps {
  traces: number;
  bytes: number;
  /** Spans kept per trace (a runaway trace must not take the whole store). */
  spansPerTrace: number;
  /** Bytes kept per trace. */
  bytesPerTrace: number;
  /** Share of the count and bytes caps that error and slow traces may hold before they too are evicted first. */
  notableShare: number;
}

export const DEFAULT_TRACE_CAPS: TraceStoreCaps = {
  traces: 2_000,
  bytes: 32 * 1024 * 1024,
  spansPerTrace: 1_000,
  bytesPerTrace: 8 * 1024 * 1024,
  notableShare: 0.5,
};

/** Why spans or traces left the store or were not kept (docs/limits.md; kind `collapsed`). */
export type TraceDropReason = 'trace-cap' | 'trace-bytes-cap' | 'trace-span-cap';

/** A trace is slow when it took longer than this quantile of recent traces' durations. */
const SLOW_QUANTILE = 0.9;
const RECENT_DURATIONS = 512;
/** Below this many recent traces no trace is called slow (no baseline yet). */
const MIN_BASELINE = 20;
const TRACE_OVERHEAD_BYTES = 1_024;
const INDEX_ENTRY_BYTES = 64;
export const MAX_TRACE_LIST = MAX_TRACE_QUERY_LIMIT;
const DEFAULT_TRACE_LIST = 50;

type Dim = 'service' | 'name' | 'edge' | 'node' | 'flow' | 'step' | 'error';
const DIMS: readonly Dim[] = ['service', 'name', 'edge', 'node', 'flow', 'step', 'error'];

export interface TraceEntry {
  readonly traceId: string;
  readonly spans: DecodedSpan[];
  bytes: number;
  startMs: number;
  endMs: number;
  errorCount: number;
  /** Spans of this trace refused by the per-trace caps. */
  refusedSpans: number;
  /** Error or slow: evicted after ordinary traces. */
  notable: boolean;
  /** The values this trace is indexed under, per dimension (strings shared with its spans). */
  readonly values: Partial<Record<Dim, string[]>>;
}

export class TraceStore {
  /** Insertion order is recency: a trace moves to the end when a span of it arrives. */
  private readonly ordinary = new Map<string, TraceEntry>();
  private readonly notable = new Map<string, TraceEntry>();
  /** Per dimension: value -> the traces with a span of that value. */
  private readonly index = new Map<Dim, Map<string, Set<TraceEntry>>>();
  private bytes = 0;
  private notableBytes = 0;
  private readonly keys: FlowKeys;
  private readonly durations = new Float64Array(RECENT_DURATIONS);
  private durationCount = 0;
  private slowMs = Number.POSITIVE_INFINITY;
  /** The trace touched last (spans of one trace usually arrive together: no reorder for them). */
  private last: TraceEntry | undefined;
  /** Index values a span adds, found before it is kept (reused: no allocation per span). */
  private readonly newDims: Dim[] = [];
  private readonly newValues: string[] = [];

  constructor(
    prefix: string,
    private readonly caps: TraceStoreCaps,
    private readonly onDrop: (reason: TraceDropReason, n: number) => void,
  ) {
    this.keys = flowKeys(prefix);
  }

  get size(): number {
    return this.ordinary.size + this.notable.size;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  /** Keeps a span with the graph edges it made (checked against the caps before it is kept). */
  add(span: DecodedSpan, edgeIds: readonly string[]): void {
    let entry = this.last?.traceId === span.traceId ? this.last : this.ordinary.get(span.traceId) ?? this.notable.get(span.traceId);
    const indexBytes = this.findNewValues(span, edgeIds, entry);
    const cost = spanBytes(span) + indexBytes + (entry ? 0 : TRACE_OVERHEAD_BYTES);
    if (entry && (entry.spans.length >= this.caps.spansPerTrace || entry.bytes + cost > this.caps.bytesPerTrace)) {
      entry.refusedSpans++;
      this.onDrop('trace-span-cap', 1);
      return;
    }
    if (cost > this.caps.bytesPerTrace || cost > this.caps.bytes) {
      this.onDrop('trace-span-cap', 1);
      return;
    }
    this.makeRoom(cost, entry ? 0 : 1, entry);
    if (!entry) {
      entry = { traceId: span.traceId, spans: [], bytes: 0, startMs: span.startMs, endMs: span.startMs + span.durationMs, errorCount: 0, refusedSpans: 0, notable: false, values: {} };
    }
    entry.spans.push(span);
    entry.bytes += cost;
    this.bytes += cost;
    if (entry.notable) this.notableBytes += cost;
    if (span.startMs < entry.startMs) entry.startMs = span.startMs;
    if (span.startMs + span.durationMs > entry.endMs) entry.endMs = span.startMs + span.durationMs;
    if (span.error) entry.errorCount++;
    for (let i = 0; i < this.newDims.length; i++) this.indexAdd(entry, this.newDims[i], this.newValues[i]);
    // The root usually ends last and arrives last: its trace's duration is the baseline's sample.
    if (!span.parentSpanId) this.recordDuration(span.durationMs);
    this.touch(entry);
  }

  /** A span kept earlier made an edge later (its pairing resolved after it arrived). */
  tag(span: DecodedSpan, edgeId: string): void {
    const entry = this.ordinary.get(span.traceId) ?? this.notable.get(span.traceId);
    if (!entry || entry.values.edge?.includes(edgeId)) return;
    this.newDims.length = 0;
    this.newValues.length = 0;
    const cost = this.edgeValues(entry, edgeId);
    entry.bytes += cost;
    this.bytes += cost;
    if (entry.notable) this.notableBytes += cost;
    for (let i = 0; i < this.newDims.length; i++) this.indexAdd(entry, this.newDims[i], this.newValues[i]);
  }

  get(traceId: string): TraceEntry | undefined {
    const id = traceId.toLowerCase();
    return this.ordinary.get(id) ?? this.notable.get(id);
  }

  query(q: TraceQuery): TraceSummary[] {
    const wanted: [Dim, string][] = [];
    if (q.service) wanted.push(['service', q.service]);
    if (q.name) wanted.push(['name', q.name]);
    if (q.edgeId) wanted.push(['edge', q.edgeId]);
    if (q.nodeId) wanted.push(['node', q.nodeId]);
    if (q.flow) wanted.push(['flow', q.flow]);
    if (q.step) wanted.push(['step', q.step]);
    if (q.status === 'error') wanted.push(['error', '']);
    let candidates: Iterable<TraceEntry>;
    if (wanted.length === 0) candidates = [...this.ordinary.values(), ...this.notable.values()];
    else {
      const sets = wanted.map(([d, v]) => this.index.get(d)?.get(v));
      if (sets.some((x) => !x)) return [];
      const smallest = (sets as Set<TraceEntry>[]).reduce((a, b) => (b.size < a.size ? b : a));
      candidates = [...smallest].filter((e) => wanted.every(([d, v]) => e.values[d]?.includes(v)) && this.sameSpan(e, q));
    }
    const minDuration = typeof q.minDurationMs === 'number' && Number.isFinite(q.minDurationMs) ? q.minDurationMs : 0;
    const rows: TraceSummary[] = [];
    for (const e of candidates) if (e.endMs - e.startMs >= minDuration) rows.push(summaryOf(e));
    rows.sort(ORDERS[q.order ?? 'newest'] ?? ORDERS.newest);
    const limit = Number.isInteger(q.limit) && (q.limit as number) > 0 ? Math.min(q.limit as number, MAX_TRACE_LIST) : DEFAULT_TRACE_LIST;
    return rows.slice(0, limit);
  }

  clear(): void {
    this.ordinary.clear();
    this.notable.clear();
    for (const m of this.index.values()) m.clear();
    this.bytes = 0;
    this.notableBytes = 0;
    this.durationCount = 0;
    this.slowMs = Number.POSITIVE_INFINITY;
    this.last = undefined;
  }

  /** With service and name (flow and step), one span must have both, not two spans one each. */
  private sameSpan(e: TraceEntry, q: TraceQuery): boolean {
    if (q.service && q.name && !e.spans.some((s) => s.service === q.service && s.name === q.name)) return false;
    if (q.flow && q.step) {
      return e.spans.some((s) => {
        const fa = flowAttributesOf(s, this.keys);
        return fa !== undefined && fa.flow === q.flow && fa.step === q.step;
      });
    }
    return true;
  }

  /** Collects into newDims / newValues what the span would add to the trace's index; their bytes. */
  private findNewValues(span: DecodedSpan, edgeIds: readonly string[], entry: TraceEntry | undefined): number {
    this.newDims.length = 0;
    this.newValues.length = 0;
    let bytes = this.value(entry, 'name', span.name);
    if (!entry?.values.service?.includes(span.service)) bytes += this.value(entry, 'service', span.service) + this.value(entry, 'node', `service:${span.service}`);
    for (const id of edgeIds) if (!entry?.values.edge?.includes(id)) bytes += this.edgeValues(entry, id);
    const fa = flowAttributesOf(span, this.keys);
    if (fa) bytes += this.value(entry, 'flow', fa.flow) + this.value(entry, 'step', fa.step);
    if (span.error) bytes += this.value(entry, 'error', '');
    return bytes;
  }

  /** An edge and both of its nodes (`source|relation|target`). */
  private edgeValues(entry: TraceEntry | undefined, edgeId: string): number {
    let bytes = this.value(entry, 'edge', edgeId);
    const first = edgeId.indexOf('|');
    const last = edgeId.lastIndexOf('|');
    if (first > 0 && last > first) bytes += this.value(entry, 'node', edgeId.slice(0, first)) + this.value(entry, 'node', edgeId.slice(last + 1));
    return bytes;
  }

  /** Notes a value the trace is not indexed under yet; the bytes it will cost (0 when known). */
  private value(entry: TraceEntry | undefined, dim: Dim, v: string): number {
    if (entry?.values[dim]?.includes(v)) return 0;
    for (let i = 0; i < this.newDims.length; i++) if (this.newDims[i] === dim && this.newValues[i] === v) return 0;
    this.newDims.push(dim);
    this.newValues.push(v);
    return INDEX_ENTRY_BYTES + stringBytes(v);
  }

  private indexAdd(entry: TraceEntry, dim: Dim, v: string): void {
    (entry.values[dim] ??= []).push(v);
    const byValue = this.byValue(dim);
    const set = byValue.get(v);
    if (set) set.add(entry);
    else byValue.set(v, new Set([entry]));
  }

  private byValue(dim: Dim): Map<string, Set<TraceEntry>> {
    let m = this.index.get(dim);
    if (!m) this.index.set(dim, (m = new Map<string, Set<TraceEntry>>()));
    return m;
  }

  /** Moves the trace to the newest end of its queue, into the notable one once it has an error or is slow. */
  private touch(entry: TraceEntry): void {
    const duration = entry.endMs - entry.startMs;
    if (!entry.notable && (entry.errorCount > 0 || duration > this.slowMs)) {
      entry.notable = true;
      this.ordinary.delete(entry.traceId);
      this.notableBytes += entry.bytes;
      this.last = undefined;
    }
    if (entry === this.last) return;
    const queue = entry.notable ? this.notable : this.ordinary;
    queue.delete(entry.traceId);
    queue.set(entry.traceId, entry);
    this.last = entry;
  }

  /** Evicts until `bytes` more and `traces` more fit; never the trace being added to. */
  private makeRoom(bytes: number, traces: number, keep: TraceEntry | undefined): void {
    while (this.size + traces > this.caps.traces || this.bytes + bytes > this.caps.bytes) {
      const byCount = this.size + traces > this.caps.traces;
      const victim = this.victim(keep);
      if (!victim) return;
      this.evict(victim);
      this.onDrop(byCount ? 'trace-cap' : 'trace-bytes-cap', 1);
    }
  }

  /** The oldest ordinary trace, unless notable ones hold more than their share (or nothing else is left). */
  private victim(keep: TraceEntry | undefined): TraceEntry | undefined {
    const overShare = this.notable.size > this.caps.traces * this.caps.notableShare || this.notableBytes > this.caps.bytes * this.caps.notableShare;
    const order = overShare ? [this.notable, this.ordinary] : [this.ordinary, this.notable];
    for (const queue of order) for (const e of queue.values()) if (e !== keep) return e;
    return undefined;
  }

  private evict(e: TraceEntry): void {
    (e.notable ? this.notable : this.ordinary).delete(e.traceId);
    if (this.last === e) this.last = undefined;
    this.bytes -= e.bytes;
    if (e.notable) this.notableBytes -= e.bytes;
    for (const dim of DIMS) {
      const byValue = this.byValue(dim);
      for (const v of e.values[dim] ?? []) {
        const set = byValue.get(v);
        set?.delete(e);
        if (set?.size === 0) byValue.delete(v);
      }
    }
  }

  /** Recent root spans' durations; the slow threshold is their SLOW_QUANTILE, recomputed every 64 traces. */
  private recordDuration(ms: number): void {
    this.durations[this.durationCount % RECENT_DURATIONS] = ms;
    this.durationCount++;
    if (this.durationCount < MIN_BASELINE || this.durationCount % 64 !== 0) return;
    const n = Math.min(this.durationCount, RECENT_DURATIONS);
    const sorted = this.durations.slice(0, n).sort();
    this.slowMs = sorted[Math.min(n - 1, Math.floor(n * SLOW_QUANTILE))];
  }
}

const ORDERS: Record<NonNullable<TraceQuery['order']>, (a: TraceSummary, b: TraceSummary) => number> = {
  newest: (a, b) => b.startMs - a.startMs,
  slowest: (a, b) => b.durationMs - a.durationMs || b.startMs - a.startMs,
  errors: (a, b) => Number(b.errorCount > 0) - Number(a.errorCount > 0) || b.startMs - a.startMs,
};

/** The root: a span without a parent (the earliest if several), else the earliest span. */
export function rootOf(spans: readonly DecodedSpan[]): DecodedSpan {
  let root: DecodedSpan | undefined;
  for (const s of spans) if (!s.parentSpanId && (!root || s.startMs < root.startMs)) root = s;
  if (root) return root;
  let earliest = spans[0];
  for (const s of spans) if (s.startMs < earliest.startMs) earliest = s;
  return earliest;
}

function summaryOf(e: TraceEntry): TraceSummary {
  const root = rootOf(e.spans);
  return { traceId: e.traceId, rootName: root.name, rootService: root.service, startMs: e.startMs, durationMs: e.endMs - e.startMs, spanCount: e.spans.length, errorCount: e.errorCount };
}
