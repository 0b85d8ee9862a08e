// Recent runs of a flow as the host sent them (untrusted: kept only when well-typed, capped),
// and the path one run takes through the flow's step graph.

import { MAX_FLOW_RUNS } from '../../common/src/protocol';
import type { FlowRun, FlowRunStep } from '../../common/src/telemetry';
import { formatMs } from './format';

/** Same as the engine's stepsPerRun. */
const MAX_RUN_STEPS = 64;

export interface RunPath {
  steps: ReadonlySet<string>;
  /** `${from}\u0000${to}` of consecutive distinct steps. */
  transitions: ReadonlySet<string>;
}

export function sanitizeRuns(runs: unknown): FlowRun[] {
  if (!Array.isArray(runs)) return [];
  const out: FlowRun[] = [];
  for (const r of runs.slice(0, MAX_FLOW_RUNS) as Record<string, unknown>[]) {
    if (typeof r?.runId !== 'string' || !Array.isArray(r.steps)) continue;
    const steps = (r.steps.slice(0, MAX_RUN_STEPS) as Record<string, unknown>[]).filter(isRunStep);
    out.push({ runId: r.runId, startMs: finite(r.startMs), durationMs: finite(r.durationMs), error: r.error === true, steps });
  }
  return out;
}

function isRunStep(s: Record<string, unknown>): s is Record<string, unknown> & FlowRunStep {
  return typeof s?.step === 'string' && typeof s.service === 'string' && Number.isFinite(s.startMs) && Number.isFinite(s.durationMs) && typeof s.error === 'boolean';
}

function finite(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

export function runPath(run: FlowRun): RunPath {
  const steps = new Set<string>();
  const transitions = new Set<string>();
  let prev: string | undefined;
  for (const s of run.steps) {
    steps.add(s.step);
    if (prev !== undefined && prev !== s.step) transitions.add(`${prev}\u0000${s.step}`);
    prev = s.step;
  }
  return { steps, transitions };
}

/** The Run select's option text (plain text: set with textContent). */
export function runLabel(run: FlowRun): string {
  const steps = `${run.steps.length} step${run.steps.length === 1 ? '' : 's'}`;
  return `${run.error ? '✖ ' : ''}${run.runId} · ${steps} · ${formatMs(run.durationMs)}${run.error ? ' · error' : ''}`;
}
