import assert from 'node:assert/strict';
import { applyDelta, emptyGraph, type GraphDelta, type GraphNode } from '../../../common/src/graph';
import { isFromWebview, MAX_WINDOW_MS } from '../../../common/src/protocol';
import { DEFAULT_SETTINGS, resolveSettings } from '../../../common/src/settings';

const node = (name: string, spanCount = 1): GraphNode => ({
  id: `service:${name}`, kind: 'service', name, spanCount, errorCount: 0, firstSeen: 1, lastSeen: 2,
});
const delta = (d: Partial<GraphDelta>): GraphDelta => ({
  nodes: [], edges: [], flows: [], removedNodeIds: [], removedEdgeIds: [], removedFlowNames: [],
  stats: { spansReceived: 1, spansDropped: 0, dropped: {}, spansPerSecond: 0 }, ...d,
});

describe('common/graph applyDelta', () => {
  it('upserts by id, removes, and takes the new stats', () => {
    const g = emptyGraph();
    applyDelta(g, delta({ nodes: [node('a'), node('b')] }));
    applyDelta(g, delta({ nodes: [node('a', 5)], removedNodeIds: ['service:b'], stats: { spansReceived: 6, spansDropped: 1, dropped: { x: 1 }, spansPerSecond: 3 } }));
    assert.deepEqual(g.nodes.map((n) => [n.name, n.spanCount]), [['a', 5]]);
    assert.equal(g.stats.spansReceived, 6);
  });

  it('reset drops everything before applying the upserts', () => {
    const g = emptyGraph();
    applyDelta(g, delta({ nodes: [node('a')] }));
    applyDelta(g, delta({ reset: true, nodes: [node('c')] }));
    assert.deepEqual(g.nodes.map((n) => n.name), ['c']);
  });
});

describe('common/protocol isFromWebview', () => {
  it('accepts well-formed messages', () => {
    assert.ok(isFromWebview({ type: 'ready' }));
    assert.ok(isFromWebview({ type: 'openLocation', location: { file: 'src/a.ts', line: 3, source: 'static' } }));
    assert.ok(isFromWebview({ type: 'requestSpans', requestId: 1, query: { service: 'x' } }));
  });

  it('rejects unknown types and malformed payloads', () => {
    for (const bad of [null, 'ready', {}, { type: 'eval' }, { type: 'openLocation' }, { type: 'openLocation', location: { file: '', line: 1 } },
      { type: 'openLocation', location: { file: 'a', line: 0 } }, { type: 'openLocation', location: { file: 'a', line: 1.5 } },
      { type: 'requestSpans', requestId: 'x', query: {} }, { type: 'requestSpans', requestId: 1, query: null }]) {
      assert.equal(isFromWebview(bad), false, JSON.stringify(bad));
    }
  });
});

describe('common/protocol isFromWebview: compare with a snapshot', () => {
  it('accepts history and diff requests', () => {
    assert.ok(isFromWebview({ type: 'requestHistory', requestId: 3 }));
    assert.ok(isFromWebview({ type: 'requestDiff', requestId: 4, since: 1_700_000_000_000 }));
    assert.ok(isFromWebview({ type: 'requestDiff', requestId: 5, since: 0 }));
  });

  it('rejects history and diff requests without an integer id or a finite, non-negative time', () => {
    for (const bad of [{ type: 'requestHistory' }, { type: 'requestHistory', requestId: '1' }, { type: 'requestHistory', requestId: 1.5 },
      { type: 'requestDiff', requestId: 1 }, { type: 'requestDiff', requestId: 1, since: '1700000000000' }, { type: 'requestDiff', requestId: 1, since: -1 },
      { type: 'requestDiff', requestId: 1, since: Infinity }, { type: 'requestDiff', requestId: 1, since: NaN }, { type: 'requestDiff', since: 5 },
      { type: 'history', requestId: 1, snapshots: [] }, { type: 'diff', requestId: 1 }]) {
      assert.equal(isFromWebview(bad), false, JSON.stringify(bad));
    }
  });
});

describe('common/protocol isFromWebview: flow runs', () => {
  it('accepts a runs request for a named flow', () => {
    assert.ok(isFromWebview({ type: 'requestRuns', requestId: 7, flow: 'checkout.place_order' }));
    assert.ok(isFromWebview({ type: 'requestRuns', requestId: 0, flow: '<img src=x onerror=alert(1)>' }));
  });

  it('rejects runs requests without an integer id or a short, non-empty flow name', () => {
    for (const bad of [{ type: 'requestRuns', flow: 'f' }, { type: 'requestRuns', requestId: '1', flow: 'f' }, { type: 'requestRuns', requestId: 1.5, flow: 'f' },
      { type: 'requestRuns', requestId: 1 }, { type: 'requestRuns', requestId: 1, flow: '' }, { type: 'requestRuns', requestId: 1, flow: 42 },
      { type: 'requestRuns', requestId: 1, flow: null }, { type: 'requestRuns', requestId: 1, flow: 'x'.repeat(1025) }, { type: 'runs', requestId: 1, flow: 'f', runs: [] }]) {
      assert.equal(isFromWebview(bad), false, JSON.stringify(bad));
    }
  });
});

describe('common/protocol isFromWebview: time window', () => {
  it('accepts all-time (null) and whole-millisecond windows up to MAX_WINDOW_MS', () => {
    assert.ok(isFromWebview({ type: 'requestWindow', requestId: 1, windowMs: null }));
    assert.ok(isFromWebview({ type: 'requestWindow', requestId: 2, windowMs: 5 * 60_000 }));
    assert.ok(isFromWebview({ type: 'requestWindow', requestId: 3, windowMs: MAX_WINDOW_MS }));
  });

  it('rejects missing, negative, fractional, oversized or non-numeric windows and bad request ids', () => {
    for (const bad of [{ type: 'requestWindow', requestId: 1 }, { type: 'requestWindow', windowMs: null }, { type: 'requestWindow', requestId: '1', windowMs: null },
      { type: 'requestWindow', requestId: 1, windowMs: 0 }, { type: 'requestWindow', requestId: 1, windowMs: -60_000 }, { type: 'requestWindow', requestId: 1, windowMs: 1.5 },
      { type: 'requestWindow', requestId: 1, windowMs: MAX_WINDOW_MS + 1 }, { type: 'requestWindow', requestId: 1, windowMs: '300000' },
      { type: 'requestWindow', requestId: 1, windowMs: Number.POSITIVE_INFINITY }, { type: 'requestWindow', requestId: 1, windowMs: Number.NaN },
      { type: 'window', requestId: 1, windowMs: null, graph: {} }]) {
      assert.equal(isFromWebview(bad), false, JSON.stringify(bad));
    }
  });
});

describe('common/settings resolveSettings', () => {
  it('returns the defaults for nothing', () => {
    assert.deepEqual(resolveSettings(undefined), DEFAULT_SETTINGS);
  });

  it('overrides known keys and ignores wrongly typed ones', () => {
    const s = resolveSettings({ receiver: { grpcPort: 5317, httpPort: 'x' }, analysis: { genericNames: ['go'], namePattern: 3 } });
    assert.equal(s.receiver.grpcPort, 5317);
    assert.equal(s.receiver.httpPort, 4318);
    assert.deepEqual(s.analysis.genericNames, ['go']);
    assert.equal(s.analysis.namePattern, DEFAULT_SETTINGS.analysis.namePattern);
  });
});
