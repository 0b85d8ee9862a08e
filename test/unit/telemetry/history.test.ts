// The snapshot list and the webview's diff shape behind "compare with an earlier snapshot".

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyGraph, type Graph } from '../../../common/src/graph';
import { edgeDiffOf, edgeEnds, HistoryStore } from '../../../server/src/telemetry/history';
import { edge, node } from '../../webview/support/graphs';

function graphOf(edgeIds: Array<[string, 'calls' | 'reads', string]>): Graph {
  const g = emptyGraph();
  const ids = new Set(edgeIds.flatMap(([s, , t]) => [s, t]));
  g.nodes = [...ids].map((id) => node(id, id.startsWith('database:') ? 'database' : 'service'));
  g.edges = edgeIds.map(([s, r, t]) => edge(s, r, t));
  return g;
}

describe('receiver: history snapshots for Compare', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ofm-snapshots-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists one snapshot per distinct topology, newest first, capped, and survives a reload', () => {
    const store = new HistoryStore(dir);
    const one = graphOf([['service:a', 'calls', 'service:b']]);
    const two = graphOf([['service:a', 'calls', 'service:b'], ['service:b', 'reads', 'database:pg']]);
    store.save({}, emptyGraph(), 100);
    store.save({}, one, 200);
    store.save({}, one, 300);
    store.save({}, two, 400);
    store.save({}, two, 500);
    assert.deepEqual(store.list(10), [
      { time: 400, nodes: 3, edges: 2 },
      { time: 200, nodes: 2, edges: 1 },
      { time: 100, nodes: 0, edges: 0 },
    ]);
    assert.deepEqual(store.list(1).map((s) => s.time), [400]);
    assert.deepEqual(new HistoryStore(dir).list(10).map((s) => s.time), [400, 200, 100]);
  });

  it('diffs in the webview shape: added ids, removed edges split into their ends', () => {
    const store = new HistoryStore(dir);
    store.save({}, graphOf([['service:a', 'calls', 'service:b'], ['service:b', 'reads', 'database:pg']]), 100);
    const now = graphOf([['service:a', 'calls', 'service:b'], ['service:a', 'calls', 'service:c']]);
    assert.deepEqual(edgeDiffOf(store.diff(150, now)), {
      since: 150,
      snapshotAt: 100,
      addedEdgeIds: ['service:a|calls|service:c'],
      removedEdges: [{ id: 'service:b|reads|database:pg', source: 'service:b', relation: 'reads', target: 'database:pg' }],
    });
  });

  it('splits edge ids whose names contain the separator, and rejects ids that are not edges', () => {
    assert.deepEqual(edgeEnds('service:a|b|calls|external:x|y'), { id: 'service:a|b|calls|external:x|y', source: 'service:a|b', relation: 'calls', target: 'external:x|y' });
    assert.deepEqual(edgeEnds('database:redis:one|writes|queue:kafka:orders'), { id: 'database:redis:one|writes|queue:kafka:orders', source: 'database:redis:one', relation: 'writes', target: 'queue:kafka:orders' });
    for (const bad of ['', 'service:a', 'service:a|eval|service:b', '|calls|service:b', 'service:a|calls|nothing:b']) assert.equal(edgeEnds(bad), undefined, bad);
  });
});
