// Business flows (contract §3): per flow its steps and the transitions between consecutive
// steps of one run. A run is keyed by the run-id attribute, else inherited from the parent or
// a linked span (so a consumer tied by a link stays in its producer's run), else the trace id.

import type { DeltaFlow, DeltaFlowStep, Flow, FlowStep } from '../../../../common/src/graph';
import { flowKeys } from '../../../../common/src/semconv';
import type { FlowRun } from '../../../../common/src/telemetry';
import type { AttrValue, DecodedSpan } from '../otlp/span';
import type { CodeRef } from './classify';
import { LatencyHistogram } from './histogram';
import { addCharged, addCodeRefCharged, ENTRY_BYTES, stringBytes, type ByteBudget, type DropCounter, type TopologyCaps } from './limits';
import { insertStep, runView, type RunStep } from './runSteps';

export { insertStep } from './runSteps';
import { MinuteRing } from './minuteRing';

export const OTHER_STEP = '(other)';
const RUN_IDLE_MS = 5 * 60_000;

export interface StepState {
  name: string;
  count: number;
  errors: number;
  hist: LatencyHistogram;
  /** Counts per minute, for windowed graphs. */
  minutes: MinuteRing;
  services: Set<string>;
  scopes: Set<string>;
  spanNames: Set<string>;
  codeRefs: CodeRef[];
  /** A service, scope or span name was added since the last delta: the next one carries the lists. */
  listsChanged: boolean;
}

interface FlowState {
  name: string;
  /** Listed in FlowTracker.dirty (a flag checked per span instead of a set insert). */
  dirty: boolean;
  runs: number;
  steps: Map<string, StepState>;
  /** from step -> to step -> count (nested: no key string built per span). */
  transitions: Map<string, Map<string, number>>;
  /** The latest runs, oldest first (at most caps.recentRunsPerFlow): shared with the active ones. */
  recent: RunState[];
  /** Active runs by run id, and runs inferred from a trace by trace id (the decoder's strings: hashed once). */
  byRunId: Map<string, RunState>;
  byTrace: Map<string, RunState>;
  /** Bytes of the flow and its steps charged to the graph budget (refunded when it expires). */
  bytes: number;
}

interface RunState {
  flow: FlowState;
  /** The run id, or the trace id when `inferred` from the trace. */
  id: string;
  inferred: boolean;
  /** Steps by start time (bounded). */
  steps: RunStep[];
  touched: number;
  /** When the run took its place in the map's order. */
  queued: number;
}

/** Which run a span was in: the run's identity, not the run (an ended run's steps are not kept alive). */
interface SpanRun {
  traceId: string;
  flow: FlowState;
  runId: string;
  inferred: boolean;
}

export interface FlowAttributes {
  flow: string;
  step: string;
  runId?: string;
}

export type FlowKeys = ReturnType<typeof flowKeys>;

export function flowAttributesOf(span: DecodedSpan, keys: FlowKeys): FlowAttributes | undefined {
  const flow = text(span.attributes[keys.name]);
  if (!flow) return undefined;
  return { flow, step: text(span.attributes[keys.step]) ?? span.name, runId: text(span.attributes[keys.runId]) };
}

function text(v: AttrValue | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

export class FlowTracker {
  private flows = new Map<string, FlowState>();
  /** Active runs in first-touch order; expire() moves runs touched since to the end (no reorder per span). */
  private runs = new Set<RunState>();
  /** span id -> trace id and run, so children and linked consumers inherit the run; two generations
   * instead of an LRU: when the young one fills, the old is dropped whole (children come soon). */
  private runOfSpan = new Map<string, SpanRun>();
  private runOfSpanOld = new Map<string, SpanRun>();
  /** Flows changed since markClean(). */
  readonly dirty = new Set<string>();
  private readonly keys: FlowKeys;

  constructor(
    prefix: string,
    private readonly caps: TopologyCaps,
    private readonly drops: DropCounter,
    private readonly budget: ByteBudget,
  ) {
    this.keys = flowKeys(prefix);
  }

  /** `bucket`: the span's latency bucket (LatencyHistogram.bucketOf), computed once per span. */
  /** The flow the span counted in, if any. */
  add(span: DecodedSpan, now: number, bucket: number): string | undefined {
    const a = span.attributes;
    const flowName = text(a[this.keys.name]);
    const flow = flowName ? this.flowState(flowName) : undefined;
    if (!flow) return undefined;
    const step = this.stepState(flow, text(a[this.keys.step]) ?? span.name);
    step.count++;
    if (span.error) step.errors++;
    step.hist.recordBucket(bucket);
    step.minutes.record(span.startMs + span.durationMs, now, span.error);
    const cap = this.caps.namesPerItem;
    let added = addCharged(step.services, span.service, cap, this.budget) + addCharged(step.spanNames, span.name, cap, this.budget);
    if (span.scope) added += addCharged(step.scopes, span.scope, cap, this.budget);
    if (added > 0) step.listsChanged = true;
    flow.bytes += added;
    flow.bytes += addCodeRefCharged(step.codeRefs, span.attributes, this.caps.codeRefsPerItem, this.budget);
    this.recordRun(flow, step.name, span, text(a[this.keys.runId]), now);
    this.markDirty(flow);
    return flow.name;
  }

  /** Expiry: the flow leaves; its runs end as idle runs do. */
  remove(name: string): void {
    this.budget.refund(this.flows.get(name)?.bytes ?? 0);
    this.flows.delete(name);
    this.dirty.delete(name);
  }

  markClean(): void {
    for (const name of this.dirty) {
      const f = this.flows.get(name);
      if (f) f.dirty = false;
    }
    this.dirty.clear();
  }

  /** The step's live state, for CodeLens and hover. */
  step(flow: string, step: string): StepState | undefined {
    return this.flows.get(flow)?.steps.get(step);
  }

  expire(now: number): void {
    for (const run of this.runs) {
      // Runs behind this one were queued later and touched no earlier than queued: all live.
      if (run.queued + RUN_IDLE_MS > now) break;
      this.runs.delete(run);
      if (run.touched + RUN_IDLE_MS > now) {
        run.queued = now;
        this.runs.add(run);
      } else forget(run);
    }
  }

  names(): string[] {
    return [...this.flows.keys()];
  }

  flow(name: string): Flow | undefined {
    const f = this.flows.get(name);
    if (!f) return undefined;
    return { name: f.name, runs: f.runs, steps: [...f.steps.values()].map(stepView), transitions: transitionsOf(f) };
  }

  /**
   * The flow for a delta: every step's numbers, and its lists only when one grew since the last
   * delta or `whole` (a reset): lean updates, as for edges (issue 14 item 8).
   */
  deltaFlow(name: string, whole: boolean): DeltaFlow | undefined {
    const f = this.flows.get(name);
    if (!f) return undefined;
    const steps = [...f.steps.values()].map((s): DeltaFlowStep => {
      const lists = whole || s.listsChanged;
      s.listsChanged = false;
      return lists ? stepView(s) : stepNumbers(s);
    });
    return { name: f.name, runs: f.runs, steps, transitions: transitionsOf(f) };
  }

  /**
   * The flow with only the steps whose spans ended since `sinceMs` (counted then), or undefined
   * when none did. Runs and transitions (between kept steps) stay all-time.
   */
  windowFlow(name: string, sinceMs: number): Flow | undefined {
    const f = this.flow(name);
    const state = this.flows.get(name);
    if (!f || !state) return undefined;
    const steps: FlowStep[] = [];
    for (const step of f.steps) {
      const { count, errors } = state.steps.get(step.name)?.minutes.since(sinceMs) ?? { count: 0, errors: 0 };
      if (count > 0) steps.push({ ...step, count, errors });
    }
    if (steps.length === 0) return undefined;
    const kept = new Set(steps.map((s) => s.name));
    return { ...f, steps, transitions: f.transitions.filter((t) => kept.has(t.from) && kept.has(t.to)) };
  }

  /** The flow's latest runs (by arrival), newest start first: spans of a run arrive in any order. */
  recentRuns(name: string, max: number): FlowRun[] {
    const f = this.flows.get(name);
    if (!f) return [];
    return f.recent.slice(-max).map((run) => runView(run.inferred ? `trace:${run.id}` : run.id, run.steps)).sort((a, b) => b.startMs - a.startMs);
  }

  clear(): void {
    this.flows.clear();
    this.runs.clear();
    this.runOfSpan.clear();
    this.runOfSpanOld.clear();
    this.dirty.clear();
  }

  serialize(): unknown[] {
    return [...this.flows.values()].map((f) => ({
      name: f.name,
      runs: f.runs,
      steps: [...f.steps.values()].map((s) => ({ ...stepView(s), hist: s.hist.toJSON(), codeRefs: s.codeRefs })),
      transitions: [...f.transitions].flatMap(([from, tos]) => [...tos].map(([to, count]) => [`${from}\u0000${to}`, count])),
    }));
  }

  restore(data: unknown): void {
    if (!Array.isArray(data)) return;
    for (const f of data as Record<string, unknown>[]) {
      if (typeof f?.name !== 'string' || !Array.isArray(f.steps)) continue;
      const flow = this.flowState(f.name);
      if (!flow) return;
      flow.runs = Number(f.runs) || 0;
      for (const s of f.steps as Record<string, unknown>[]) {
        if (typeof s?.name !== 'string') continue;
        const step = this.stepState(flow, s.name);
        step.count = Number(s.count) || 0;
        step.errors = Number(s.errors) || 0;
        step.hist = LatencyHistogram.fromJSON(s.hist);
        for (const k of ['services', 'scopes', 'spanNames'] as const) {
          if (Array.isArray(s[k])) for (const v of s[k] as unknown[]) if (typeof v === 'string') flow.bytes += addCharged(step[k], v, this.caps.namesPerItem, this.budget);
        }
        if (Array.isArray(s.codeRefs)) step.codeRefs = (s.codeRefs as CodeRef[]).filter((r) => typeof r?.file === 'string').slice(0, this.caps.codeRefsPerItem);
      }
      if (Array.isArray(f.transitions)) {
        for (const t of f.transitions as unknown[]) {
          if (!Array.isArray(t) || typeof t[0] !== 'string' || !Number.isFinite(t[1])) continue;
          const [from, to] = t[0].split('\u0000');
          if (to !== undefined) addTransition(flow, from, to, t[1] as number);
        }
      }
      this.markDirty(flow);
    }
  }

  private markDirty(flow: FlowState): void {
    if (flow.dirty) return;
    flow.dirty = true;
    this.dirty.add(flow.name);
  }

  private flowState(name: string): FlowState | undefined {
    let f = this.flows.get(name);
    if (f) return f;
    const full = this.flows.size >= this.caps.flows;
    const bytes = ENTRY_BYTES + stringBytes(name);
    if (full || !this.budget.charge(bytes)) {
      this.drops.count(full ? 'flow-cap' : 'graph-bytes-cap');
      return undefined;
    }
    f = { name, dirty: false, runs: 0, steps: new Map(), transitions: new Map(), recent: [], byRunId: new Map(), byTrace: new Map(), bytes };
    this.flows.set(name, f);
    return f;
  }

  private stepState(flow: FlowState, name: string): StepState {
    let s = flow.steps.get(name);
    if (s) return s;
    // "(other)" is always admitted (one per flow): the steps past either cap count there.
    const bytes = ENTRY_BYTES + stringBytes(name);
    const full = flow.steps.size >= this.caps.stepsPerFlow - 1;
    if (name !== OTHER_STEP && (full || !this.budget.charge(bytes))) {
      this.drops.count(full ? 'step-cap' : 'graph-bytes-cap');
      return this.stepState(flow, OTHER_STEP);
    }
    if (name !== OTHER_STEP) flow.bytes += bytes;
    s = { name, count: 0, errors: 0, hist: new LatencyHistogram(), minutes: new MinuteRing(), services: new Set(), scopes: new Set(), spanNames: new Set(), codeRefs: [], listsChanged: true };
    flow.steps.set(name, s);
    return s;
  }

  private recordRun(flow: FlowState, step: string, span: DecodedSpan, runId: string | undefined, now: number): void {
    const run = this.runFor(flow, span, runId, now);
    if (this.runOfSpan.size >= this.caps.activeRuns * 2) {
      this.runOfSpanOld = this.runOfSpan;
      this.runOfSpan = new Map();
    }
    this.runOfSpan.set(span.spanId, { traceId: span.traceId, flow, runId: run.id, inferred: run.inferred });
    run.touched = now;
    if (run.steps.length >= this.caps.stepsPerRun) {
      this.drops.count('run-step-cap');
      return;
    }
    insertStep(run.steps, { t: span.startMs, step, service: span.service, ms: span.durationMs, error: span.error }, (from, to, delta) => addTransition(flow, from, to, delta));
  }

  /**
   * Keeps the run among the flow's latest. The oldest one leaves without being counted as a
   * drop: the list is a window on recent runs, and every run was already counted in the flow.
   */
  private remember(flow: FlowState, run: RunState): void {
    if (flow.recent.length >= this.caps.recentRunsPerFlow) flow.recent.shift();
    flow.recent.push(run);
  }

  private runOf(traceId: string, spanId: string): SpanRun | undefined {
    const r = this.runOfSpan.get(spanId) ?? this.runOfSpanOld.get(spanId);
    return r !== undefined && r.traceId === traceId ? r : undefined;
  }

  /** The span's run: by run id, else its parent's or a linked span's in this flow, else its trace's. */
  private runFor(flow: FlowState, span: DecodedSpan, runId: string | undefined, now: number): RunState {
    if (runId) return this.activeRun(flow, runId, false, now);
    let inherited = span.parentSpanId ? this.runOf(span.traceId, span.parentSpanId) : undefined;
    for (let i = 0; inherited === undefined && i < span.links.length; i++) inherited = this.runOf(span.links[i].traceId, span.links[i].spanId);
    // An ended inherited run starts again under the same id.
    if (inherited && inherited.flow === flow) return this.activeRun(flow, inherited.runId, inherited.inferred, now);
    return this.activeRun(flow, span.traceId, true, now);
  }

  private activeRun(flow: FlowState, id: string, inferred: boolean, now: number): RunState {
    const active = inferred ? flow.byTrace : flow.byRunId;
    let run = active.get(id);
    if (run) return run;
    flow.runs++;
    if (this.runs.size >= this.caps.activeRuns) {
      const oldest = this.runs.values().next().value;
      if (oldest !== undefined) {
        this.runs.delete(oldest);
        forget(oldest);
      }
      this.drops.count('run-cap');
    }
    run = { flow, id, inferred, steps: [], touched: now, queued: now };
    active.set(id, run);
    this.runs.add(run);
    this.remember(flow, run);
    return run;
  }
}

/** Drops an ended run from its flow's active ones. */
function forget(run: RunState): void {
  const active = run.inferred ? run.flow.byTrace : run.flow.byRunId;
  if (active.get(run.id) === run) active.delete(run.id);
}

function addTransition(flow: FlowState, from: string, to: string, delta: number): void {
  let tos = flow.transitions.get(from);
  if (!tos) flow.transitions.set(from, (tos = new Map<string, number>()));
  const n = (tos.get(to) ?? 0) + delta;
  if (n > 0) tos.set(to, n);
  else {
    tos.delete(to);
    if (tos.size === 0) flow.transitions.delete(from);
  }
}

export function stepView(s: StepState): FlowStep {
  return { ...stepNumbers(s), services: [...s.services], scopes: [...s.scopes], spanNames: [...s.spanNames] };
}

function stepNumbers(s: StepState): DeltaFlowStep {
  return { name: s.name, count: s.count, errors: s.errors, p50Ms: s.hist.quantile(0.5), p95Ms: s.hist.quantile(0.95), p99Ms: s.hist.quantile(0.99) };
}

function transitionsOf(f: FlowState): Flow['transitions'] {
  return [...f.transitions].flatMap(([from, tos]) => [...tos].map(([to, count]) => ({ from, to, count })));
}
