// Lean deltas (issue 14 item 8): an edge's span-name, scope and detail lists travel only when
// they change; applyDelta keeps the lists it has; a reset delta carries them all.

import assert from 'node:assert/strict';
import { applyDelta, emptyGraph } from '../../common/src/graph';
import { Topology } from '../../server/src/telemetry/topology/topology';
import { SpanKind, type DecodedSpan } from '../../server/src/telemetry/otlp/span';

let seq = 0;
function dbSpan(name: string, table: string): DecodedSpan {
  seq++;
  return {
    traceId: 'c'.repeat(32), spanId: seq.toString(16).padStart(16, '0'), parentSpanId: '', name, kind: SpanKind.INTERNAL,
    startMs: 1_000 + seq, durationMs: 3, error: false, service: 'api', scope: 'db-lib', links: [],
    attributes: Object.assign(Object.create(null), { 'db.system.name': 'postgresql', 'db.namespace': 'shop', 'db.operation.name': 'SELECT', 'db.collection.name': table }),
  };
}

describe('lean deltas', () => {
  it('sends an edge\'s lists only when they change, and consumers keep them', () => {
    const t = new Topology({ attributePrefix: 'coordimap.flow.', pairWaitMs: 1_000 });
    const consumer = emptyGraph();
    t.ingest([dbSpan('SELECT orders', 'orders')], 2_000);
    const first = t.takeDelta(2_000)!;
    assert.deepEqual(first.edges[0].spanNames, ['SELECT orders']);
    applyDelta(consumer, first);

    t.ingest([dbSpan('SELECT orders', 'orders'), dbSpan('SELECT orders', 'orders')], 2_250);
    const same = t.takeDelta(2_250)!;
    assert.equal(same.edges.length, 1);
    assert.equal(same.edges[0].count, 3);
    assert.equal(same.edges[0].spanNames, undefined, 'no lists when nothing new');
    assert.equal(same.edges[0].scopes, undefined);
    assert.equal(same.edges[0].details, undefined);
    const lean = JSON.stringify(same.edges[0]).length;
    applyDelta(consumer, same);
    assert.deepEqual(consumer.edges[0].spanNames, ['SELECT orders']);
    assert.deepEqual(consumer.edges[0].scopes, ['db-lib']);
    assert.deepEqual(consumer.edges[0].details, ['orders']);
    assert.equal(consumer.edges[0].count, 3);

    t.ingest([dbSpan('SELECT items', 'items')], 2_500);
    const grown = t.takeDelta(2_500)!;
    assert.deepEqual(grown.edges[0].spanNames, ['SELECT orders', 'SELECT items']);
    assert.ok(JSON.stringify(grown.edges[0]).length > lean);
    applyDelta(consumer, grown);
    assert.deepEqual(consumer.edges[0].details, ['orders', 'items']);

    t.clear();
    t.ingest([dbSpan('SELECT orders', 'orders')], 3_000);
    const reset = t.takeDelta(3_000)!;
    assert.equal(reset.reset, true);
    assert.deepEqual(reset.edges[0].spanNames, ['SELECT orders'], 'a reset delta carries the lists');
  });
});
