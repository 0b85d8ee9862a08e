// The trace store alone: grouping and indexes, the count and byte bounds under a flood, the
// tail-biased keep (error and slow traces outlive ordinary ones, within their share), and the
// detail of a trace decoded in full from a protobuf span's kept bytes.

import assert from 'node:assert/strict';
import type { DecodedSpan } from '../../../server/src/telemetry/otlp/span';
import { DEFAULT_TRACE_CAPS, TraceStore, type TraceDropReason, type TraceStoreCaps } from '../../../server/src/telemetry/traces/traceStore';
import { traceDetailOf } from '../../../server/src/telemetry/traces/traceDetail';
import { sanitizeTraceQuery, traceIdOfPath, traceQueryOf } from '../../../common/src/queries';

const hex = (n: number, len: number) => n.toString(16).padStart(len, '0');
let nextSpan = 1;

function span(trace: number, over: Partial<DecodedSpan> = {}): DecodedSpan {
  return {
    traceId: hex(trace, 32), spanId: hex(nextSpan++, 16), parentSpanId: '', name: 'GET /orders', kind: 2,
    startMs: 1_000 + trace, durationMs: 10, error: false, service: 'shop', scope: 'test', attributes: {}, links: [], ...over,
  };
}

function storeWith(caps: Partial<TraceStoreCaps> = {}) {
  const drops: Record<string, number> = {};
  const store = new TraceStore('coordimap.flow.', { ...DEFAULT_TRACE_CAPS, ...caps }, (reason: TraceDropReason, n) => (drops[reason] = (drops[reason] ?? 0) + n));
  return { store, drops };
}

describe('trace store', () => {
  it('groups spans by trace and finds traces by service, name, edge, node, flow, step and status', () => {
    const { store } = storeWith();
    const root = span(1, { name: 'checkout', attributes: { 'coordimap.flow.name': 'checkout.place_order', 'coordimap.flow.step': 'checkout.pay' } });
    store.add(root, []);
    store.add(span(1, { parentSpanId: root.spanId, service: 'payments', name: 'charge', kind: 3, startMs: 1_002, durationMs: 30, error: true }), ['service:payments|calls|external:stripe']);
    store.add(span(2, { service: 'catalog', name: 'list' }), []);
    const ids = (q: Parameters<TraceStore['query']>[0]) => store.query(q).map((t) => t.traceId);
    assert.deepEqual(ids({ service: 'payments' }), [hex(1, 32)]);
    assert.deepEqual(ids({ service: 'payments', name: 'charge' }), [hex(1, 32)]);
    assert.deepEqual(ids({ service: 'catalog', name: 'charge' }), []);
    assert.deepEqual(ids({ service: 'shop', name: 'charge' }), [], 'service and name must be one span\'s');
    assert.deepEqual(ids({ edgeId: 'service:payments|calls|external:stripe' }), [hex(1, 32)]);
    assert.deepEqual(ids({ nodeId: 'external:stripe' }), [hex(1, 32)]);
    assert.deepEqual(ids({ nodeId: 'service:catalog' }), [hex(2, 32)]);
    assert.deepEqual(ids({ flow: 'checkout.place_order', step: 'checkout.pay' }), [hex(1, 32)]);
    assert.deepEqual(ids({ step: 'checkout.pay' }), [hex(1, 32)]);
    assert.deepEqual(ids({ status: 'error' }), [hex(1, 32)]);
    assert.deepEqual(ids({ minDurationMs: 20 }), [hex(1, 32)]);
    assert.deepEqual(ids({}), [hex(2, 32), hex(1, 32)], 'newest first');
    const [t] = store.query({ service: 'payments' });
    assert.deepEqual({ ...t }, { traceId: hex(1, 32), rootName: 'checkout', rootService: 'shop', startMs: 1_001, durationMs: 31, spanCount: 2, errorCount: 1 });
  });

  it('an edge resolved after its span arrived indexes the trace too', () => {
    const { store } = storeWith();
    const client = span(5, { kind: 3 });
    store.add(client, []);
    store.tag(client, 'service:shop|calls|service:stock');
    assert.equal(store.query({ nodeId: 'service:stock' }).length, 1);
  });

  it('orders by slowest and by errors first', () => {
    const { store } = storeWith();
    store.add(span(1, { durationMs: 5 }), []);
    store.add(span(2, { durationMs: 500 }), []);
    store.add(span(3, { durationMs: 50, error: true }), []);
    assert.deepEqual(store.query({ order: 'slowest' }).map((t) => t.durationMs), [500, 50, 5]);
    assert.deepEqual(store.query({ order: 'errors' }).map((t) => t.errorCount), [1, 0, 0]);
    assert.deepEqual(store.query({ order: 'slowest', limit: 1 }).map((t) => t.durationMs), [500]);
  });

  it('a flood stays within the count and byte caps, keeps the newest, and counts evictions', () => {
    const { store, drops } = storeWith({ traces: 100, bytes: 200_000 });
    for (let i = 1; i <= 5_000; i++) store.add(span(i, { attributes: { big: 'x'.repeat(i % 7 === 0 ? 2_000 : 10) } }), []);
    assert.ok(store.size <= 100, `size ${store.size}`);
    assert.ok(store.sizeBytes <= 200_000, `bytes ${store.sizeBytes}`);
    assert.ok(store.get(hex(5_000, 32)), 'the newest trace is kept');
    assert.equal(store.get(hex(1, 32)), undefined, 'the oldest is gone');
    const evicted = (drops['trace-cap'] ?? 0) + (drops['trace-bytes-cap'] ?? 0);
    assert.equal(evicted, 5_000 - store.size);
    assert.ok((drops['trace-bytes-cap'] ?? 0) > 0, 'the byte cap evicted some');
  });

  it('error and slow traces are kept longer than ordinary ones, within their share', () => {
    const { store, drops } = storeWith({ traces: 50 });
    // A baseline of ordinary durations, so "slow" means something.
    for (let i = 1; i <= 100; i++) store.add(span(i, { durationMs: 10 }), []);
    store.add(span(1_001, { error: true }), []);
    store.add(span(1_002, { durationMs: 5_000 }), []);
    for (let i = 2_000; i < 2_500; i++) store.add(span(i, { durationMs: 10 }), []);
    assert.ok(store.get(hex(1_001, 32)), 'the failing trace survived 500 newer ordinary ones');
    assert.ok(store.get(hex(1_002, 32)), 'the slow trace survived too');
    assert.ok(store.get(hex(2_499, 32)), 'and the newest ordinary trace is there');
    assert.equal(store.size, 50);
    // Notable traces beyond their share (half) go oldest first: ordinary ones keep the other half.
    for (let i = 3_000; i < 3_200; i++) store.add(span(i, { error: true }), []);
    assert.equal(store.get(hex(1_001, 32)), undefined, 'old errors go once errors fill their share');
    assert.ok(store.query({ status: 'error' }).length <= 26);
    assert.ok(store.query({}).some((t) => t.errorCount === 0), 'ordinary traces still listed');
    assert.ok((drops['trace-cap'] ?? 0) > 0);
  });

  it('a runaway trace is capped by spans per trace (counted), not allowed to take the store', () => {
    const { store, drops } = storeWith({ spansPerTrace: 10 });
    for (let i = 0; i < 25; i++) store.add(span(7), []);
    assert.equal(store.get(hex(7, 32))!.spans.length, 10);
    assert.equal(drops['trace-span-cap'], 15);
    assert.equal(traceDetailOf(hex(7, 32), store.get(hex(7, 32)), [])!.missingSpans, 15);
  });

  it('the detail carries events, status and links of a JSON-decoded span, and the logs', () => {
    const { store } = storeWith();
    const s = span(9, {
      error: true, statusMessage: 'card declined',
      events: [{ name: 'exception', timeMs: 1_005, attributes: { 'exception.type': 'CardError', 'exception.message': 'declined' } }],
      links: [{ traceId: hex(8, 32), spanId: hex(1, 16), attributes: { why: 'retry' } }],
    });
    store.add(s, []);
    const d = traceDetailOf(hex(9, 32), store.get(hex(9, 32)), [{ service: 'shop', traceId: hex(9, 32), spanId: s.spanId, timeMs: 1_004, severity: 'ERROR', body: 'payment failed' }])!;
    assert.equal(d.spans[0].status, 'error');
    assert.equal(d.spans[0].statusMessage, 'card declined');
    assert.deepEqual(d.spans[0].events, [{ name: 'exception', timeMs: 1_005, attributes: { 'exception.type': 'CardError', 'exception.message': 'declined' } }]);
    assert.deepEqual(d.spans[0].links, [{ traceId: hex(8, 32), spanId: hex(1, 16), attributes: { why: 'retry' } }]);
    assert.deepEqual(d.logs, [{ timeMs: 1_004, severity: 'ERROR', body: 'payment failed', spanId: s.spanId, attributes: {} }]);
    assert.equal(traceDetailOf(hex(10, 32), undefined, []), null);
  });

  it('queries from the wire keep known, well-formed filters only', () => {
    assert.deepEqual(traceQueryOf(new URLSearchParams('service=a&status=error&order=slowest&minDurationMs=5&limit=9999&bogus=1&nodeId=')), { service: 'a', status: 'error', order: 'slowest', minDurationMs: 5, limit: 200 });
    assert.deepEqual(sanitizeTraceQuery({ status: 'ok', order: 'random', limit: -1, minDurationMs: 'x', name: 7 }), {});
    assert.equal(traceIdOfPath(`/api/traces/${'A'.repeat(32)}`), 'a'.repeat(32));
    assert.equal(traceIdOfPath('/api/traces/xyz'), null);
    assert.equal(traceIdOfPath('/api/traces'), undefined);
  });
});
