// Live stats per (service, span name): what CodeLens and hover show for span sites matched by
// name, the runtime code.* locations seen, and the distinct-name count behind cardinality warnings.

import type { DecodedSpan } from '../otlp/span';
import { addCodeRef, type CodeRef } from './classify';
import { LatencyHistogram } from './histogram';
import { addCapped, type DropCounter, type TopologyCaps } from './limits';

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
}

export class SpanNameStats {
  /** service -> span name -> state (nested: no key string built per span). */
  private byService = new Map<string, Map<string, NameState>>();
  private size = 0;
  private dirty: NameState[] = [];

  constructor(
    private readonly caps: TopologyCaps,
    private readonly drops: DropCounter,
  ) {}

  /** `bucket`: the span's latency bucket (bucketOf in histogram.ts). */
  add(span: DecodedSpan, bucket: number): void {
    let names = this.byService.get(span.service);
    if (!names) {
      names = new Map();
      this.byService.set(span.service, names);
    }
    let s = names.get(span.name);
    if (!s) {
      if (this.size >= this.caps.spanNames) {
        this.drops.count('span-name-cap');
        return;
      }
      s = { dirty: false, service: span.service, name: span.name, scopes: new Set(), count: 0, errors: 0, hist: new LatencyHistogram(), codeRefs: [] };
      names.set(span.name, s);
      this.size++;
    }
    s.count++;
    if (span.error) s.errors++;
    s.hist.recordBucket(bucket);
    if (span.scope) addCapped(s.scopes, span.scope, this.caps.namesPerItem);
    addCodeRef(s.codeRefs, span.attributes, this.caps.codeRefsPerItem);
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
  }

  restore(data: unknown): void {
    if (!Array.isArray(data)) return;
    for (const d of data as Record<string, unknown>[]) {
      if (typeof d?.service !== 'string' || typeof d.name !== 'string' || this.size >= this.caps.spanNames) continue;
      const scopes = Array.isArray(d.scopes) ? (d.scopes as unknown[]).filter((x): x is string => typeof x === 'string') : [];
      const codeRefs = Array.isArray(d.codeRefs) ? (d.codeRefs as CodeRef[]).filter((r) => typeof r?.file === 'string') : [];
      let names = this.byService.get(d.service);
      if (!names) this.byService.set(d.service, (names = new Map()));
      if (names.has(d.name)) continue;
      const s: NameState = {
        dirty: false, service: d.service, name: d.name, scopes: new Set(scopes.slice(0, this.caps.namesPerItem)),
        count: Number(d.count) || 0, errors: Number(d.errors) || 0, hist: LatencyHistogram.fromJSON(d.hist),
        codeRefs: codeRefs.slice(0, this.caps.codeRefsPerItem),
      };
      names.set(d.name, s);
      this.size++;
      this.markDirty(s);
    }
  }
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
