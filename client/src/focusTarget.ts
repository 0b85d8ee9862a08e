// Reads the arguments of `otelFlowMap.showInMap` and `otelFlowMap.openRecentTrace`. They come from
// the server's CodeLens, hover links or any other extension, so they are checked rather than
// trusted. Pure: unit-tested.

import type { FocusTarget } from '../../common/src/protocol';
import type { SpanSiteSummary } from '../../common/src/sites';
import type { TraceQuery } from '../../common/src/traces';

const MAX_LENGTH = 1024;

/** `{flow, step}` focuses a flow step, `{name}` a span name, `{nodeId}` a map node; anything else nothing. */
export function focusTarget(arg: unknown): FocusTarget | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const a = arg as Record<string, unknown>;
  if (isText(a.flow) && isText(a.step)) return { kind: 'step', flow: a.flow, step: a.step };
  if (isText(a.name)) return { kind: 'span', name: a.name };
  if (isText(a.nodeId)) return { kind: 'node', id: a.nodeId };
  return undefined;
}

/**
 * The trace list query of "open a recent trace" from a span site: its span name (or flow step),
 * optionally its service, failing or slowest first; one trace. Anything else: none.
 */
export function recentTraceQuery(arg: unknown): TraceQuery | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const a = arg as Record<string, unknown>;
  const order = a.order === 'errors' || a.order === 'slowest' ? a.order : undefined;
  if (!order) return undefined;
  const where = isText(a.flow) && isText(a.step) ? { flow: a.flow, step: a.step } : isText(a.name) ? { name: a.name } : undefined;
  if (!where) return undefined;
  return { ...where, ...(isText(a.service) ? { service: a.service } : {}), order, limit: 1 };
}

function isText(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_LENGTH;
}

/**
 * The map target for the span site at or just above `line` (1-based) in `file` (relative to its
 * workspace folder, `/`-separated): "Show in Map" from the command palette, with the cursor in code.
 */
export function focusTargetAt(sites: readonly SpanSiteSummary[], file: string, line: number): FocusTarget | undefined {
  let best: SpanSiteSummary | undefined;
  for (const s of sites) if (s.file === file && s.line <= line && (!best || s.line > best.line)) best = s;
  if (!best) return undefined;
  if (best.flow && best.step) return { kind: 'step', flow: best.flow, step: best.step };
  return best.name ? { kind: 'span', name: best.name } : undefined;
}
