import assert from 'node:assert/strict';
import type { SpanSiteSummary } from '../../../common/src/sites';
import { focusTarget, focusTargetAt, recentTraceQuery } from '../../../client/src/focusTarget';

describe('client focusTarget (showInMap arguments)', () => {
  it('reads steps, span names and node ids', () => {
    assert.deepEqual(focusTarget({ flow: 'checkout.place_order', step: 'checkout.pay' }), { kind: 'step', flow: 'checkout.place_order', step: 'checkout.pay' });
    assert.deepEqual(focusTarget({ name: 'billing.charge_card' }), { kind: 'span', name: 'billing.charge_card' });
    assert.deepEqual(focusTarget({ nodeId: 'service:checkout' }), { kind: 'node', id: 'service:checkout' });
  });

  it('prefers the step when a flow and step come with a name', () => {
    assert.equal(focusTarget({ flow: 'a.b', step: 'a.c', name: 'x' })?.kind, 'step');
  });

  it('ignores anything malformed', () => {
    for (const arg of [undefined, null, 'checkout', 42, [], { flow: 'a.b' }, { name: 7 }, { name: '' }, { nodeId: 'x'.repeat(5000) }]) {
      assert.equal(focusTarget(arg), undefined, JSON.stringify(arg));
    }
  });
});

describe('client focusTargetAt (showInMap from the cursor)', () => {
  const site = (file: string, line: number, over: Partial<SpanSiteSummary> = {}): SpanSiteSummary => ({
    file, line, column: 3, language: 'typescript', name: null, flow: null, step: null, scope: null, kind: null, attributes: {}, ...over,
  });
  const sites = [
    site('src/orders.ts', 10, { name: 'orders.load' }),
    site('src/orders.ts', 20, { name: 'POST /orders', flow: 'checkout.place_order', step: 'checkout.process_order' }),
    site('src/other.ts', 25, { name: 'other.thing' }),
    site('src/orders.ts', 40, { name: null }),
  ];

  it('picks the nearest site at or above the cursor line in the same file', () => {
    assert.deepEqual(focusTargetAt(sites, 'src/orders.ts', 12), { kind: 'span', name: 'orders.load' });
    assert.deepEqual(focusTargetAt(sites, 'src/orders.ts', 20), { kind: 'step', flow: 'checkout.place_order', step: 'checkout.process_order' });
    assert.deepEqual(focusTargetAt(sites, 'src/orders.ts', 30), { kind: 'step', flow: 'checkout.place_order', step: 'checkout.process_order' });
  });

  it('gives nothing above the first site, in another file, or for a site with a dynamic name', () => {
    assert.equal(focusTargetAt(sites, 'src/orders.ts', 5), undefined);
    assert.equal(focusTargetAt(sites, 'src/missing.ts', 30), undefined);
    assert.equal(focusTargetAt(sites, 'src/orders.ts', 41), undefined);
  });
});

describe('client recentTraceQuery (open a recent trace from a span site)', () => {
  it('asks for one trace through the span name or flow step, failing or slowest first, in the service when given', () => {
    assert.deepEqual(recentTraceQuery({ name: 'POST /charge', service: 'checkout', order: 'errors' }), { name: 'POST /charge', service: 'checkout', order: 'errors', limit: 1 });
    assert.deepEqual(recentTraceQuery({ flow: 'checkout.place_order', step: 'checkout.pay', order: 'slowest' }), { flow: 'checkout.place_order', step: 'checkout.pay', order: 'slowest', limit: 1 });
  });

  it('ignores anything malformed: no order, another order, nothing to find the trace by', () => {
    for (const arg of [undefined, 'x', { name: 'a' }, { name: 'a', order: 'newest' }, { order: 'errors' }, { name: 'x'.repeat(5000), order: 'errors' }, { flow: 'a', order: 'slowest' }]) {
      assert.equal(recentTraceQuery(arg), undefined, JSON.stringify(arg));
    }
  });
});
