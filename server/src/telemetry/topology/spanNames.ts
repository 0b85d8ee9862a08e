// Live stats per (service, span name): what CodeLens and hover show for span sites matched by
// name, the runtime code.* locations seen, and the distinct-name count behind cardinality warnings.

import type { DecodedSpan } from '../otlp/span';
import { codeRefOf, type CodeRef } from './classify';
import { LatencyHistogram } from './histogram';
import { addCapped, addCodeRef, type DropCounter, type TopologyCaps } from './limits';

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
  service: string;
  name: string;
  scopes: Set<string>;
  count: number;
  errors: number;
  hist: LatencyHistogram;
  codeRefs: CodeRef[];
}

export class SpanNameStats {
  private byKey = new Map<string, NameState>();
  readonly dirty = new Set<string>();

  constructor(
    private readonly caps: TopologyCaps,
    private readonly drops: DropCounter,
  ) {}

  add(span: DecodedSpan): void {
    const key = `${span.service}\u0000${span.name}`;
    let s = this.byKey.get(key);
    if (!s) {
      if (this.byKey.size >= this.caps.spanNames) {
        this.drops.count('span-name-cap');
        return;
      }
      s = { service: span.service, name: span.name, scopes: new Set(), count: 0, errors: 0, hist: new LatencyHistogram(), codeRefs: [] };
      this.byKey.set(key, s);
    }
    s.count++;
    if (span.error) s.errors++;
    s.hist.record(span.durationMs);
    if (span.scope) addCapped(s.scopes, span.scope, this.caps.namesPerItem);
    addCodeRef(s.codeRefs, codeRefOf(span.attributes), this.caps.codeRefsPerItem);
    this.dirty.add(key);
  }

  /** Stats of the given keys (all when omitted). */
  stats(keys?: Iterable<string>): SpanNameStat[] {
    const out: SpanNameStat[] = [];
    for (const key of keys ?? this.byKey.keys()) {
      const s = this.byKey.get(key);
      if (s) out.push(view(s));
    }
    return out;
  }

  clear(): void {
    this.byKey.clear();
    this.dirty.clear();
  }

  serialize(): unknown[] {
    return [...this.byKey.values()].map((s) => ({ ...view(s), hist: s.hist.toJSON() }));
  }

  restore(data: unknown): void {
    if (!Array.isArray(data)) return;
    for (const d of data as Record<string, unknown>[]) {
      if (typeof d?.service !== 'string' || typeof d.name !== 'string' || this.byKey.size >= this.caps.spanNames) continue;
      const key = `${d.service}\u0000${d.name}`;
      const scopes = Array.isArray(d.scopes) ? (d.scopes as unknown[]).filter((x): x is string => typeof x === 'string') : [];
      const codeRefs = Array.isArray(d.codeRefs) ? (d.codeRefs as CodeRef[]).filter((r) => typeof r?.file === 'string') : [];
      this.byKey.set(key, {
        service: d.service, name: d.name, scopes: new Set(scopes.slice(0, this.caps.namesPerItem)),
        count: Number(d.count) || 0, errors: Number(d.errors) || 0, hist: LatencyHistogram.fromJSON(d.hist),
        codeRefs: codeRefs.slice(0, this.caps.codeRefsPerItem),
      });
      this.dirty.add(key);
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
