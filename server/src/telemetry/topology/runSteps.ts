// The steps of one flow run, ordered by start time as spans arrive in any order, and the Run
// view's shape of them (FlowRun).

import type { FlowRun } from '../../../../common/src/telemetry';

/** One span of a run: the entry insertStep orders anyway, with what the Run view shows. */
export interface RunStep {
  t: number;
  step: string;
  service: string;
  ms: number;
  error: boolean;
}

/**
 * Inserts a step into a run ordered by start time and reports how the transitions between
 * consecutive distinct steps change (spans arrive in any order).
 */
export function insertStep<T extends { t: number; step: string }>(
  steps: T[],
  entry: T,
  onTransition: (from: string, to: string, delta: number) => void,
): void {
  let i = steps.length;
  while (i > 0 && steps[i - 1].t > entry.t) i--;
  const prev = steps[i - 1]?.step;
  const next = steps[i]?.step;
  if (prev !== undefined && next !== undefined && prev !== next) onTransition(prev, next, -1);
  if (prev !== undefined && prev !== entry.step) onTransition(prev, entry.step, +1);
  if (next !== undefined && next !== entry.step) onTransition(entry.step, next, +1);
  steps.splice(i, 0, entry);
}

export function runView(runId: string, steps: readonly RunStep[]): FlowRun {
  const startMs = steps.length ? steps[0].t : 0;
  let end = startMs;
  for (const s of steps) end = Math.max(end, s.t + s.ms);
  return {
    runId,
    startMs,
    durationMs: end - startMs,
    error: steps.some((s) => s.error),
    steps: steps.map((s) => ({ step: s.step, service: s.service, startMs: s.t, durationMs: s.ms, error: s.error })),
  };
}

