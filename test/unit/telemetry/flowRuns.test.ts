// The flow engine's latest runs (the flow view's Run select): order, content and bounds.

import assert from 'node:assert/strict';
import { Topology } from '../../../server/src/telemetry/topology/topology';
import { SpanKind, type AttrValue, type DecodedSpan } from '../../../server/src/telemetry/otlp/span';
import { spanAttributes } from '../../support/spans';

let seq = 0;
function stepSpan(flow: string, step: string, runId: string | undefined, over: Partial<DecodedSpan> = {}): DecodedSpan {
  seq++;
  const attrs: Record<string, AttrValue> = { 'coordimap.flow.name': flow, 'coordimap.flow.step': step };
  if (runId !== undefined) attrs['coordimap.flow.run_id'] = runId;
  return {
    traceId: seq.toString(16).padStart(32, '0'), spanId: seq.toString(16).padStart(16, '0'), parentSpanId: '', name: step, kind: SpanKind.INTERNAL,
    startMs: 1_000 + seq, durationMs: 10, error: false, service: 'svc', scope: 'scope', attributes: spanAttributes(attrs), links: [],
    ...over,
  };
}

const newTopology = (caps = {}) => new Topology({ attributePrefix: 'coordimap.flow.', pairWaitMs: 1_000, caps });

describe('flow engine: latest runs', () => {
  it('lists runs newest first with their steps ordered by start, services, timings and errors', () => {
    const t = newTopology();
    t.ingest([
      stepSpan('order', 'pay', 'r1', { startMs: 120, durationMs: 30, service: 'payments', error: true }),
      stepSpan('order', 'validate', 'r1', { startMs: 100, durationMs: 5, service: 'api' }),
      stepSpan('order', 'validate', 'r2', { startMs: 200, durationMs: 7, service: 'api' }),
      stepSpan('order', 'ship', 'r2', { startMs: 210, durationMs: 40, service: 'shipping' }),
      stepSpan('other', 'x', 'r1'),
    ], 0);
    const runs = t.flows.recentRuns('order', 50);
    assert.deepEqual(runs.map((r) => r.runId), ['r2', 'r1']);
    assert.deepEqual(runs[1], {
      runId: 'r1', startMs: 100, durationMs: 50, error: true,
      steps: [
        { step: 'validate', service: 'api', startMs: 100, durationMs: 5, error: false },
        { step: 'pay', service: 'payments', startMs: 120, durationMs: 30, error: true },
      ],
    });
    assert.equal(runs[0].error, false);
    assert.equal(runs[0].durationMs, 50);
    assert.deepEqual(t.flows.recentRuns('missing', 50), []);
    assert.equal(t.flows.recentRuns('order', 1).length, 1);
  });

  it('runs without a run id are named by their trace', () => {
    const t = newTopology();
    const s = stepSpan('order', 'validate', undefined);
    t.ingest([s], 0);
    assert.deepEqual(t.flows.recentRuns('order', 50).map((r) => r.runId), [`trace:${s.traceId}`]);
  });

  it('keeps at most recentRunsPerFlow runs and stepsPerRun steps, counting lost steps but not rotated runs', () => {
    const t = newTopology({ recentRunsPerFlow: 3, stepsPerRun: 4 });
    for (let i = 0; i < 5; i++) t.ingest([stepSpan('order', 'a', `r${i}`)], 0);
    t.ingest(Array.from({ length: 6 }, (_, i) => stepSpan('order', `s${i}`, 'r4')), 0);
    const runs = t.flows.recentRuns('order', 50);
    assert.deepEqual(runs.map((r) => r.runId), ['r4', 'r3', 'r2']);
    assert.equal(runs[0].steps.length, 4);
    const { collapsed = {}, spansDropped } = t.graph().stats;
    assert.equal(collapsed['recent-run-cap'], undefined);
    assert.equal(collapsed['run-step-cap'], 3);
    assert.equal(spansDropped, 0, 'run steps not kept are collapsed detail, not lost spans');
  });

  it('keeps completed runs after they go idle, and forgets them on clear', () => {
    const t = newTopology();
    t.ingest([stepSpan('order', 'a', 'done')], 0);
    t.expire(60 * 60_000);
    assert.deepEqual(t.flows.recentRuns('order', 50).map((r) => r.runId), ['done']);
    t.clear();
    assert.deepEqual(t.flows.recentRuns('order', 50), []);
  });

  it('hostile run ids stay plain data', () => {
    const t = newTopology();
    const hostile = '<img src=x onerror=alert(1)>\u0000"\'';
    t.ingest([stepSpan('order', 'a', hostile)], 0);
    assert.equal(t.flows.recentRuns('order', 50)[0].runId, hostile);
  });
});
