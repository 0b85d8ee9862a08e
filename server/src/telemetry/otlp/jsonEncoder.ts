// The inverse of jsonDecoder.ts: decoded spans back to an OTLP/JSON ExportTraceServiceRequest
// (hex ids, lowerCamelCase keys, 64-bit integers as strings), grouped by resource and scope —
// what the collector's file exporter writes and importTraces reads.

import type { AttrValue, DecodedSpan } from './span';

/** `attributes` gives each span's full attributes (the decoder may have kept only some). */
export function encodeTraceRequestJson(spans: readonly DecodedSpan[], attributes: (s: DecodedSpan) => Record<string, AttrValue>): string {
  const byService = new Map<string, Map<string, unknown[]>>();
  for (const s of spans) {
    let scopes = byService.get(s.service);
    if (!scopes) byService.set(s.service, (scopes = new Map()));
    let list = scopes.get(s.scope);
    if (!list) scopes.set(s.scope, (list = []));
    list.push(spanJson(s, attributes(s)));
  }
  const resourceSpans = [...byService].map(([service, scopes]) => ({
    resource: { attributes: [keyValue('service.name', service)] },
    scopeSpans: [...scopes].map(([scope, list]) => ({ scope: { name: scope }, spans: list })),
  }));
  return JSON.stringify({ resourceSpans });
}

function spanJson(s: DecodedSpan, attributes: Record<string, AttrValue>): unknown {
  const start = Math.round(s.startMs * 1e3);
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: microsToNanos(start),
    endTimeUnixNano: microsToNanos(start + Math.round(s.durationMs * 1e3)),
    attributes: Object.entries(attributes).map(([k, v]) => keyValue(k, v)),
    ...(s.links.length ? { links: s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId })) } : {}),
    status: s.error ? { code: 2 } : {},
  };
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
