import assert from 'node:assert/strict';
import { focusTarget } from '../../../client/src/focusTarget';

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
