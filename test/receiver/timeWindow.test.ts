// The map's time window: per-minute rings on the pure topology engine with injected clock
// times (rolling, window edges, bounds), then the real worker answering a windowed graph for
// spans the real OTel SDK sent with start/end times in the past.

import assert from 'node:assert/strict';
import { SpanKind as ApiSpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { TelemetryHost } from '../../server/src/telemetry/host';
import { SpanKind, type AttrValue, type DecodedSpan } from '../../server/src/telemetry/otlp/span';
import { MINUTE_MS, MinuteRing, RING_MINUTES } from '../../server/src/telemetry/topology/minuteRing';
import { Topology } from '../../server/src/telemetry/topology/topology';
import { makeSpan, startHost, tracerFor, waitFor } from './support';
import { spanAttributes } from '../support/spans';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const FLOW = 'coordimap.flow.';
let seq = 0;

/** A db read of `service` from `db`, ending at `endMs`. */
function dbSpan(service: string, db: string, endMs: number, extra: Partial<DecodedSpan> = {}, attrs: Record<string, AttrValue> = {}): DecodedSpan {
  seq++;
  return {
    traceId: 'b'.repeat(32), spanId: seq.toString(16).padStart(16, '0'), parentSpanId: '', name: `read ${db}`, kind: SpanKind.INTERNAL, // INTERNAL db spans make their edge at once (no pairing wait)
    startMs: endMs - 10, durationMs: 10, error: false, service, scope: 'scope', links: [],
    attributes: spanAttributes({ 'db.system.name': 'postgresql', 'db.namespace': db, 'db.operation.name': 'SELECT', ...attrs }),
    ...extra,
  };
}

const newTopology = () => new Topology({ attributePrefix: FLOW, pairWaitMs: 1_000 });
const ids = (xs: { id: string }[]) => xs.map((x) => x.id).sort();

describe('time window: per-minute rings', () => {
  it('counts per minute, rolls over old minutes, and sums whole minutes from the window start', () => {
    const ring = new MinuteRing();
    ring.record(T0 + 1_000, T0 + 1_000, false);
    ring.record(T0 + 2_000, T0 + 2_000, true);
    ring.record(T0 + MINUTE_MS + 5, T0 + MINUTE_MS + 5, false);
    assert.deepEqual(ring.since(T0), { count: 3, errors: 1 });
    assert.deepEqual(ring.since(T0 + MINUTE_MS), { count: 1, errors: 0 });
    // The same slot an hour later: the old minute is replaced, not added to.
    const later = T0 + RING_MINUTES * MINUTE_MS;
    ring.record(later, later, false);
    assert.deepEqual(ring.since(T0), { count: 2, errors: 0 });
    // Older than the ring reaches: dropped instead of evicting the newer minute.
    ring.record(T0 + 3_000, later, true);
    assert.deepEqual(ring.since(T0), { count: 2, errors: 0 });
  });

  it('counts future (clock-skewed) spans now and ignores nonsense times', () => {
    const ring = new MinuteRing();
    ring.record(T0 + 5 * RING_MINUTES * MINUTE_MS, T0, false);
    ring.record(Number.NaN, T0, false);
    ring.record(-5 * MINUTE_MS, T0, true);
    assert.deepEqual(ring.since(T0), { count: 1, errors: 0 });
    assert.deepEqual(ring.since(T0 + MINUTE_MS), { count: 0, errors: 0 });
  });
});

describe('time window: Topology.windowGraph', () => {
  it('keeps idle items with zero window numbers beside the lifetime ones; flow steps of the window only', () => {
    const t = newTopology();
    const now = T0 + 30 * MINUTE_MS;
    const flow = { [`${FLOW}name`]: 'checkout', [`${FLOW}step`]: 'old-step' };
    t.ingest([dbSpan('old-svc', 'olddb', T0, {}, flow), dbSpan('api', 'shop', T0)], T0);
    t.ingest([dbSpan('api', 'shop', now - 1_000, { error: true }), dbSpan('api', 'shop', now - 2_000, {}, { ...flow, [`${FLOW}step`]: 'new-step' })], now);

    const all = t.graph(now);
    assert.equal(all.edges.length, 2);
    assert.deepEqual(all.window, { ms: 60_000 }, 'graph() carries the default window');
    const shop = all.edges.find((e) => e.target === 'database:postgresql:shop')!;
    assert.equal(shop.count, 3);
    assert.deepEqual({ count: shop.window!.count, errors: shop.window!.errors }, { count: 2, errors: 1 });

    const recent = t.windowGraph(5 * MINUTE_MS, now);
    assert.deepEqual(recent.window, { ms: 5 * MINUTE_MS });
    assert.equal(recent.edges.length, 2, 'idle edges stay (drawn idle)');
    const w = recent.edges.find((e) => e.target === 'database:postgresql:shop')!;
    assert.equal(w.count, 3, 'lifetime count unchanged');
    assert.deepEqual({ count: w.window!.count, errors: w.window!.errors }, { count: 2, errors: 1 });
    assert.equal(w.window!.ratePerSec, Math.round((2 / 300) * 100) / 100);
    assert.ok(w.window!.p50Ms > 9 && w.window!.p50Ms < 11.5, `window p50 ${w.window!.p50Ms}`);
    assert.deepEqual(recent.edges.find((e) => e.target === 'database:postgresql:olddb')!.window, { count: 0, errors: 0, ratePerSec: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0 });
    assert.equal(recent.nodes.find((n) => n.id === 'service:api')!.window!.count, 2);
    assert.equal(recent.nodes.find((n) => n.id === 'service:old-svc')!.window!.count, 0);
    assert.deepEqual(recent.flows.map((f) => [f.name, f.steps.map((s) => [s.name, s.count])]), [['checkout', [['new-step', 1]]]]);

    // An hour wide window reaches back to T0 (span end times, not receive times).
    assert.equal(t.windowGraph(60 * MINUTE_MS, now).edges.find((e) => e.target === 'database:postgresql:shop')!.window!.count, 3);
    // Later, with no new traffic, the recent edge goes idle too.
    assert.equal(t.windowGraph(5 * MINUTE_MS, now + 10 * MINUTE_MS).edges.every((e) => e.window!.ratePerSec === 0), true);
    assert.equal(t.windowGraph(null, now).window!.ms, null);
    assert.equal(t.windowGraph(null, now).edges[0].window, undefined);
  });

  it('slides: 10 s buckets up to 15 min, the rate reaches 0 within one window after traffic stops', () => {
    const t = new Topology({ attributePrefix: FLOW, pairWaitMs: 1_000, windowMs: 10_000 });
    let now = T0 + 5_000;
    for (let i = 0; i < 50; i++) {
      now += 100;
      t.ingest([dbSpan('api', 'shop', now)], now);
    }
    const busy = t.graph(now).edges[0].window!;
    assert.ok(busy.ratePerSec >= 4.5 && busy.ratePerSec <= 5, `5 spans/s over 10 s, got ${busy.ratePerSec}`);
    assert.equal(t.graph(now + 9_999).edges[0].window!.ratePerSec > 0, true);
    assert.equal(t.graph(now + 10_000).edges[0].window!.ratePerSec, 0, 'zero one window after the last span');
    assert.equal(t.graph(now + 10_000).edges[0].count, 50);
  });

  it('keeps an edge\'s endpoint whose own span ended a minute before the window', () => {
    const t = newTopology();
    const now = T0 + 10 * MINUTE_MS;
    // The server half ends in an earlier minute than the client half (and the edge).
    const client = dbSpan('web', 'x', now - 1_000, { kind: SpanKind.CLIENT, name: 'GET', attributes: spanAttributes(), durationMs: 7 * MINUTE_MS, startMs: now - 7 * MINUTE_MS - 1_000 });
    const server = dbSpan('api', 'x', now - 6 * MINUTE_MS, { kind: SpanKind.SERVER, name: 'GET', parentSpanId: client.spanId, attributes: spanAttributes() });
    t.ingest([client, server], now);
    const g = t.windowGraph(5 * MINUTE_MS, now);
    assert.deepEqual(ids(g.edges), ['service:web|calls|service:api']);
    assert.equal(g.edges[0].window!.count, 1);
    assert.deepEqual(ids(g.nodes), ['service:api', 'service:web']);
    assert.equal(g.nodes.find((n) => n.id === 'service:api')!.window!.count, 0);
  });

  it('is bounded: 60 minute buckets per item, whatever the spread of span times', () => {
    const t = newTopology();
    const now = T0 + 1_000 * MINUTE_MS;
    // One span per minute for 1,000 minutes on the same edge.
    for (let m = 0; m < 1_000; m++) t.ingest([dbSpan('api', 'shop', T0 + m * MINUTE_MS + 1)], now);
    const g = t.windowGraph(60 * MINUTE_MS, now);
    assert.equal(g.edges[0].window!.count, 60, 'only the last 60 minutes are kept');
    assert.equal(t.graph(now).edges[0].count, 1_000);
  });

  it('clear() forgets windowed counts too', () => {
    const t = newTopology();
    t.ingest([dbSpan('api', 'shop', T0)], T0);
    t.clear();
    assert.equal(t.windowGraph(5 * MINUTE_MS, T0).nodes.length, 0);
  });
});

describe('time window: the worker answers windowGraph (real SDK spans in the past)', function () {
  this.timeout(30_000);
  let host: TelemetryHost;

  after(async () => host?.dispose());

  it('gives the edge whose spans ended 10 minutes ago zero window numbers and the fresh one its own', async () => {
    const started = await startHost();
    host = started.host;
    const { tracer, provider } = tracerFor('shop', new OTLPTraceExporter({ url: `http://${started.http}/v1/traces` }));
    const db = (name: string, startMs: number) =>
      makeSpan(tracer, { name: `SELECT ${name}`, kind: ApiSpanKind.CLIENT, startMs, durationMs: 20, attributes: { 'db.system.name': 'postgresql', 'db.namespace': name, 'db.operation.name': 'SELECT' } });
    db('archive', Date.now() - 10 * MINUTE_MS);
    db('orders', Date.now() - 1_000);
    await provider.forceFlush();
    const all = await waitFor('both edges', async () => ((await host.graph()).edges.length === 2 ? true : undefined), 15_000);
    assert.ok(all);
    const recent = await host.windowGraph(5 * MINUTE_MS);
    assert.deepEqual(recent.edges.filter((e) => e.window!.count > 0).map((e) => e.target), ['database:postgresql:orders']);
    assert.equal(recent.nodes.find((n) => n.id === 'database:postgresql:archive')!.window!.count, 0);
    assert.equal((await host.windowGraph(60 * MINUTE_MS)).edges.filter((e) => e.window!.count > 0).length, 2);
    assert.equal((await host.windowGraph(null)).edges.length, 2);
    await provider.shutdown();
  });
});

describe('time window: WindowStats (10 s / 1 min buckets with latency)', () => {
  it('quantiles per window within ~8%, minute buckets beyond 15 min, one byte budget counted when full', async () => {
    const { WindowHistBudget, WindowStats } = await import('../../server/src/telemetry/topology/windowStats');
    const { bucketOf } = await import('../../server/src/telemetry/topology/histogram');
    let full = 0;
    const budget = new WindowHistBudget(64 * 1024 * 1024, () => full++);
    const w = new WindowStats(budget);
    const now = T0 + 20 * MINUTE_MS;
    // 100 spans of 10 ms 30 min ago, then 100 of 1..100 ms in the last 30 s.
    for (let i = 0; i < 100; i++) w.record(now - 30 * MINUTE_MS, now, false, bucketOf(10));
    for (let i = 1; i <= 100; i++) w.record(now - 30_000 + i * 100, now, i % 10 === 0, bucketOf(i));
    const m = w.window(60_000, now, now);
    assert.equal(m.count, 100);
    assert.equal(m.errors, 10);
    assert.ok(Math.abs(m.p50Ms - 50) / 50 < 0.09, `p50 ${m.p50Ms}`);
    assert.ok(Math.abs(m.p95Ms - 95) / 95 < 0.09, `p95 ${m.p95Ms}`);
    assert.ok(Math.abs(m.p99Ms - 99) / 99 < 0.09, `p99 ${m.p99Ms}`);
    assert.equal(w.window(60 * MINUTE_MS, now, now).count, 200, 'an hour reads the minute buckets');
    assert.ok(budget.used > 0);
    w.release();
    assert.equal(budget.used, 0, 'released bytes return to the budget');
    const tiny = new WindowHistBudget(200, () => full++);
    const t = new WindowStats(tiny);
    for (let i = 1; i <= 20; i++) t.record(now, now, false, bucketOf(i * 7));
    assert.ok(full > 0 && tiny.used <= 200, 'over the budget: latency not kept, counted');
    assert.equal(t.window(60_000, now, now).count, 20, 'counts are kept');
  });
});
