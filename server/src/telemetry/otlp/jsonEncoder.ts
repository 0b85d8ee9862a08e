// The inverse of jsonDecoder.ts: decoded spans back to an OTLP/JSON ExportTraceServiceRequest
// (hex ids, lowerCamelCase keys, 64-bit integers as strings), grouped by resource and scope —
// what the collector's file exporter writes and importTraces reads.

import type { SpanDetail } from './protoDecoder';
import type { AttrValue, DecodedSpan } from './span';

/** `detail` gives each span's full attributes, events, links and status (the decoder may have kept only some). */
export function encodeTraceRequestJson(spans: readonly DecodedSpan[], detail: (s: DecodedSpan) => SpanDetail): string {
  const byService = new Map<string, Map<string, unknown[]>>();
  for (const s of spans) {
    let scopes = byService.get(s.service);
    if (!scopes) byService.set(s.service, (scopes = new Map<string, unknown[]>()));
    let list = scopes.get(s.scope);
    if (!list) scopes.set(s.scope, (list = []));
    list.push(spanJson(s, detail(s)));
  }
  const resourceSpans = [...byService].map(([service, scopes]) => ({
    resource: { attributes: [keyValue('service.name', service)] },
    scopeSpans: [...scopes].map(([scope, list]) => ({ scope: { name: scope }, spans: list })),
  }));
  return JSON.stringify({ resourceSpans });
}

function spanJson(s: DecodedSpan, d: SpanDetail): unknown {
  const start = Math.round(s.startMs * 1e3);
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: microsToNanos(start),
    endTimeUnixNano: microsToNanos(start + Math.round(s.durationMs * 1e3)),
    attributes: attributesJson(d.attributes),
    ...(d.events.length ? { events: d.events.map((e) => ({ timeUnixNano: microsToNanos(Math.round(e.timeMs * 1e3)), name: e.name, attributes: attributesJson(e.attributes) })) } : {}),
    ...(d.links.length ? { links: d.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, ...(l.attributes ? { attributes: attributesJson(l.attributes) } : {}) })) } : {}),
    status: { ...(d.statusCode ? { code: d.statusCode } : {}), ...(d.statusMessage ? { message: d.statusMessage } : {}) },
  };
}

function attributesJson(attributes: Record<string, AttrValue>): unknown[] {
  return Object.entries(attributes).map(([k, v]) => keyValue(k, v));
}

/** Microseconds keep a ms timestamp exact in a double; the nanosecond string is built with BigInt. */
function microsToNanos(us: number): string {
  return (BigInt(us) * 1000n).toString();
}

function keyValue(key: string, v: AttrValue): { key: string; value: Record<string, unknown> } {
  if (typeof v === 'string') return { key, value: { stringValue: v } };
  if (typeof v === 'boolean') return { key, value: { boolValue: v } };
  return { key, value: Number.isSafeInteger(v) ? { intValue: String(v) } : { doubleValue: v } };
}
