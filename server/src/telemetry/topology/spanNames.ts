// Live stats per (service, span name, span kind): what CodeLens and hover show for span sites
// matched by name, the runtime code.* locations seen, and the distinct-name count behind
// cardinality warnings. The kind keeps a client span and the server span answering it (one name,
// two services or one) apart, so a site counts only the spans it makes; each entry also keeps
// recent-window numbers (windowStats.ts) so the editor shows the map's window, not lifetime totals.

import { SPAN_KIND_NAMES, type DecodedSpan } from '../otlp/span';
import type { CodeRef } from './classify';
import { LatencyHistogram } from './histogram';
import { addCharged, addCodeRefCharged, ENTRY_BYTES, stringBytes, type ByteBudget, type DropCounter, type TopologyCaps } from './limits';
import type { WindowNumbers } from '../../../../common/src/graph';
import { WindowHistBudget, WindowStats } from './windowStats';

export type SpanKindName = (typeof SPAN_KIND_NAMES)[number];

/** Where names past the cap (count or bytes) are counted: one entry, whatever arrives. */
export const OTHER_NAME = '(other)';

/** What the main thread receives about one span name (plain, cloneable). */
export interface SpanNameStat {
  service: string;
  name: string;
  kind: SpanKindName;
  scopes: string[];
  count: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  codeRefs: CodeRef[];
}

/** One name's numbers over the recent window, for CodeLens and hover (asked for when they render). */
export interface SpanNameWindow {
  service: string;
  name: string;
  kind: SpanKindName;
  window: WindowNumbers;
  /** Receiver time since the last span of this name (ms): how long it has been silent. */
  idleMs: number;
}

interface NameState {
  /** Changed since the last takeDirty() (a flag: no set insert per span). */
  dirty: boolean;
  service: string;
  name: string;
  kind: number;
  /** Receiver time of the last span (0: restored, not seen since). */
  touched: number;
  win: WindowStats;
  scopes: Set<string>;
  count: number;
  errors: number;
  hist: LatencyHistogram;
  codeRefs: CodeRef[];
  /** Bytes charged to the graph budget (refunded on clear). */
  bytes: number;
}

export class SpanNameStats {
  /** service -> span name -> states by span kind number (nested: no key string built per span). */
  private byService = new Map<string, Map<string, (NameState | undefined)[]>>();
  private size = 0;
  private dirty: NameState[] = [];
  /** Spans of names past the cap, counted together (created on first use, not charged). */
  private other: NameState | undefined;

  constructor(
    private readonly caps: TopologyCaps,
    private readonly drops: DropCounter,
    private readonly budget: ByteBudget,
    /** The recent windows' latency budget, shared with the graph's nodes and edges. */
    private readonly windowBudget = new WindowHistBudget(),
  ) {}

  /** `bucket`: the span's latency bucket (bucketOf in histogram.ts); `now`: receiver time. */
  add(span: DecodedSpan, bucket: number, now = Date.now()): void {
    // Looked up without creating anything: a new service, name or kind is admitted (and its bytes
    // charged) only under both caps, else the span counts in the one "(other)" entry.
    const names = this.byService.get(span.service);
    const s = names?.get(span.name)?.[kindOf(span.kind)] ?? this.admit(span, names);
    this.record(s, span, bucket, now);
  }

  private admit(span: DecodedSpan, names: Map<string, (NameState | undefined)[]> | undefined): NameState {
    const bytes = ENTRY_BYTES + stringBytes(span.name) + (names ? 0 : stringBytes(span.service) + ENTRY_BYTES / 4);
    if (this.size >= this.caps.spanNames || !this.budget.charge(bytes)) {
      this.drops.count(this.size >= this.caps.spanNames ? 'span-name-cap' : 'graph-bytes-cap');
      return (this.other ??= this.newState(OTHER_NAME, OTHER_NAME, 0, 0));
    }
    if (!names) this.byService.set(span.service, (names = new Map<string, (NameState | undefined)[]>()));
    const s = this.newState(span.service, span.name, kindOf(span.kind), bytes);
    let kinds = names.get(span.name);
    if (!kinds) names.set(span.name, (kinds = []));
    kinds[s.kind] = s;
    this.size++;
    return s;
  }

  private record(s: NameState, span: DecodedSpan, bucket: number, now: number): void {
    s.count++;
    if (span.error) s.errors++;
    s.hist.recordBucket(bucket);
    s.touched = now;
    s.win.record(span.startMs + span.durationMs, now, span.error, bucket);
    if (span.scope) s.bytes += addCharged(s.scopes, span.scope, this.caps.namesPerItem, this.budget);
    s.bytes += addCodeRefCharged(s.codeRefs, span.attributes, this.caps.codeRefsPerItem, this.budget);
    this.markDirty(s);
  }

  /** Stats of every name. */
  stats(): SpanNameStat[] {
    return [...this.all()].map(view);
  }

  /** Every name's numbers over the last `windowMs` (idle names: zeros, exactly). */
  windows(windowMs: number, now = Date.now()): SpanNameWindow[] {
    const out: SpanNameWindow[] = [];
    for (const s of this.all()) {
      out.push({ service: s.service, name: s.name, kind: SPAN_KIND_NAMES[s.kind], window: s.win.window(windowMs, now, s.touched), idleMs: Math.max(0, now - s.touched) });
    }
    return out;
  }

  /** Stats of the names changed since the last call. */
  takeDirty(): SpanNameStat[] {
    const changed = this.dirty;
    this.dirty = [];
    return changed.map((s) => {
      s.dirty = false;
      return view(s);
    });
  }

  clear(): void {
    for (const s of this.all()) {
      this.budget.refund(s.bytes);
      s.win.release();
    }
    this.other = undefined;
    this.byService.clear();
    this.size = 0;
    this.dirty = [];
  }

  private newState(service: string, name: string, kind: number, bytes: number): NameState {
    return {
      dirty: false, service, name, kind, touched: 0, win: new WindowStats(this.windowBudget),
      scopes: new Set(), count: 0, errors: 0, hist: new LatencyHistogram(), codeRefs: [], bytes,
    };
  }

  private markDirty(s: NameState): void {
    if (s.dirty) return;
    s.dirty = true;
    this.dirty.push(s);
  }

  serialize(): unknown[] {
    return [...this.all()].map((s) => ({ ...view(s), hist: s.hist.toJSON() }));
  }

  private *all(): Iterable<NameState> {
    for (const names of this.byService.values()) for (const kinds of names.values()) for (const s of kinds) if (s) yield s;
    if (this.other) yield this.other;
  }

  restore(data: unknown): void {
    if (!Array.isArray(data)) return;
    for (const d of data as Record<string, unknown>[]) {
      if (typeof d?.service !== 'string' || typeof d.name !== 'string' || this.size >= this.caps.spanNames) continue;
      const scopes = Array.isArray(d.scopes) ? (d.scopes as unknown[]).filter((x): x is string => typeof x === 'string') : [];
      const codeRefs = Array.isArray(d.codeRefs) ? (d.codeRefs as CodeRef[]).filter((r) => typeof r?.file === 'string') : [];
      if (d.service === OTHER_NAME && d.name === OTHER_NAME) {
        this.other ??= this.newState(OTHER_NAME, OTHER_NAME, 0, 0);
        this.other.count += Number(d.count) || 0;
        continue;
      }
      // State saved before kinds were kept has none: unspecified.
      const kind = Math.max(0, SPAN_KIND_NAMES.indexOf(d.kind as SpanKindName));
      let names = this.byService.get(d.service);
      if (names?.get(d.name)?.[kind]) continue;
      const bytes = ENTRY_BYTES + stringBytes(d.name) + stringBytes(d.service);
      if (!this.budget.charge(bytes)) continue;
      if (!names) this.byService.set(d.service, (names = new Map<string, (NameState | undefined)[]>()));
      const s = this.newState(d.service, d.name, kind, bytes);
      s.scopes = new Set(scopes.slice(0, this.caps.namesPerItem));
      s.count = Number(d.count) || 0;
      s.errors = Number(d.errors) || 0;
      s.hist = LatencyHistogram.fromJSON(d.hist);
      s.codeRefs = codeRefs.slice(0, this.caps.codeRefsPerItem);
      let kinds = names.get(d.name);
      if (!kinds) names.set(d.name, (kinds = []));
      kinds[kind] = s;
      this.size++;
      this.markDirty(s);
    }
  }
}

/** A kind number outside OTLP's enum counts as unspecified (the array stays small). */
function kindOf(kind: number): number {
  return Number.isInteger(kind) && kind > 0 && kind < SPAN_KIND_NAMES.length ? kind : 0;
}

function view(s: NameState): SpanNameStat {
  return {
    service: s.service,
    name: s.name,
    kind: SPAN_KIND_NAMES[s.kind],
    scopes: [...s.scopes],
    count: s.count,
    errors: s.errors,
    p50Ms: s.hist.quantile(0.5),
    p95Ms: s.hist.quantile(0.95),
    p99Ms: s.hist.quantile(0.99),
    codeRefs: s.codeRefs,
  };
}
