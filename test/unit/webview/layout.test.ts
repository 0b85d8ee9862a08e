import assert from 'node:assert/strict';
import { ForceLayout } from '../../../webview/src/layout/forceLayout';
import { layeredLayout } from '../../../webview/src/layout/layered';
import { nearestInDirection } from '../../../webview/src/layout/navigation';
import { placeNodes, type Point } from '../../../webview/src/layout/placement';

describe('webview layout: placeNodes', () => {
  it('keeps every previous position exactly', () => {
    const previous = new Map<string, Point>([
      ['a', { x: 10, y: 20 }],
      ['b', { x: -40, y: 5 }],
    ]);
    const placed = placeNodes(['a', 'b', 'c'], [{ source: 'a', target: 'c' }], previous);
    assert.deepEqual(placed.get('a'), { x: 10, y: 20 });
    assert.deepEqual(placed.get('b'), { x: -40, y: 5 });
  });

  it('places a new node next to its placed neighbour', () => {
    const previous = new Map<string, Point>([['a', { x: 1000, y: 1000 }], ['far', { x: -1000, y: -1000 }]]);
    const c = placeNodes(['a', 'far', 'c'], [{ source: 'a', target: 'c' }], previous).get('c')!;
    assert.ok(Math.hypot(c.x - 1000, c.y - 1000) < 100, `c at ${c.x},${c.y}`);
  });

  it('grows chains of new nodes outward from the placed ones', () => {
    const previous = new Map<string, Point>([['a', { x: 500, y: 0 }]]);
    const placed = placeNodes(['a', 'b', 'c'], [{ source: 'a', target: 'b' }, { source: 'b', target: 'c' }], previous);
    const c = placed.get('c')!;
    assert.ok(Math.hypot(c.x - 500, c.y) < 150);
  });

  it('places nodes without placed neighbours outside the current drawing, all distinct', () => {
    const previous = new Map<string, Point>([['a', { x: 0, y: 0 }], ['b', { x: 100, y: 0 }]]);
    const ids = ['a', 'b', ...Array.from({ length: 50 }, (_, i) => `n${i}`)];
    const placed = placeNodes(ids, [], previous);
    assert.equal(placed.size, 52);
    const keys = new Set([...placed.values()].map((p) => `${p.x.toFixed(3)},${p.y.toFixed(3)}`));
    assert.equal(keys.size, 52);
    for (let i = 0; i < 50; i++) assert.ok(Math.hypot(placed.get(`n${i}`)!.x - 50, placed.get(`n${i}`)!.y) > 50);
  });

  it('is deterministic and handles duplicates and self links', () => {
    const a = placeNodes(['x', 'y', 'y'], [{ source: 'x', target: 'x' }, { source: 'x', target: 'y' }], new Map());
    const b = placeNodes(['x', 'y', 'y'], [{ source: 'x', target: 'x' }, { source: 'x', target: 'y' }], new Map());
    assert.deepEqual([...a], [...b]);
    assert.equal(a.size, 2);
  });
});

describe('webview layout: layeredLayout', () => {
  it('orders a chain left to right', () => {
    const l = layeredLayout(['c', 'a', 'b'], [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }]);
    assert.deepEqual(l.layers, [['a'], ['b'], ['c']]);
  });

  it('puts a step after its longest predecessor path and keeps branches in one layer', () => {
    const l = layeredLayout(['a', 'b', 'c', 'd'], [
      { from: 'a', to: 'b' },
      { from: 'a', to: 'c' },
      { from: 'b', to: 'd' },
      { from: 'c', to: 'd' },
      { from: 'a', to: 'd' },
    ]);
    assert.equal(l.layerOf.get('a'), 0);
    assert.equal(l.layerOf.get('b'), 1);
    assert.equal(l.layerOf.get('c'), 1);
    assert.equal(l.layerOf.get('d'), 2);
  });

  it('breaks cycles (retries) and marks the back edge', () => {
    const l = layeredLayout(['a', 'b', 'c'], [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'b' }]);
    assert.deepEqual(l.layers, [['a'], ['b'], ['c']]);
    assert.equal(l.backEdges.size, 1);
    assert.ok(l.backEdges.has('c\u0000b'));
  });

  it('ignores transitions to unknown steps and self loops; empty input is empty', () => {
    const l = layeredLayout(['a'], [{ from: 'a', to: 'zzz' }, { from: 'a', to: 'a' }]);
    assert.deepEqual(l.layers, [['a']]);
    assert.deepEqual(layeredLayout([], []).layers, []);
  });

  it('orders a layer by the barycentre of its predecessors', () => {
    const l = layeredLayout(['r1', 'r2', 'x', 'y'], [{ from: 'r1', to: 'y' }, { from: 'r2', to: 'x' }]);
    assert.deepEqual(l.layers[1], ['y', 'x']);
  });
});

describe('webview layout: nearestInDirection', () => {
  const pos = new Map<string, Point>([
    ['c', { x: 0, y: 0 }],
    ['r', { x: 100, y: 10 }],
    ['r2', { x: 60, y: 80 }],
    ['l', { x: -100, y: 0 }],
    ['u', { x: 0, y: -100 }],
  ]);
  it('prefers the node straight ahead', () => {
    assert.equal(nearestInDirection('c', pos, 'right'), 'r');
    assert.equal(nearestInDirection('c', pos, 'left'), 'l');
    assert.equal(nearestInDirection('c', pos, 'up'), 'u');
    assert.equal(nearestInDirection('c', pos, 'down'), 'r2');
  });
  it('returns null at the edge or for unknown ids', () => {
    assert.equal(nearestInDirection('r', pos, 'right'), null);
    assert.equal(nearestInDirection('nope', pos, 'left'), null);
  });
});

describe('webview layout: ForceLayout', () => {
  it('keeps the placed nodes still while newcomers arrive one after another, even before the first has settled', () => {
    const layout = new ForceLayout();
    const ids = Array.from({ length: 40 }, (_, i) => `n${i}`);
    const links = ids.slice(1).map((id, i) => ({ source: ids[i], target: id }));
    layout.update(ids.map((id) => ({ id, radius: 10 })), links);
    while (layout.step(50));
    const before = new Map([...layout.positions()].map(([id, p]) => [id, { ...p }]));
    layout.update([...ids, 'new1'].map((id) => ({ id, radius: 10 })), [...links, { source: 'n5', target: 'new1' }]);
    assert.equal(layout.step(0), true, 'the first newcomer is still settling');
    layout.update([...ids, 'new1', 'new2'].map((id) => ({ id, radius: 10 })), [...links, { source: 'n5', target: 'new1' }, { source: 'n9', target: 'new2' }]);
    while (layout.step(50));
    for (const [id, p] of before) assert.deepEqual(layout.positions().get(id), p, id);
  });
});
