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

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const FLOW = 'coordimap.flow.';
let seq = 0;

/** A db read of `service` from `db`, ending at `endMs`. */
function dbSpan(service: string, db: string, endMs: number, extra: Partial<DecodedSpan> = {}, attrs: Record<string, AttrValue> = {}): DecodedSpan {
  seq++;
  return {
    traceId: 'b'.repeat(32), spanId: seq.toString(16).padStart(16, '0'), parentSpanId: '', name: `read ${db}`, kind: SpanKind.INTERNAL, // INTERNAL db spans make their edge at once (no pairing wait)
    startMs: endMs - 10, durationMs: 10, error: false, service, scope: 'scope', links: [],
    attributes: Object.assign(Object.create(null), { 'db.system.name': 'postgresql', 'db.namespace': db, 'db.operation.name': 'SELECT', ...attrs }),
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
  it('leaves out edges, nodes and flow steps without traffic in the window; counts only the window', () => {
    const t = newTopology();
    const now = T0 + 30 * MINUTE_MS;
    const flow = { [`${FLOW}name`]: 'checkout', [`${FLOW}step`]: 'old-step' };
    t.ingest([dbSpan('old-svc', 'olddb', T0, {}, flow), dbSpan('api', 'shop', T0)], T0);
    t.ingest([dbSpan('api', 'shop', now - 1_000, { error: true }), dbSpan('api', 'shop', now - 2_000, {}, { ...flow, [`${FLOW}step`]: 'new-step' })], now);

    const all = t.graph(now);
    assert.equal(all.edges.length, 2);
    assert.equal(all.edges.find((e) => e.target === 'database:postgresql:shop')!.count, 3);

    const recent = t.windowGraph(5 * MINUTE_MS, now);
    assert.deepEqual(ids(recent.edges), ['service:api|reads|database:postgresql:shop']);
    assert.deepEqual(ids(recent.nodes), ['database:postgresql:shop', 'service:api']);
    assert.deepEqual({ count: recent.edges[0].count, errors: recent.edges[0].errors }, { count: 2, errors: 1 });
    assert.equal(recent.nodes.find((n) => n.id === 'service:api')!.spanCount, 2);
    assert.deepEqual(recent.flows.map((f) => [f.name, f.steps.map((s) => [s.name, s.count])]), [['checkout', [['new-step', 1]]]]);
    assert.ok(recent.edges[0].p50Ms > 0, 'latency quantiles stay all-time');

    // An hour wide window reaches back to T0.
    assert.equal(t.windowGraph(60 * MINUTE_MS, now).edges.length, 2);
    // Later, with no new traffic, the recent edge ages out too.
    assert.equal(t.windowGraph(5 * MINUTE_MS, now + 10 * MINUTE_MS).edges.length, 0);
  });

  it('keeps an edge\'s endpoint whose own span ended a minute before the window', () => {
    const t = newTopology();
    const now = T0 + 10 * MINUTE_MS;
    // The server half ends in an earlier minute than the client half (and the edge).
    const client = dbSpan('web', 'x', now - 1_000, { kind: SpanKind.CLIENT, name: 'GET', attributes: Object.create(null), durationMs: 7 * MINUTE_MS, startMs: now - 7 * MINUTE_MS - 1_000 });
    const server = dbSpan('api', 'x', now - 6 * MINUTE_MS, { kind: SpanKind.SERVER, name: 'GET', parentSpanId: client.spanId, attributes: Object.create(null) });
    t.ingest([client, server], now);
    const g = t.windowGraph(5 * MINUTE_MS, now);
    assert.deepEqual(ids(g.edges), ['service:web|calls|service:api']);
    assert.deepEqual(ids(g.nodes), ['service:api', 'service:web']);
    assert.equal(g.nodes.find((n) => n.id === 'service:api')!.spanCount, 0);
  });

  it('is bounded: one ring of 60 minutes per item, whatever the spread of span times', () => {
    const t = newTopology();
    const now = T0 + 1_000 * MINUTE_MS;
    // One span per minute for 1,000 minutes on the same edge.
    for (let m = 0; m < 1_000; m++) t.ingest([dbSpan('api', 'shop', T0 + m * MINUTE_MS + 1)], now);
    const g = t.windowGraph(60 * MINUTE_MS, now);
    assert.equal(g.edges[0].count, 60, 'only the last 60 minutes are kept (the window rounds out to 61)');
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

  it('leaves out the edge whose spans ended 10 minutes ago and keeps the fresh one', async () => {
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
    assert.deepEqual(recent.edges.map((e) => e.target), ['database:postgresql:orders']);
    assert.ok(!recent.nodes.some((n) => n.id === 'database:postgresql:archive'));
    assert.equal((await host.windowGraph(60 * MINUTE_MS)).edges.length, 2);
    assert.equal((await host.windowGraph(null)).edges.length, 2);
    await provider.shutdown();
  });
});
