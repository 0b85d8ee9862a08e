import assert from 'node:assert/strict';
import type { EdgeDiff } from '../../../common/src/graph';
import { ago, compareWith, MAX_REMOVED, sanitizeSnapshots, snapshotLabel } from '../../../webview/src/compare';
import { buildScene } from '../../../webview/src/views/scene';
import { edge, node } from '../../webview/support/graphs';

const nodes = [node('service:a', 'service'), node('service:b', 'service'), node('database:pg', 'database')];
const ab = edge('service:a', 'calls', 'service:b');
const bpg = edge('service:b', 'reads', 'database:pg');
const vis = { nodes, edges: [ab, bpg] };

function diff(over: Partial<EdgeDiff> = {}): EdgeDiff {
  return { since: 1000, snapshotAt: 900, addedEdgeIds: [], removedEdges: [], ...over };
}

describe('webview compare with a snapshot', () => {
  it('marks only visible live edges as added', () => {
    const cmp = compareWith(vis, diff({ addedEdgeIds: [bpg.id, 'service:x|calls|service:y'] }));
    assert.deepEqual([...cmp.added], [bpg.id]);
  });

  it('draws a removed edge as a ghost when both ends are on the map, lists it otherwise', () => {
    const ghost = { id: 'service:b|calls|service:a', source: 'service:b', target: 'service:a', relation: 'calls' as const };
    const gone = { id: 'service:a|calls|external:old', source: 'service:a', target: 'external:old', relation: 'calls' as const };
    const cmp = compareWith(vis, diff({ removedEdges: [ghost, gone] }));
    assert.deepEqual(cmp.ghosts, [ghost]);
    assert.deepEqual(cmp.unplaced, [gone]);
  });

  it('drops removed edges that are live again, malformed entries, and caps the rest', () => {
    const back = { id: ab.id, source: ab.source, target: ab.target, relation: 'calls' as const };
    const hostile = [null, 'x', { id: 1 }, { id: 'e', source: 's', target: 't', relation: 'eval' }] as unknown as EdgeDiff['removedEdges'];
    const cleaned = compareWith(vis, diff({ removedEdges: [back, ...hostile] }));
    assert.equal(cleaned.ghosts.length + cleaned.unplaced.length, 0);
    const many = Array.from({ length: MAX_REMOVED + 50 }, (_, i) => ({ id: `service:a|calls|external:n${i}`, source: 'service:a', target: `external:n${i}`, relation: 'calls' as const }));
    assert.equal(compareWith(vis, diff({ removedEdges: many })).unplaced.length, MAX_REMOVED);
    assert.equal(compareWith(vis, { addedEdgeIds: 'nope', removedEdges: null } as unknown as EdgeDiff).added.size, 0);
  });

  it('without a diff nothing is marked', () => {
    const cmp = compareWith(vis, null);
    assert.equal(cmp.added.size + cmp.ghosts.length + cmp.unplaced.length, 0);
  });

  it('the scene colours added edges and appends ghosts marked removed', () => {
    const ghost = { id: 'service:b|calls|service:a', source: 'service:b', target: 'service:a', relation: 'calls' as const };
    const scene = buildScene(vis, () => false, compareWith(vis, diff({ addedEdgeIds: [bpg.id], removedEdges: [ghost] })));
    assert.deepEqual(scene.edges.map((e) => [e.edge.id, e.change]), [[ab.id, undefined], [bpg.id, 'added'], [ghost.id, 'removed']]);
    assert.equal(scene.edges[2].edge.count, 0);
  });

  it('labels snapshots relative to now', () => {
    assert.equal(ago(12_400), '12 s ago');
    assert.equal(ago(5 * 60_000), '5 min ago');
    assert.equal(ago(3_600_000), '1 h ago');
    assert.equal(ago(3 * 86_400_000), '3 d ago');
    assert.equal(ago(-5000), '0 s ago', 'a clock skewed into the future reads as now');
    assert.equal(snapshotLabel({ time: 0, nodes: 2, edges: 1 }, 60_000), '1 min ago · 1 edge');
  });

  it('keeps well-formed snapshots, newest first', () => {
    const list = sanitizeSnapshots([{ time: 1, nodes: 1, edges: 1 }, { time: 'x' }, null, { time: 3, nodes: 2, edges: 2 }]);
    assert.deepEqual(list.map((s) => s.time), [3, 1]);
    assert.deepEqual(sanitizeSnapshots('junk'), []);
  });
});
