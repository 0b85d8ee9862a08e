import assert from 'node:assert/strict';
import { LossWindow } from '../../../client/src/lossWindow';

describe('client lossWindow (status bar: sustained loss only)', () => {
  it('ignores a single dropped span', () => {
    const w = new LossWindow();
    for (let t = 0; t <= 90_000; t += 1000) w.record(t, t / 10, t >= 5000 ? 1 : 0);
    assert.equal(w.sustainedLoss(90_000), undefined);
  });

  it('says nothing before a whole minute was seen, even at a high loss', () => {
    const w = new LossWindow();
    for (let t = 0; t <= 30_000; t += 1000) w.record(t, t, t / 10);
    assert.equal(w.sustainedLoss(30_000), undefined);
  });

  it('reports more than 1% lost over the last minute', () => {
    const w = new LossWindow();
    for (let t = 0; t <= 120_000; t += 1000) w.record(t, t, t / 50); // 2% lost throughout
    const loss = w.sustainedLoss(120_000);
    assert.ok(loss !== undefined && Math.abs(loss - 0.02) < 0.001, String(loss));
  });

  it('forgets loss older than a minute', () => {
    const w = new LossWindow();
    for (let t = 0; t <= 60_000; t += 1000) w.record(t, t, t / 10); // heavy loss in the first minute
    for (let t = 61_000; t <= 130_000; t += 1000) w.record(t, t, 6000);
    assert.equal(w.sustainedLoss(130_000), undefined);
  });

  it('starts over when the totals go down (data cleared)', () => {
    const w = new LossWindow();
    for (let t = 0; t <= 70_000; t += 1000) w.record(t, t, t / 10);
    w.record(71_000, 0, 0);
    assert.equal(w.sustainedLoss(71_000), undefined);
  });
});
