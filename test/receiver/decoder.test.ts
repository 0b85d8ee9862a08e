// The purpose-built protobuf decoder against protobufjs with the official opentelemetry-proto
// definitions (the oracle), the JSON decoder against the protobuf one, and fuzzing with
// truncated and random input (must throw MalformedRequestError or decode, never crash).

import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';
import { decodeTraceRequestJson } from '../../server/src/telemetry/otlp/jsonDecoder';
import { decodeTraceRequestProto, spanAttributes, spanDetail } from '../../server/src/telemetry/otlp/protoDecoder';
import { topologyAttributeKeys } from '../../server/src/telemetry/topology/classify';
import { LIMITS, MalformedRequestError, type DecodedSpan } from '../../server/src/telemetry/otlp/span';
import { jsonBody, makeSpan, protoBody, recordSpans } from './support';

const PROTO_ROOT = join(dirname(require.resolve('@elastic/mockotlpserver/package.json')), 'opentelemetry', 'proto', '..', '..');

function oracle(): protobuf.Type {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
  root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto', { keepCase: false });
  return root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
}

function richSpans() {
  return [
    ...recordSpans('checkout', (tracer) => {
      const parent = makeSpan(tracer, { name: 'checkout.place_order', kind: SpanKind.SERVER, attributes: { 'http.method': 'POST', n: -7, big: 2 ** 40, f: 1.25, b: false, arr: [1, 2, 3], s: 'ü∑😀' } });
      makeSpan(tracer, { name: 'db', kind: SpanKind.CLIENT, parent, error: true, durationMs: 123.456, attributes: { 'db.system': 'postgresql' } });
      makeSpan(tracer, { name: 'linked', kind: SpanKind.CONSUMER, links: [{ context: parent.spanContext() }] });
    }),
    ...recordSpans('billing', (tracer) => makeSpan(tracer, { name: 'bill', attributes: { 'service.name': 'ignored-resource-wins' } })),
  ];
}

function fromOracle(buf: Buffer): Partial<DecodedSpan>[] {
  const msg = oracle().decode(buf) as unknown as { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { scope: { name: string }; spans: Record<string, unknown>[] }[] }[] };
  const hex = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString('hex');
  return msg.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({
    traceId: hex(s.traceId as Uint8Array), spanId: hex(s.spanId as Uint8Array), parentSpanId: hex(s.parentSpanId as Uint8Array),
    name: s.name as string, kind: (s.kind as number) ?? 0, scope: ss.scope.name,
    service: rs.resource.attributes.find((a) => a.key === 'service.name')!.value.stringValue,
    error: (s.status as { code?: number } | undefined)?.code === 2,
    attributeKeys: (s.attributes as { key: string }[]).map((a) => a.key).sort(),
    links: ((s.links as { traceId: Uint8Array; spanId: Uint8Array }[]) ?? []).map((l) => ({ traceId: hex(l.traceId), spanId: hex(l.spanId) })),
  }))));
}

describe('OTLP decoders', () => {
  it('the purpose-built protobuf decoder agrees with protobufjs on SDK-encoded requests', () => {
    const spans = richSpans();
    const body = protoBody(spans);
    const ours = decodeTraceRequestProto(body);
    assert.equal(ours.rejected, 0);
    const mine = ours.spans.map((s) => ({
      traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, name: s.name, kind: s.kind, scope: s.scope,
      service: s.service, error: s.error, attributeKeys: Object.keys(s.attributes).sort(), links: s.links,
    }));
    assert.deepEqual(mine, fromOracle(body));
    const root = ours.spans.find((s) => s.name === 'checkout.place_order')!;
    assert.equal(root.attributes.n, -7);
    assert.equal(root.attributes.big, 2 ** 40);
    assert.equal(root.attributes.s, 'ü∑😀');
    assert.equal(root.attributes.arr, '[1,2,3]');
    const db = ours.spans.find((s) => s.name === 'db')!;
    assert.ok(Math.abs(db.durationMs - 123.456) < 0.01, String(db.durationMs));
    const sdkDb = spans.find((s) => s.name === 'db')!;
    assert.ok(Math.abs(db.startMs - (sdkDb.startTime[0] * 1e3 + sdkDb.startTime[1] / 1e6)) < 0.01);
  });

  it('with the topology attribute filter: the kept attributes alone at ingest, every one on drill-down', () => {
    const keep = topologyAttributeKeys('coordimap.flow.');
    const spans = [
      ...richSpans(),
      ...recordSpans('orders', (tracer) => makeSpan(tracer, {
        name: 'orders.save', kind: SpanKind.CLIENT,
        attributes: { 'db.system.name': 'postgresql', 'db.operation': 'INSERT', 'coordimap.flow.name': 'checkout', 'coordimap.flow.run_id': 7, 'code.lineno': 12, other: 'x', 'service.name': 'inner' },
      })),
    ];
    const body = protoBody(spans);
    const full = decodeTraceRequestProto(body).spans;
    const filtered = decodeTraceRequestProto(body, keep).spans;
    assert.equal(filtered.length, full.length);
    for (const [i, f] of filtered.entries()) {
      const { attributes, raw, ...rest } = f;
      const { attributes: all, ...fullRest } = full[i];
      assert.deepEqual(rest, fullRest);
      assert.deepEqual(attributes, Object.fromEntries(Object.entries(all).filter(([k]) => keep.has(k))));
      assert.ok(raw instanceof Uint8Array);
      const outside = raw.buffer !== body.buffer || raw.byteOffset >= body.byteOffset + body.length || raw.byteOffset + raw.length <= body.byteOffset;
      assert.ok(outside, 'raw is a copy, not a view of the request body');
      assert.deepEqual(spanAttributes(f), all);
    }
    assert.equal(filtered.at(-1)!.attributes['db.operation'], 'INSERT');
    assert.equal(filtered.at(-1)!.attributes['coordimap.flow.run_id'], 7);
    assert.equal(filtered.at(-1)!.attributes.other, undefined);
  });

  it('the JSON decoder yields the same spans as the protobuf decoder', () => {
    const spans = richSpans();
    const fromProto = decodeTraceRequestProto(protoBody(spans)).spans;
    const fromJson = decodeTraceRequestJson(jsonBody(spans).toString()).spans;
    assert.deepEqual(
      fromJson.map((s) => ({ ...s, attributes: { ...s.attributes }, startMs: Math.round(s.startMs), durationMs: Math.round(s.durationMs * 1000) })),
      fromProto.map((s) => ({ ...s, attributes: { ...s.attributes }, startMs: Math.round(s.startMs), durationMs: Math.round(s.durationMs * 1000) })),
    );
  });

  it('span events (exceptions), the status message and link attributes: decoded in full, from the kept bytes on the hot path, and alike from JSON', () => {
    const longStack = `Error: boom\n${'    at frame (/srv/app/x.js:1:1)\n'.repeat(1_000)}`;
    const spans = recordSpans('payments', (tracer) => {
      const other = makeSpan(tracer, { name: 'earlier' });
      const s = tracer.startSpan('charge', { links: [{ context: other.spanContext(), attributes: { 'link.why': 'retry' } }] });
      s.recordException({ name: 'CardError', message: 'card declined', stack: longStack });
      s.addEvent('note', { detail: 'y'.repeat(LIMITS.maxStringLength + 10) });
      s.setStatus({ code: 2, message: 'payment failed' });
      s.end();
      const ok = tracer.startSpan('ok');
      ok.setStatus({ code: 1 });
      ok.end();
    });
    const body = protoBody(spans);
    const msg = oracle().decode(body).toJSON() as { resourceSpans: { scopeSpans: { spans: { name: string; events?: { name: string; attributes: { key: string }[] }[] }[] }[] }[] };
    const oracleEvents = msg.resourceSpans[0].scopeSpans[0].spans.find((s) => s.name === 'charge')!.events!;
    const full = decodeTraceRequestProto(body).spans.find((s) => s.name === 'charge')!;
    assert.deepEqual(full.events!.map((e) => [e.name, Object.keys(e.attributes).sort()]), oracleEvents.map((e) => [e.name, e.attributes.map((a) => a.key).sort()]));
    const exception = full.events![0].attributes;
    assert.equal(exception['exception.type'], 'CardError');
    assert.equal(exception['exception.message'], 'card declined');
    assert.equal(exception['exception.stacktrace'], `${longStack.slice(0, LIMITS.maxStacktraceLength)}…`, 'a stack trace keeps up to its own cap');
    assert.equal((full.events![1].attributes.detail as string).length, LIMITS.maxStringLength + 1, 'other event values are clipped as usual');
    assert.equal(full.statusMessage, 'payment failed');
    assert.deepEqual(full.links.map((l) => l.attributes), [{ 'link.why': 'retry' }]);
    assert.equal(spanDetail(decodeTraceRequestProto(body).spans.find((s) => s.name === 'ok')!).statusCode, 1);

    const hot = decodeTraceRequestProto(body, topologyAttributeKeys('coordimap.flow.')).spans.find((s) => s.name === 'charge')!;
    assert.equal(hot.events, undefined, 'the hot path leaves events in the bytes');
    assert.equal(hot.statusMessage, undefined);
    assert.deepEqual(spanDetail(hot), spanDetail(full));

    const fromJson = decodeTraceRequestJson(jsonBody(spans).toString()).spans.find((s) => s.name === 'charge')!;
    const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
    assert.deepEqual(plain(spanDetail(fromJson)), plain(spanDetail(full)));
  });

  it('rejects spans with invalid ids and reports them as partially rejected', () => {
    const r = decodeTraceRequestJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'zz', spanId: '00' }, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'ok' }] }] }] }));
    assert.equal(r.rejected, 1);
    assert.equal(r.spans[0].service, 'unknown_service');
    assert.match(r.message!, /1 span/);
  });

  it('every truncation of a valid body and random bytes either decode or throw MalformedRequestError', () => {
    const body = protoBody(richSpans());
    const keep = topologyAttributeKeys('coordimap.flow.');
    for (let n = 0; n < body.length; n++) {
      for (const filter of [undefined, keep]) {
        try {
          decodeTraceRequestProto(body.subarray(0, n), filter);
        } catch (err) {
          assert.ok(err instanceof MalformedRequestError, `length ${n}: ${String(err)}`);
        }
      }
    }
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 3000; i++) {
      const mutated = Buffer.from(body);
      for (let k = 0; k < 1 + rand() * 8; k++) mutated[Math.floor(rand() * mutated.length)] = Math.floor(rand() * 256);
      const junk = Buffer.from(Array.from({ length: Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)));
      for (const b of [mutated, junk]) {
        try {
          decodeTraceRequestProto(b);
        } catch (err) {
          assert.ok(err instanceof MalformedRequestError, String(err));
        }
        try {
          // The filtered path skips values unread; a drill-down decode of them never throws.
          for (const s of decodeTraceRequestProto(b, keep).spans) assert.equal(typeof spanAttributes(s), 'object');
        } catch (err) {
          assert.ok(err instanceof MalformedRequestError, String(err));
        }
      }
    }
  });

  it('hostile JSON shapes are malformed or ignored, never a crash', () => {
    for (const text of ['', 'null', '[]', '{"resourceSpans":5}', '{"resourceSpans":[{"scopeSpans":{}}]}']) {
      try {
        const r = decodeTraceRequestJson(text);
        assert.equal(r.spans.length, 0);
      } catch (err) {
        assert.ok(err instanceof MalformedRequestError, `${text}: ${String(err)}`);
      }
    }
    const proto = decodeTraceRequestJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), attributes: [{ key: '__proto__', value: { stringValue: 'x' } }, { key: 'deep', value: nest(50) }] }] }] }] }));
    assert.equal(({} as Record<string, unknown>).x, undefined);
    assert.equal(proto.spans.length, 1);
  });
});

function nest(n: number): unknown {
  return n === 0 ? { stringValue: 'leaf' } : { arrayValue: { values: [nest(n - 1)] } };
}
