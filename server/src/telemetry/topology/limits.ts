// Caps on every structure fed from outside (ARCHITECTURE invariant 7), by count and by bytes, and
// the counters that make each cap visible: spans lost (GraphStats.dropped) apart from detail
// collapsed (GraphStats.collapsed) and requests refused for the sender to retry (GraphStats.refused).
// docs/limits.md lists every bound and its setting.

import type { AttrValue, DecodedSpan } from '../otlp/span';
import { addCodeRef, type CodeRef } from './classify';

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
  /** Bytes of spans waiting for their other half (a span may carry 128 attributes of 4 KiB). */
  pendingPairBytes: number;
  activeRuns: number;
  stepsPerRun: number;
  /** Latest runs kept per flow for the Run select (their steps count against stepsPerRun). */
  recentRunsPerFlow: number;
  codeRefsPerItem: number;
  retainedSpans: number;
  /** Bytes of the retained spans for drill-down. */
  retainedSpanBytes: number;
  /** Bytes of the strings and per-item state of nodes, edges, span-name stats, flows and steps. */
  graphBytes: number;
}

export const DEFAULT_CAPS: TopologyCaps = {
  nodes: 2_000,
  edges: 5_000,
  flows: 200,
  stepsPerFlow: 200,
  namesPerItem: 20,
  spanNames: 5_000,
  pendingPairs: 20_000,
  pendingPairBytes: 48 * 1024 * 1024,
  activeRuns: 20_000,
  stepsPerRun: 64,
  recentRunsPerFlow: 50,
  codeRefsPerItem: 4,
  retainedSpans: 5_000,
  retainedSpanBytes: 32 * 1024 * 1024,
  graphBytes: 96 * 1024 * 1024,
};

export type CountKind = 'dropped' | 'collapsed' | 'refused';

/**
 * What each reason means. `dropped`: the span is in no count of the graph (lost). `collapsed`:
 * the span is counted but some detail of it was not kept (a name folded into "(other)", a run
 * step, a series, a forward). `refused`: a request was answered with a retryable error, so its
 * sender still holds the data. A reason not listed counts as dropped: never hide a loss.
 */
const KIND_OF: Record<string, CountKind> = {
  'invalid-span': 'dropped',
  'service-cap': 'dropped',
  'span-name-cap': 'collapsed',
  'node-cap': 'collapsed',
  'edge-cap': 'collapsed',
  'graph-bytes-cap': 'collapsed',
  'flow-cap': 'collapsed',
  'step-cap': 'collapsed',
  'window-latency-cap': 'collapsed',
  'run-cap': 'collapsed',
  'run-step-cap': 'collapsed',
  'pairing-full': 'collapsed',
  'series-cap': 'collapsed',
  'log-cap': 'collapsed',
  'trace-cap': 'collapsed',
  'trace-bytes-cap': 'collapsed',
  'trace-span-cap': 'collapsed',
  'forward-busy': 'collapsed',
  'forward-failed': 'collapsed',
  'persist-failed': 'collapsed',
  'shed-requests': 'refused',
  'shed-slow-request': 'refused',
};

export function kindOf(reason: string): CountKind {
  return KIND_OF[reason] ?? 'dropped';
}

export class DropCounter {
  /** Every reason, whatever its kind (persisted as one map). */
  readonly byReason: Record<string, number> = {};
  count(reason: string, n = 1): void {
    this.byReason[reason] = (this.byReason[reason] ?? 0) + n;
  }
  /** The reasons of one kind with their counts. */
  of(kind: CountKind): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [reason, n] of Object.entries(this.byReason)) if (kindOf(reason) === kind) out[reason] = n;
    return out;
  }
  /** Spans lost in total (the sum of the `dropped` kind). */
  lost(): number {
    let sum = 0;
    for (const [reason, n] of Object.entries(this.byReason)) if (kindOf(reason) === 'dropped') sum += n;
    return sum;
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

/**
 * A budget of bytes shared by structures that charge it before they allocate and refund it when
 * they free. Estimates, not heap measurements: strings count two bytes a character plus a fixed
 * overhead per entry, which is what makes 600k distinct names cost the same as a few thousand.
 */
export class ByteBudget {
  used = 0;
  constructor(readonly max: number) {}
  /** Takes `n` bytes; false (nothing taken) when they do not fit. */
  charge(n: number): boolean {
    if (this.used + n > this.max) return false;
    this.used += n;
    return true;
  }
  refund(n: number): void {
    this.used = Math.max(0, this.used - n);
  }
  reset(): void {
    this.used = 0;
  }
}

/** Per-entry overhead of a map entry with its object, histogram and minute ring (measured ~1.5 KB). */
export const ENTRY_BYTES = 1_536;

export function stringBytes(s: string): number {
  return 2 * s.length + 16;
}

/** Adds to a set unless it is full or the budget is spent; the bytes charged (0 when not added). */
export function addCharged(set: Set<string>, value: string, cap: number, budget: ByteBudget): number {
  if (set.has(value) || set.size >= cap) return 0;
  const n = stringBytes(value);
  if (!budget.charge(n)) return 0;
  set.add(value);
  return n;
}

/** Estimated bytes of a decoded span (its strings, attributes and kept protobuf bytes). */
export function spanBytes(span: DecodedSpan): number {
  let n = 320 + 2 * (span.traceId.length + span.spanId.length + span.parentSpanId.length + span.name.length + span.service.length + span.scope.length);
  n += attributeBytes(span.attributes);
  n += span.links.length * 120;
  for (const l of span.links) if (l.attributes) n += attributeBytes(l.attributes);
  for (const e of span.events ?? []) n += 96 + 2 * e.name.length + attributeBytes(e.attributes);
  if (span.statusMessage) n += 2 * span.statusMessage.length;
  if (span.raw) n += span.raw.byteLength + 64;
  return n;
}

function attributeBytes(attributes: Record<string, AttrValue>): number {
  let n = 0;
  for (const k in attributes) {
    const v = attributes[k];
    n += 48 + 2 * k.length + (typeof v === 'string' ? 2 * v.length : 8);
  }
  return n;
}

/** addCodeRef, charged to the budget (a path may be 4 KiB); the bytes charged. */
export function addCodeRefCharged(list: CodeRef[], attrs: Record<string, AttrValue>, cap: number, budget: ByteBudget): number {
  if (list.length >= cap) return 0;
  const before = list.length;
  addCodeRef(list, attrs, cap);
  if (list.length === before) return 0;
  const ref = list[list.length - 1];
  const n = 64 + stringBytes(ref.file) + (ref.function ? stringBytes(ref.function) : 0);
  if (budget.charge(n)) return n;
  list.pop();
  return 0;
}
