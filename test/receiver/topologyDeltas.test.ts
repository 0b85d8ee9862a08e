// Lean deltas (issue 14 item 8): a node or edge the consumer already has travels as a stats row
// named by its key; it travels whole when it is new, when one of its lists grew (span names,
// scopes, details) or its first time moved; a flow step's lists travel only when one grew;
// applyDelta keeps what a delta does not carry; a reset delta carries everything whole.

import assert from 'node:assert/strict';
import { applyDelta, emptyGraph } from '../../common/src/graph';
import { Topology } from '../../server/src/telemetry/topology/topology';
import { SpanKind, type DecodedSpan } from '../../server/src/telemetry/otlp/span';
import { spanAttributes } from '../support/spans';

let seq = 0;
function dbSpan(name: string, table: string, startMs = 1_000 + seq): DecodedSpan {
  seq++;
  return {
    traceId: 'c'.repeat(32), spanId: seq.toString(16).padStart(16, '0'), parentSpanId: '', name, kind: SpanKind.INTERNAL,
    startMs, durationMs: 3, error: false, service: 'api', scope: 'db-lib', links: [],
    attributes: spanAttributes({ 'db.system.name': 'postgresql', 'db.namespace': 'shop', 'db.operation.name': 'SELECT', 'db.collection.name': table }),
  };
}

describe('lean deltas', () => {
  it('sends a known edge and node as stats rows, whole when they are new or their lists grow, and consumers keep the rest', () => {
    const t = new Topology({ attributePrefix: 'coordimap.flow.', pairWaitMs: 1_000 });
    const consumer = emptyGraph();
    t.ingest([dbSpan('SELECT orders', 'orders')], 2_000);
    const first = t.takeDelta(2_000)!;
    assert.deepEqual(first.edges[0].spanNames, ['SELECT orders']);
    assert.equal(first.edgeStats, undefined, 'a new edge travels whole');
    assert.equal(typeof first.edges[0].key, 'number');
    assert.equal(first.nodes.length, 2);
    applyDelta(consumer, first);

    t.ingest([dbSpan('SELECT orders', 'orders'), dbSpan('SELECT orders', 'orders')], 2_250);
    const same = t.takeDelta(2_250)!;
    assert.equal(same.edges.length, 0, 'nothing new: no whole edge');
    assert.equal(same.nodes.length, 0);
    assert.equal(same.edgeStats?.length, 1);
    const [key, count, errors, p50, , , lastSeen] = same.edgeStats[0];
    assert.equal(key, first.edges[0].key);
    assert.equal(count, 3);
    assert.equal(errors, 0);
    assert.ok(p50 > 0);
    assert.equal(lastSeen, Math.round(lastSeen), 'whole milliseconds');
    assert.deepEqual(same.nodeStats?.map((r) => r[1]).sort(), [3, 3]);
    assert.ok(JSON.stringify(same.edgeStats[0]).length <= 100, JSON.stringify(same.edgeStats[0]));
    applyDelta(consumer, same);
    assert.deepEqual(consumer.edges[0].spanNames, ['SELECT orders']);
    assert.deepEqual(consumer.edges[0].scopes, ['db-lib']);
    assert.deepEqual(consumer.edges[0].details, ['orders']);
    assert.equal(consumer.edges[0].count, 3);
    assert.deepEqual(consumer.nodes.map((n) => n.spanCount), [3, 3]);

    t.ingest([dbSpan('SELECT items', 'items')], 2_500);
    const grown = t.takeDelta(2_500)!;
    assert.deepEqual(grown.edges[0].spanNames, ['SELECT orders', 'SELECT items'], 'a grown list sends the edge whole');
    applyDelta(consumer, grown);
    assert.deepEqual(consumer.edges[0].details, ['orders', 'items']);

    t.ingest([dbSpan('SELECT items', 'items', 10)], 2_750);
    const earlier = t.takeDelta(2_750)!;
    assert.equal(earlier.edges[0].firstSeen, 10, 'an earlier first time sends the edge whole');
    assert.equal(earlier.nodes.length, 2);
    applyDelta(consumer, earlier);
    const live = t.graph();
    assert.deepEqual(consumer.edges.map((e) => [e.id, e.count, e.firstSeen, e.p99Ms]), live.edges.map((e) => [e.id, e.count, e.firstSeen, e.p99Ms]));

    t.clear();
    t.ingest([dbSpan('SELECT orders', 'orders')], 3_000);
    const reset = t.takeDelta(3_000)!;
    assert.equal(reset.reset, true);
    assert.deepEqual(reset.edges[0].spanNames, ['SELECT orders'], 'a reset delta carries the lists');
  });

  it('sends a flow step\'s service, scope and span-name lists only when one grew, and consumers keep them', () => {
    const t = new Topology({ attributePrefix: 'coordimap.flow.', pairWaitMs: 1_000 });
    const consumer = emptyGraph();
    const step = (name: string): DecodedSpan => {
      const s = dbSpan(name, 'orders');
      Object.assign(s.attributes, { 'coordimap.flow.name': 'checkout.place_order', 'coordimap.flow.step': 'checkout.store_order', 'coordimap.flow.run_id': `run-${seq}` });
      return s;
    };
    t.ingest([step('INSERT orders')], 2_000);
    const first = t.takeDelta(2_000)!;
    assert.deepEqual(first.flows[0].steps[0].spanNames, ['INSERT orders']);
    applyDelta(consumer, first);
    t.ingest([step('INSERT orders')], 2_250);
    const same = t.takeDelta(2_250)!;
    const lean = same.flows[0].steps[0];
    assert.equal(lean.count, 2);
    assert.deepEqual([lean.services, lean.scopes, lean.spanNames], [undefined, undefined, undefined], 'no lists when nothing new');
    applyDelta(consumer, same);
    assert.deepEqual(consumer.flows[0].steps[0], { ...lean, services: ['api'], scopes: ['db-lib'], spanNames: ['INSERT orders'] });
    t.ingest([step('UPDATE orders')], 2_500);
    const grown = t.takeDelta(2_500)!;
    assert.deepEqual(grown.flows[0].steps[0].spanNames, ['INSERT orders', 'UPDATE orders']);
    applyDelta(consumer, grown);
    assert.deepEqual(consumer.flows, t.graph().flows);
  });

  it('skips a stats row whose key the consumer does not know', () => {
    const g = emptyGraph();
    applyDelta(g, { nodes: [], edges: [], edgeStats: [[42, 1, 0, 1, 1, 1, 5]], nodeStats: [[43, 1, 0, 5]], flows: [], removedNodeIds: [], removedEdgeIds: [], removedFlowNames: [], stats: g.stats });
    assert.deepEqual([g.nodes, g.edges], [[], []]);
  });
});
