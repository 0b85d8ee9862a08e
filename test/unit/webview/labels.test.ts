import assert from 'node:assert/strict';
import { laneBends, pointAt, routeEdge } from '../../../webview/src/layout/edgeRoutes';
import { overlaps, placeLabels, type Box, type EdgeLabelInput, type NodeLabelInput } from '../../../webview/src/layout/labels';

const node = (id: string, x: number, y: number, priority = 1): NodeLabelInput => ({ id, at: { x, y }, halfWidth: 10, halfHeight: 10, width: 60, height: 15, priority });

function assertDisjoint(boxes: Box[]): void {
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) assert.ok(!overlaps(boxes[i], boxes[j]), `${JSON.stringify(boxes[i])} overlaps ${JSON.stringify(boxes[j])}`);
}

describe('webview edge lanes and label placement', () => {
  it('gives edges between one pair separate lanes, whatever their direction', () => {
    const edges = [
      { id: 'a|reads|b', source: 'a', target: 'b' },
      { id: 'a|writes|b', source: 'a', target: 'b' },
      { id: 'b|calls|a', source: 'b', target: 'a' },
      { id: 'a|calls|c', source: 'a', target: 'c' },
    ];
    const bends = laneBends(edges);
    assert.equal(bends.has('a|calls|c'), false, 'a lone edge keeps its own gentle bend');
    const mids = edges.slice(0, 3).map((e) => {
      const [from, to] = e.source === 'a' ? [{ x: 0, y: 0 }, { x: 200, y: 0 }] : [{ x: 200, y: 0 }, { x: 0, y: 0 }];
      return routeEdge(e, from, to, 10, 10, bends.get(e.id)).mid.y;
    });
    const sorted = [...mids].sort((x, y) => x - y);
    assert.ok(sorted[1] - sorted[0] > 25 && sorted[2] - sorted[1] > 25, `lanes too close: ${mids.join(', ')}`);
  });

  it('puts the middle of a curve at t = 0.5', () => {
    const r = routeEdge({ id: 'x', source: 'a', target: 'b' }, { x: 0, y: 0 }, { x: 100, y: 0 }, 0, 0, 17);
    assert.deepEqual(pointAt(r, 0.5), r.mid);
    assert.ok(Math.abs(r.mid.y) > 16 && Math.abs(r.mid.y) < 18, `the lane offset is at the middle: ${r.mid.y}`);
  });

  it('never lets labels overlap each other or a node, moving them around a crowded node', () => {
    // A row of nodes 40 apart: labels 60 wide cannot all sit below their nodes.
    const nodes = Array.from({ length: 6 }, (_, i) => node(`n${i}`, i * 40, 0, 10 - i));
    const route = routeEdge({ id: 'e', source: 'n0', target: 'n5' }, { x: 0, y: 0 }, { x: 200, y: 0 }, 10, 10, undefined);
    const edges: EdgeLabelInput[] = [{ id: 'e', route, width: 80, height: 13, priority: 5 }];
    const placed = placeLabels(nodes, edges);
    const shapes = nodes.map((n) => ({ x0: n.at.x - 10, y0: -10, x1: n.at.x + 10, y1: 10 }));
    assertDisjoint([...shapes, ...placed.nodes.values(), ...placed.edges.values()]);
    assert.ok(placed.nodes.has('n0'), 'the busiest node keeps its label');
    assert.ok(placed.nodes.size >= 4, `most labels find room: ${placed.nodes.size}`);
  });

  it('places the selected label first', () => {
    const nodes = [node('busy', 0, 0, 100), node('picked', 30, 0, Infinity)];
    const placed = placeLabels(nodes, []);
    const box = placed.nodes.get('picked')!;
    assert.ok(box.y0 > 10, 'the selection gets the spot below its node');
  });

  it('places labels the same way for the same input (a stable picture)', () => {
    const nodes = Array.from({ length: 30 }, (_, i) => node(`n${i}`, (i % 6) * 70, Math.floor(i / 6) * 50, i % 4));
    assert.deepEqual([...placeLabels(nodes, []).nodes], [...placeLabels([...nodes].reverse(), []).nodes]);
  });
});
