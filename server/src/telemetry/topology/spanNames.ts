// Live stats per (service, span name): what CodeLens and hover show for span sites matched by
// name, the runtime code.* locations seen, and the distinct-name count behind cardinality warnings.

import type { DecodedSpan } from '../otlp/span';
import type { CodeRef } from './classify';
import { LatencyHistogram } from './histogram';
import { addCharged, addCodeRefCharged, ENTRY_BYTES, stringBytes, type ByteBudget, type DropCounter, type TopologyCaps } from './limits';

/** Where names past the cap (count or bytes) are counted: one entry, whatever arrives. */
export const OTHER_NAME = '(other)';

/** What the main thread receives about one span name (plain, cloneable). */
export interface SpanNameStat {
  service: string;
  name: string;
  scopes: string[];
  count: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  codeRefs: CodeRef[];
}

interface NameState {
  /** Changed since the last takeDirty() (a flag: no set insert per span). */
  dirty: boolean;
  service: string;
  name: string;
  scopes: Set<string>;
  count: number;
  errors: number;
  hist: LatencyHistogram;
  codeRefs: CodeRef[];
  /** Bytes charged to the graph budget (refunded on clear). */
  bytes: number;
}

export class SpanNameStats {
  /** service -> span name -> state (nested: no key string built per span). */
  private byService = new Map<string, Map<string, NameState>>();
  private size = 0;
  private dirty: NameState[] = [];
  /** Spans of names past the cap, counted together (created on first use, not charged). */
  private other: NameState | undefined;

  constructor(
    private readonly caps: TopologyCaps,
    private readonly drops: DropCounter,
    private readonly budget: ByteBudget,
  ) {}

  /** `bucket`: the span's latency bucket (bucketOf in histogram.ts). */
  add(span: DecodedSpan, bucket: number): void {
    // Looked up without creating anything: a new service or name is admitted (and its bytes
    // charged) only under both caps, else the span counts in the one "(other)" entry.
    const names = this.byService.get(span.service);
    const s = names?.get(span.name) ?? this.admit(span, names);
    this.record(s, span, bucket);
  }

  private admit(span: DecodedSpan, names: Map<string, NameState> | undefined): NameState {
    const bytes = ENTRY_BYTES + stringBytes(span.name) + (names ? 0 : stringBytes(span.service) + ENTRY_BYTES / 4);
    if (this.size >= this.caps.spanNames || !this.budget.charge(bytes)) {
      this.drops.count(this.size >= this.caps.spanNames ? 'span-name-cap' : 'graph-bytes-cap');
      return (this.other ??= newState(OTHER_NAME, OTHER_NAME, 0));
    }
    if (!names) this.byService.set(span.service, (names = new Map()));
    const s = newState(span.service, span.name, bytes);
    names.set(span.name, s);
    this.size++;
    return s;
  }

  private record(s: NameState, span: DecodedSpan, bucket: number): void {
    s.count++;
    if (span.error) s.errors++;
    s.hist.recordBucket(bucket);
    if (span.scope) s.bytes += addCharged(s.scopes, span.scope, this.caps.namesPerItem, this.budget);
    s.bytes += addCodeRefCharged(s.codeRefs, span.attributes, this.caps.codeRefsPerItem, this.budget);
    this.markDirty(s);
  }

  /** Stats of every name. */
  stats(): SpanNameStat[] {
    return [...this.all()].map(view);
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
    for (const s of this.all()) this.budget.refund(s.bytes);
    this.other = undefined;
    this.byService.clear();
    this.size = 0;
    this.dirty = [];
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
    for (const names of this.byService.values()) yield* names.values();
    if (this.other) yield this.other;
  }

  restore(data: unknown): void {
    if (!Array.isArray(data)) return;
    for (const d of data as Record<string, unknown>[]) {
      if (typeof d?.service !== 'string' || typeof d.name !== 'string' || this.size >= this.caps.spanNames) continue;
      const scopes = Array.isArray(d.scopes) ? (d.scopes as unknown[]).filter((x): x is string => typeof x === 'string') : [];
      const codeRefs = Array.isArray(d.codeRefs) ? (d.codeRefs as CodeRef[]).filter((r) => typeof r?.file === 'string') : [];
      if (d.service === OTHER_NAME && d.name === OTHER_NAME) {
        this.other ??= newState(OTHER_NAME, OTHER_NAME, 0);
        this.other.count += Number(d.count) || 0;
        continue;
      }
      let names = this.byService.get(d.service);
      if (names?.has(d.name)) continue;
      const bytes = ENTRY_BYTES + stringBytes(d.name) + stringBytes(d.service);
      if (!this.budget.charge(bytes)) continue;
      if (!names) this.byService.set(d.service, (names = new Map()));
      const s: NameState = {
        dirty: false, service: d.service, name: d.name, scopes: new Set(scopes.slice(0, this.caps.namesPerItem)),
        count: Number(d.count) || 0, errors: Number(d.errors) || 0, hist: LatencyHistogram.fromJSON(d.hist),
        codeRefs: codeRefs.slice(0, this.caps.codeRefsPerItem), bytes,
      };
      names.set(d.name, s);
      this.size++;
      this.markDirty(s);
    }
  }
}

function newState(service: string, name: string, bytes: number): NameState {
  return { dirty: false, service, name, scopes: new Set(), count: 0, errors: 0, hist: new LatencyHistogram(), codeRefs: [], bytes };
}

function view(s: NameState): SpanNameStat {
  return {
    service: s.service,
    name: s.name,
    scopes: [...s.scopes],
    count: s.count,
    errors: s.errors,
    p50Ms: s.hist.quantile(0.5),
    p95Ms: s.hist.quantile(0.95),
    p99Ms: s.hist.quantile(0.99),
    codeRefs: s.codeRefs,
  };
}
