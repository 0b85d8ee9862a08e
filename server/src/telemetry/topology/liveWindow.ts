// The numbers the editor's CodeLens and hover show, over the graph's recent window: per span name
// (and kind) sliding-window counts, rate and latency with how long each has been silent; per flow
// step the counts of the window's minutes (steps keep per-minute counts only).

import type { FlowTracker } from './flows';
import type { SpanNameStats, SpanNameWindow } from './spanNames';

/** A flow step's counts over the recent window. */
export interface StepWindow {
  flow: string;
  step: string;
  count: number;
  errors: number;
}

/** What the editor's CodeLens and hover read: the recent window's numbers (Topology.liveWindow). */
export interface LiveWindow {
  windowMs: number;
  names: SpanNameWindow[];
  steps: StepWindow[];
}

export function liveWindowOf(flows: FlowTracker, names: SpanNameStats, windowMs: number, now: number): LiveWindow {
  const steps: StepWindow[] = [];
  for (const f of flows.names()) {
    for (const s of flows.windowFlow(f, now - windowMs)?.steps ?? []) steps.push({ flow: f, step: s.name, count: s.count, errors: s.errors });
  }
  return { windowMs, names: names.windows(windowMs, now), steps };
}
