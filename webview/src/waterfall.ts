// One trace as waterfall rows: spans in tree order (children by start time), depth, a colour
// per service, the time scale, the critical path, and each span's exceptions and logs.
// Pure: the trace view renders what this returns.

import type { TraceDetail, TraceEvent, TraceLog, TraceSpan } from '../../common/src/traces';

/** Service colours the stylesheet defines (.svc-0 … .svc-7); more services reuse them in turn. */
export const SERVICE_COLOURS = 8;

export interface ExceptionInfo {
  type: string;
  message: string;
  stacktrace: string;
  timeMs: number;
}

export interface WaterfallRow {
  span: TraceSpan;
  depth: number;
  /** Index of the parent's row, -1 for a root (or a span whose parent never arrived). */
  parent: number;
  /** Rows of the direct children. */
  children: number[];
  /** The parent span id names a span this trace does not hold. */
  orphan: boolean;
  colour: number;
  /** Offset of the span's start from the trace's, in milliseconds. */
  offsetMs: number;
  critical: boolean;
  exceptions: ExceptionInfo[];
  /** The span's events other than exceptions. */
  events: TraceEvent[];
  logs: TraceLog[];
}

export interface Waterfall {
  traceId: string;
  rows: WaterfallRow[];
  startMs: number;
  durationMs: number;
  /** Services in order of first appearance; a service's colour is its index here. */
  services: string[];
  errorCount: number;
  missingSpans: number;
  /** Logs of the trace no span of it names. */
  traceLogs: TraceLog[];
}

export function buildWaterfall(trace: TraceDetail): Waterfall {
  const byId = new Map<string, TraceSpan>();
  for (const s of trace.spans) if (!byId.has(s.spanId)) byId.set(s.spanId, s);
  const spans = [...byId.values()];
  const kids = new Map<string, TraceSpan[]>();
  const roots: TraceSpan[] = [];
  for (const s of spans) {
    const p = s.parentSpanId && s.parentSpanId !== s.spanId ? byId.get(s.parentSpanId) : undefined;
    if (p) (kids.get(p.spanId) ?? kids.set(p.spanId, []).get(p.spanId)!).push(s);
    else roots.push(s);
  }
  const byStart = (a: TraceSpan, b: TraceSpan): number => a.startMs - b.startMs || a.name.localeCompare(b.name);
  roots.sort(byStart);
  for (const list of kids.values()) list.sort(byStart);

  const startMs = spans.length ? Math.min(...spans.map((s) => s.startMs)) : 0;
  const endMs = spans.length ? Math.max(...spans.map((s) => s.startMs + s.durationMs)) : 0;
  const critical = criticalPath(roots, kids);
  const logsBySpan = new Map<string, TraceLog[]>();
  const traceLogs: TraceLog[] = [];
  for (const l of [...trace.logs].sort((a, b) => a.timeMs - b.timeMs)) {
    if (l.spanId && byId.has(l.spanId)) (logsBySpan.get(l.spanId) ?? logsBySpan.set(l.spanId, []).get(l.spanId)!).push(l);
    else traceLogs.push(l);
  }

  const services: string[] = [];
  const rows: WaterfallRow[] = [];
  const placed = new Set<string>();
  // Iterative depth-first walk: a hostile parent chain cannot overflow the stack.
  const stack: Array<{ span: TraceSpan; depth: number; parent: number }> = roots.map((span) => ({ span, depth: 0, parent: -1 })).reverse();
  while (stack.length) {
    const { span, depth, parent } = stack.pop()!;
    if (placed.has(span.spanId)) continue;
    placed.add(span.spanId);
    let colour = services.indexOf(span.service);
    if (colour < 0) colour = services.push(span.service) - 1;
    const index = rows.length;
    if (parent >= 0) rows[parent].children.push(index);
    rows.push({
      span,
      depth,
      parent,
      children: [],
      orphan: parent < 0 && span.parentSpanId !== undefined,
      colour: colour % SERVICE_COLOURS,
      offsetMs: span.startMs - startMs,
      critical: critical.has(span.spanId),
      exceptions: span.events.map(exceptionOf).filter((e): e is ExceptionInfo => e !== null),
      events: span.events.filter((e) => !exceptionOf(e)),
      logs: logsBySpan.get(span.spanId) ?? [],
    });
    for (const child of [...(kids.get(span.spanId) ?? [])].reverse()) stack.push({ span: child, depth: depth + 1, parent: index });
  }
  // Spans in a parent cycle are reached from no root: shown last, at the top level.
  for (const span of spans) if (!placed.has(span.spanId)) rows.push({ span, depth: 0, parent: -1, children: [], orphan: true, colour: 0, offsetMs: span.startMs - startMs, critical: false, exceptions: [], events: span.events, logs: logsBySpan.get(span.spanId) ?? [] });

  return {
    traceId: trace.traceId,
    rows,
    startMs,
    durationMs: Math.max(0, endMs - startMs),
    services,
    errorCount: spans.filter((s) => s.status === 'error').length,
    missingSpans: trace.missingSpans ?? 0,
    traceLogs,
  };
}

/** An `exception` span event as type, message and stack trace (semantic conventions), else null. */
export function exceptionOf(event: TraceEvent): ExceptionInfo | null {
  if (event.name !== 'exception') return null;
  const a = event.attributes;
  const str = (k: string): string => (typeof a[k] === 'string' ? a[k] : a[k] === undefined ? '' : String(a[k]));
  return { type: str('exception.type') || 'exception', message: str('exception.message'), stacktrace: str('exception.stacktrace'), timeMs: event.timeMs };
}

/**
 * The spans the trace's end-to-end time waits on. From each root's end backwards: the child
 * that finished last before the cursor is critical, its own critical children are found the same
 * way, and the cursor moves to that child's start; time no child covers is the parent's own.
 */
export function criticalPath(roots: readonly TraceSpan[], children: ReadonlyMap<string, readonly TraceSpan[]>): Set<string> {
  const out = new Set<string>();
  const visit = (span: TraceSpan, until: number): void => {
    if (out.has(span.spanId)) return;
    out.add(span.spanId);
    const kids = [...(children.get(span.spanId) ?? [])].sort((a, b) => b.startMs + b.durationMs - (a.startMs + a.durationMs));
    let cursor = Math.min(until, span.startMs + span.durationMs);
    for (const child of kids) {
      if (cursor <= span.startMs) break;
      const end = child.startMs + child.durationMs;
      // A child that started after the cursor ran in parallel with a later critical child.
      if (child.startMs >= cursor) continue;
      visit(child, Math.min(end, cursor));
      cursor = child.startMs;
    }
  };
  // The root that ends last carries the trace's duration.
  const last = [...roots].sort((a, b) => b.startMs + b.durationMs - (a.startMs + a.durationMs))[0];
  if (last) visit(last, last.startMs + last.durationMs);
  return out;
}

/** Round times for the axis: 0 and steps of 1, 2, 2.5 or 5 × 10^n, at most 7 ticks up to the duration. */
export function axisTicks(durationMs: number): number[] {
  if (!(durationMs > 0)) return [0];
  const raw = durationMs / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => durationMs / s <= 6) ?? raw;
  const ticks: number[] = [];
  for (let t = 0; t <= durationMs + 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Rows shown when the rows of `collapsed` spans hide their descendants. */
export function visibleRows(rows: readonly WaterfallRow[], collapsed: ReadonlySet<string>): number[] {
  const out: number[] = [];
  const hidden = new Set<number>();
  rows.forEach((row, i) => {
    if (row.parent >= 0 && (hidden.has(row.parent) || collapsed.has(rows[row.parent].span.spanId))) {
      hidden.add(i);
      return;
    }
    out.push(i);
  });
  return out;
}
