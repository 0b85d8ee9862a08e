// Every structure of the topology engine is bounded by count and by bytes, checked before the
// memory is spent, and what a bound refuses is counted: lost spans apart from collapsed detail.

import assert from 'node:assert/strict';
import { SpanKind, type AttrValue, type DecodedSpan } from '../../../server/src/telemetry/otlp/span';
import { Pairer } from '../../../server/src/telemetry/topology/pairing';
import { SpanStore } from '../../../server/src/telemetry/topology/spanStore';
import { Topology } from '../../../server/src/telemetry/topology/topology';
import { spanAttributes } from '../../support/spans';

let seq = 0;
function span(over: Partial<DecodedSpan> & { attrs?: Record<string, AttrValue> }): DecodedSpan {
  seq++;
  const { attrs, ...rest } = over;
  return {
    traceId: seq.toString(16).padStart(32, '0'), spanId: seq.toString(16).padStart(16, '0'), parentSpanId: '', name: 'op', kind: SpanKind.INTERNAL,
    startMs: 1_000, durationMs: 10, error: false, service: 'svc', scope: 'scope', attributes: spanAttributes(attrs ?? {}), links: [],
    ...rest,
  };
}

const newTopology = (caps = {}, traceCaps = {}) => new Topology({ attributePrefix: 'coordimap.flow.', pairWaitMs: 1_000, caps, traceCaps });

describe('bounds: count and bytes, lost apart from collapsed', () => {
  it('a new service.name per span: past the node cap the spans are lost and counted, and no per-service state is created', () => {
    const t = newTopology({ nodes: 50 });
    const spans = Array.from({ length: 20_000 }, (_, i) => span({ service: `svc-${i}`, name: `n-${i}`, attrs: { 'coordimap.flow.name': `flow-${i}` } }));
    t.ingest(spans, 1_000);
    const g = t.graph();
    assert.equal(g.nodes.length, 50);
    assert.equal(g.stats.dropped['service-cap'], 20_000 - 50);
    assert.equal(g.stats.spansDropped, 20_000 - 50);
    assert.equal(t.names.stats().length, 50, 'span-name stats only for admitted services');
    assert.equal(g.flows.length, 50, 'no flow state from a lost span');
    assert.equal(t.spans.retained().length, 50, 'a lost span is not retained either');
  });

  it('the trace store under a flood through the engine: within its count and byte caps, evictions collapsed, a lost span in no trace', () => {
    const t = newTopology({ nodes: 20 }, { traces: 300, bytes: 1_000_000 });
    const spans = Array.from({ length: 20_000 }, (_, i) => span({ service: `svc-${i % 40}`, attrs: { payload: 'p'.repeat(i % 5 === 0 ? 4_000 : 40) } }));
    t.ingest(spans, 1_000);
    assert.ok(t.traces.size <= 300, String(t.traces.size));
    assert.ok(t.traces.sizeBytes <= 1_000_000, String(t.traces.sizeBytes));
    const { collapsed, dropped } = t.graph().stats;
    assert.ok((collapsed?.['trace-cap'] ?? 0) + (collapsed?.['trace-bytes-cap'] ?? 0) > 0, JSON.stringify(collapsed));
    assert.ok(dropped['service-cap'] > 0);
    assert.equal(t.traces.query({ service: 'svc-39' }).length, 0, 'a span lost to the node cap is kept in no trace');
    const newestAdmitted = spans.filter((_, i) => i % 40 < 20).at(-1);
    assert.equal(newestAdmitted && t.traces.get(newestAdmitted.traceId)?.spans.length, 1, 'the newest admitted trace is kept');
  });

  it('names too long for the bytes budget fold into "(other)", counted as collapsed; the budget is never exceeded', () => {
    const t = newTopology({ graphBytes: 400_000 });
    const long = 'x'.repeat(1_000);
    t.ingest(Array.from({ length: 2_000 }, (_, i) => span({ name: `${long}${i}`, attrs: { 'coordimap.flow.name': 'f', 'coordimap.flow.step': `${long}${i}` } })), 1_000);
    const g = t.graph();
    assert.ok(t.budget.used <= 400_000, `${t.budget.used}`);
    assert.ok((g.stats.collapsed?.['graph-bytes-cap'] ?? 0) > 1_000, JSON.stringify(g.stats));
    assert.equal(g.stats.spansDropped, 0, 'every span is still counted on its node');
    assert.equal(g.nodes[0].spanCount, 2_000);
    assert.ok(t.names.stats().some((n) => n.name === '(other)'));
    assert.ok(g.flows[0].steps.some((s) => s.name === '(other)'));
  });

  it('expiry and clear give the bytes back', () => {
    const t = new Topology({ attributePrefix: 'coordimap.flow.', pairWaitMs: 1_000, expiryMs: 60_000 });
    t.ingest([span({ attrs: { 'db.system': 'redis', 'db.name': 'a', 'db.operation': 'get', 'coordimap.flow.name': 'f' } })], 1_000);
    const before = t.budget.used;
    t.expire(1_000 + 10 * 60_000);
    assert.equal(t.graph().nodes.length, 0);
    assert.equal(t.graph().flows.length, 0);
    // Only the span-name stats stay (they never expire; their count cap bounds them).
    assert.ok(t.budget.used > 0 && t.budget.used < before / 2, `${t.budget.used} of ${before}`);
    t.ingest([span({ name: 'again' })], 2_000_000);
    assert.ok(t.budget.used > 0);
    t.clear();
    assert.equal(t.budget.used, 0);
  });

  it('the retained-span ring is bounded by bytes: big spans evict the oldest', () => {
    const store = new SpanStore(1_000, 'coordimap.flow.', 1_000_000);
    for (let i = 0; i < 1_000; i++) store.push(span({ attrs: { blob: 'b'.repeat(4_096) } }), []);
    assert.ok(store.sizeBytes <= 1_000_000, `${store.sizeBytes}`);
    const kept = store.retained();
    assert.ok(kept.length > 50 && kept.length < 200, `${kept.length}`);
    assert.equal(store.query({ limit: 500 }).length, Math.min(500, kept.length), 'queries see every kept span, newest first');
  });

  it('spans waiting for their other half are bounded by bytes; the oldest give way and resolve as expired ones do', () => {
    const given: DecodedSpan[] = [];
    const pairer = new Pairer(60_000, 1_000_000, { paired: () => undefined, expired: () => undefined, dropped: (s) => given.push(s) }, 500_000);
    for (let i = 0; i < 500; i++) pairer.addClient(span({ kind: SpanKind.CLIENT, attrs: { blob: 'b'.repeat(4_096) } }), 0);
    assert.ok(pairer.pendingBytes <= 500_000, `${pairer.pendingBytes}`);
    assert.ok(given.length > 400, `${given.length}`);
    assert.equal(pairer.pending + given.length, 500);
  });
});
