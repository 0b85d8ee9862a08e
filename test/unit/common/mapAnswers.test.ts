import assert from 'node:assert/strict';
import type { Graph } from '../../../common/src/graph';
import { answerMapRequest, isMapRequest, type MapBackend } from '../../../common/src/mapAnswers';
import { MAX_FLOW_RUNS, MAX_HISTORY_SNAPSHOTS, type FromWebview } from '../../../common/src/protocol';
import type { SpanQuery } from '../../../common/src/telemetry';
import type { TraceQuery } from '../../../common/src/traces';

const GRAPH = { nodes: [], edges: [], flows: [] } as unknown as Graph;

/** A backend that records what it was asked and fails where told. */
function backend(fail: boolean, traceSource?: string): MapBackend & { asked: unknown[] } {
  const asked: unknown[] = [];
  const answer = <T>(v: T, what: unknown) => {
    asked.push(what);
    return fail ? Promise.reject(new Error(`${traceSource ?? 'local'} is down`)) : Promise.resolve(v);
  };
  return {
    asked,
    spans: (q: SpanQuery) => answer([], q),
    history: (max) => answer([], { history: max }),
    diff: (since) => answer({ since, snapshotAt: 1, addedEdgeIds: ['e'], removedEdges: [] }, { diff: since }),
    runs: (flow, max) => answer([], { flow, max }),
    windowGraph: (windowMs) => answer({ ...GRAPH }, { windowMs }),
    liveGraph: () => GRAPH,
    traces: (q: TraceQuery) => answer({ traces: [] }, q),
    trace: (id) => answer(null, { id }),
    ...(traceSource ? { traceSource } : {}),
  };
}

describe('map requests answered alike for both hosts (common/src/mapAnswers.ts)', () => {
  it('tells data requests from the others', () => {
    assert.equal(isMapRequest({ type: 'ready' }), false);
    assert.equal(isMapRequest({ type: 'openLocation', location: { file: 'a.ts', line: 1, source: 'static' } }), false);
    assert.equal(isMapRequest({ type: 'requestHistory', requestId: 1 }), true);
  });

  it('passes only known, well-formed filters on, with the list caps', async () => {
    const b = backend(false);
    await answerMapRequest({ type: 'requestSpans', requestId: 1, query: { service: 'shop', evil: '<x>', limit: '5', name: 'x'.repeat(5000) } as unknown as SpanQuery }, b);
    await answerMapRequest({ type: 'requestTraces', requestId: 2, query: { service: 'shop', status: 'broken', order: 'slowest', limit: 10_000 } as unknown as TraceQuery }, b);
    await answerMapRequest({ type: 'requestHistory', requestId: 3 }, b);
    await answerMapRequest({ type: 'requestRuns', requestId: 4, flow: 'checkout' }, b);
    await answerMapRequest({ type: 'requestTrace', requestId: 5, traceId: 'AB'.repeat(16) }, b);
    assert.deepEqual(b.asked, [
      { service: 'shop', limit: 5 },
      { service: 'shop', order: 'slowest', limit: 200 },
      { history: MAX_HISTORY_SNAPSHOTS },
      { flow: 'checkout', max: MAX_FLOW_RUNS },
      { id: 'ab'.repeat(16) },
    ]);
  });

  it('answers every request even when the backend fails: empty lists, the live graph, and the reason for traces', async () => {
    const b = backend(true, 'jaeger');
    const requests: FromWebview[] = [
      { type: 'requestSpans', requestId: 1, query: {} },
      { type: 'requestHistory', requestId: 2 },
      { type: 'requestDiff', requestId: 3, since: 7 },
      { type: 'requestRuns', requestId: 4, flow: 'f' },
      { type: 'requestWindow', requestId: 5, windowMs: 60_000 },
      { type: 'requestTraces', requestId: 6, query: {} },
      { type: 'requestTrace', requestId: 7, traceId: 'a'.repeat(32) },
    ];
    const answers = await Promise.all(requests.filter(isMapRequest).map((m) => answerMapRequest(m, b)));
    assert.deepEqual(answers.map((a) => ('requestId' in a ? a.requestId : -1)), [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(answers[2], { type: 'diff', requestId: 3, since: 7, snapshotAt: 0, addedEdgeIds: [], removedEdges: [] });
    assert.equal(answers[4].type === 'window' && answers[4].graph, GRAPH);
    assert.deepEqual(answers[5], { type: 'traces', requestId: 6, result: { traces: [], source: 'jaeger' }, error: 'jaeger is down' });
    assert.deepEqual(answers[6], { type: 'trace', requestId: 7, trace: null, error: 'jaeger is down' });
  });
});
