import assert from 'node:assert/strict';
import { path as d3path } from 'd3';
import { routeEdge } from '../../../webview/src/layout/edgeRoutes';
import { buildScene, edgeLabel, nodeRadius } from '../../../webview/src/views/scene';
import { traceShape } from '../../../webview/src/views/shapes';
import { edge, node } from '../../webview/support/graphs';

describe('webview scene', () => {
  it('sizes services by traffic within bounds', () => {
    const quiet = nodeRadius(node('service:a', 'service', 1));
    const busy = nodeRadius(node('service:b', 'service', 100_000));
    assert.ok(busy > quiet);
    assert.ok(busy <= 24 && quiet >= 9);
    assert.equal(nodeRadius(node('service:c', 'service', -5)), 9, 'negative counts from a bad host do not shrink below the minimum');
  });

  it('labels edges with relation, rate, error share and p95', () => {
    const e = { ...edge('service:a', 'calls', 'service:b', 120, 6), firstSeen: 0, lastSeen: 60_000 };
    assert.equal(edgeLabel(e), 'calls · 2.0/s · 5.0% err · p95 48.0 ms');
    assert.equal(edgeLabel({ ...e, errors: 0, count: 30 }), 'calls · 30.0/min · p95 48.0 ms');
  });

  it('hides edge labels on big graphs and marks fresh items', () => {
    const nodes = [node('service:a', 'service'), node('service:b', 'service')];
    const small = buildScene({ nodes, edges: [edge('service:a', 'calls', 'service:b')] }, (id) => id === 'service:b');
    assert.equal(small.edgeLabels, true);
    assert.deepEqual(small.nodes.map((n) => n.fresh), [false, true]);
    const many = Array.from({ length: 40 }, (_, i) => edge('service:a', 'calls', `service:x${i}`));
    assert.equal(buildScene({ nodes, edges: many }, () => false).edgeLabels, false);
  });

  it('trims edges to the node outlines and bends them to one side', () => {
    const ab = { id: 'ab', source: 'a', target: 'b' };
    const g = routeEdge(ab, { x: 0, y: 0 }, { x: 100, y: 0 }, 10, 20, undefined);
    assert.ok(Math.abs(Math.hypot(g.start.x, g.start.y) - 12) < 1e-9);
    assert.ok(Math.abs(Math.hypot(g.end.x - 100, g.end.y) - 24) < 1e-9);
    assert.ok(g.control.y > 0, 'A->B bends one way');
    assert.ok(routeEdge({ id: 'ba', source: 'b', target: 'a' }, { x: 100, y: 0 }, { x: 0, y: 0 }, 10, 20, undefined).control.y < 0, 'B->A the other');
  });

  it('draws a distinct closed outline for every node kind', () => {
    const outlines = (['service', 'database', 'queue', 'external'] as const).map((kind) => {
      const p = d3path();
      traceShape(p, kind, 0, 0, 10);
      return p.toString();
    });
    assert.equal(new Set(outlines).size, 4);
    for (const d of outlines) assert.match(d, /Z/);
  });
});
