// contract.md §2a–2e on the pure topology engine: pairing by the service-graph peers' rules,
// the peer-key list, database identity, virtual clients, expiry, and the peers' series.

import assert from 'node:assert/strict';
import { Topology, type TopologyOptions } from '../../../server/src/telemetry/topology/topology';
import { SpanKind, type AttrValue, type DecodedSpan } from '../../../server/src/telemetry/otlp/span';
import { spanAttributes } from '../../support/spans';

let seq = 0;
function span(over: Partial<DecodedSpan> & { attrs?: Record<string, AttrValue> }): DecodedSpan {
  seq++;
  const { attrs, ...rest } = over;
  return {
    traceId: 'a'.repeat(32), spanId: seq.toString(16).padStart(16, '0'), parentSpanId: 'f'.repeat(16), name: 'op', kind: SpanKind.INTERNAL,
    startMs: 1_000 + seq, durationMs: 10, error: false, service: 'svc', scope: 'scope', attributes: spanAttributes(attrs ?? {}), links: [],
    ...rest,
  };
}

const topo = (over: Partial<TopologyOptions> = {}) => new Topology({ attributePrefix: 'coordimap.flow.', pairWaitMs: 1_000, ...over });
const edgeIds = (t: Topology) => t.graph().edges.map((e) => e.id).sort();

/** Prometheus text -> { 'name{labels}': value } for the lines of one metric name. */
async function series(t: Topology, name: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await t.metricsText()).split('\n')) {
    const m = /^(\w+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m && m[1] === name) out[m[2] ?? ''] = Number(m[3]);
  }
  return out;
}

describe('service graph by the peers\' rules (contract §2)', () => {
  it('a CLIENT span with messaging attributes paired with a SERVER span is a service edge of connection_type messaging_system', async () => {
    const t = topo();
    const c = span({ service: 'web', kind: SpanKind.CLIENT, attrs: { 'messaging.system': 'kafka' } });
    t.ingest([c, span({ service: 'api', kind: SpanKind.SERVER, parentSpanId: c.spanId })], 0);
    t.expire(5_000);
    assert.deepEqual(edgeIds(t), ['service:web|calls|service:api']);
    assert.deepEqual(await series(t, 'traces_service_graph_request_total'), { '{client="web",server="api",connection_type="messaging_system"}': 1 });
  });

  it('a CLIENT span with db attributes paired with a SERVER span: service edge, connection_type database', async () => {
    const t = topo();
    const c = span({ service: 'web', kind: SpanKind.CLIENT, attrs: { 'db.system': 'postgresql', 'db.name': 'shop' } });
    t.ingest([span({ service: 'dbproxy', kind: SpanKind.SERVER, parentSpanId: c.spanId, error: true }), c], 0);
    assert.deepEqual(edgeIds(t), ['service:web|calls|service:dbproxy'], 'paired at once, no wait');
    assert.deepEqual(await series(t, 'traces_service_graph_request_failed_total'), { '{client="web",server="dbproxy",connection_type="database"}': 1 });
  });

  it('a SERVER span with db.system never makes an outgoing edge', () => {
    const t = topo();
    t.ingest([span({ service: 'api', kind: SpanKind.SERVER, parentSpanId: '', attrs: { 'db.system': 'postgresql' } })], 0);
    t.expire(5_000);
    assert.ok(!edgeIds(t).some((id) => id.startsWith('service:api|')), edgeIds(t).join());
  });

  it('older and URL/socket peer keys name external peers in the contract order', async () => {
    const t = topo();
    t.ingest([
      span({ kind: SpanKind.CLIENT, attrs: { 'net.peer.name': 'legacy-host', 'http.host': 'later' } }),
      span({ kind: SpanKind.CLIENT, attrs: { 'url.full': 'https://user:pw@Pay.Example.com:8443/v1/charge?id=7' } }),
      span({ kind: SpanKind.CLIENT, attrs: { 'http.url': 'http://old-url-host/x' } }),
      span({ kind: SpanKind.CLIENT, attrs: { 'network.peer.address': '10.0.0.5', 'network.peer.port': 6379 } }),
      span({ kind: SpanKind.CLIENT, attrs: { 'server.address': 'svc-b', 'server.port': 8080, 'net.peer.name': 'ignored' } }),
      span({ kind: SpanKind.CLIENT }),
    ], 0);
    t.expire(5_000);
    assert.deepEqual(edgeIds(t), [
      'service:svc|calls|external:10.0.0.5:6379', 'service:svc|calls|external:legacy-host', 'service:svc|calls|external:old-url-host',
      'service:svc|calls|external:pay.example.com', 'service:svc|calls|external:svc-b', 'service:svc|calls|external:unknown',
    ]);
    const total = await series(t, 'traces_service_graph_request_total');
    assert.equal(total['{client="svc",server="legacy-host",connection_type="virtual_node"}'], 1);
    assert.equal(total['{client="svc",server="unknown",connection_type="virtual_node"}'], 1);
  });

  it('database identity is system + server + namespace; the series label is the server', async () => {
    const t = topo();
    const db = (server: string | undefined, name: string) =>
      span({ kind: SpanKind.CLIENT, attrs: { 'db.system': 'postgresql', 'db.name': name, 'db.operation': 'select', ...(server ? { 'server.address': server } : {}) } });
    t.ingest([db('pg-a', 'shop'), db('pg-b', 'shop'), db('pg-a', 'audit'), db(undefined, 'shop')], 0);
    t.expire(5_000);
    assert.deepEqual(edgeIds(t), [
      'service:svc|reads|database:postgresql:audit@pg-a', 'service:svc|reads|database:postgresql:shop',
      'service:svc|reads|database:postgresql:shop@pg-a', 'service:svc|reads|database:postgresql:shop@pg-b',
    ]);
    assert.deepEqual(await series(t, 'traces_service_graph_request_total'), {
      '{client="svc",server="pg-a",connection_type="database"}': 2,
      '{client="svc",server="pg-b",connection_type="database"}': 1,
      '{client="svc",server="shop",connection_type="database"}': 1,
    });
  });

  it('root SERVER spans get a virtual client: user, or the peer named by the span; off by setting', async () => {
    const t = topo();
    t.ingest([
      span({ service: 'api', kind: SpanKind.SERVER, parentSpanId: '' }),
      span({ service: 'api', kind: SpanKind.SERVER, parentSpanId: '', attrs: { 'peer.service': 'partner', 'server.address': 'api.local' } }),
      span({ service: 'worker', kind: SpanKind.CONSUMER, parentSpanId: '', attrs: { 'messaging.system': 'kafka', 'messaging.destination.name': 'jobs' } }),
    ], 0);
    assert.deepEqual(edgeIds(t), ['external:partner|calls|service:api', 'external:user|calls|service:api', 'service:worker|consumes|queue:kafka:jobs']);
    assert.deepEqual(await series(t, 'traces_service_graph_request_total'), {
      '{client="user",server="api",connection_type="virtual_node"}': 1,
      '{client="partner",server="api",connection_type="virtual_node"}': 1,
      '{client="user",server="worker",connection_type="virtual_node"}': 1,
    });
    const off = topo({ virtualClient: false });
    off.ingest([span({ service: 'api', kind: SpanKind.SERVER, parentSpanId: '' })], 0);
    assert.deepEqual(edgeIds(off), []);
  });

  it('a producer and its consumer: queue edges on the map, one messaging_system series client -> server', async () => {
    const t = topo();
    const p = span({ service: 'shop', kind: SpanKind.PRODUCER, attrs: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' } });
    t.ingest([p], 0);
    assert.deepEqual(edgeIds(t), ['service:shop|publishes|queue:kafka:orders'], 'the queue edge is drawn at once');
    t.ingest([span({ service: 'billing', kind: SpanKind.CONSUMER, parentSpanId: p.spanId, durationMs: 300, attrs: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' } })], 10);
    assert.deepEqual(edgeIds(t), ['service:billing|consumes|queue:kafka:orders', 'service:shop|publishes|queue:kafka:orders']);
    assert.deepEqual(await series(t, 'traces_service_graph_request_total'), { '{client="shop",server="billing",connection_type="messaging_system"}': 1 });
    const buckets = await series(t, 'traces_service_graph_request_server_seconds_bucket');
    assert.equal(buckets['{le="0.2",client="shop",server="billing",connection_type="messaging_system"}'], 0);
    assert.equal(buckets['{le="0.4",client="shop",server="billing",connection_type="messaging_system"}'], 1);
  });

  it('what the store gives up is counted: unpaired server halves and halves dropped by maxItems', async () => {
    const t = topo({ caps: { pendingPairs: 2 } });
    t.ingest([span({ service: 'api', kind: SpanKind.SERVER })], 0);
    t.expire(5_000);
    assert.deepEqual(await series(t, 'traces_service_graph_unpaired_spans_total'), { '{client="",server="api",connection_type=""}': 1 });
    t.ingest([span({ service: 'web', kind: SpanKind.CLIENT, attrs: { 'server.address': 'x' } }), span({ service: 'web', kind: SpanKind.CLIENT }), span({ service: 'web', kind: SpanKind.CLIENT })], 6_000);
    assert.deepEqual(await series(t, 'traces_service_graph_dropped_spans_total'), { '{client="web",server="",connection_type=""}': 1 });
    assert.deepEqual(edgeIds(t), ['service:web|calls|external:x'], 'the dropped half still reaches the map');
  });

  it('nodes, edges and flows unseen for the TTL leave with removed* deltas, and their series with them', async () => {
    const t = topo({ expiryMs: 60_000 });
    t.ingest([span({ kind: SpanKind.INTERNAL, attrs: { 'db.system': 'redis', 'db.operation': 'get', 'coordimap.flow.name': 'a.b' } })], 0);
    t.takeDelta();
    assert.equal(Object.keys(await series(t, 'otel_flow_map_edge_requests_total')).length, 1);
    t.ingest([span({ service: 'other', kind: SpanKind.INTERNAL })], 50_000);
    t.expire(70_000);
    const d = t.takeDelta()!;
    assert.deepEqual(d.removedEdgeIds, ['service:svc|reads|database:redis:redis']);
    assert.deepEqual(d.removedNodeIds.sort(), ['database:redis:redis', 'service:svc']);
    assert.deepEqual(d.removedFlowNames, ['a.b']);
    assert.deepEqual(t.graph().nodes.map((n) => n.id), ['service:other']);
    assert.deepEqual(await series(t, 'otel_flow_map_edge_requests_total'), {});
  });
});
