import assert from 'node:assert/strict';
import { statusView } from '../../../client/src/statusText';

const stats = (over: object = {}) => ({ spansReceived: 0, spansDropped: 0, dropped: {}, spansPerSecond: 0, ...over });

describe('client statusText', () => {
  it('shows ports and rate when listening', () => {
    const v = statusView({ state: 'listening', grpc: '127.0.0.1:4317', http: '127.0.0.1:4318' }, stats({ spansPerSecond: 1234.4, spansReceived: 99 }));
    assert.equal(v.text, '$(radio-tower) OTel :4317 :4318 1234/s');
    assert.equal(v.severity, 'normal');
    assert.ok(v.tooltip.includes('HTTP: 127.0.0.1:4318'));
  });

  it('warns about dropped spans with reasons in the tooltip', () => {
    const v = statusView({ state: 'listening', http: '127.0.0.1:4318' }, stats({ spansPerSecond: 2.5, spansDropped: 15000, dropped: { 'store-full': 15000 } }));
    assert.equal(v.text, '$(radio-tower) OTel :4318 2.5/s $(warning) 15k');
    assert.equal(v.severity, 'warning');
    assert.ok(v.tooltip.includes('Dropped (store-full): 15000'));
  });

  it('lists collapsed detail apart from lost spans, without a warning', () => {
    const v = statusView({ state: 'listening', http: '127.0.0.1:4318' }, stats({ spansReceived: 10, collapsed: { 'span-name-cap': 7 }, refused: { 'shed-requests': 2 } }));
    assert.equal(v.severity, 'normal');
    assert.ok(v.tooltip.includes('Detail collapsed (span-name-cap): 7'));
    assert.ok(v.tooltip.includes('Requests refused, sender retries (shed-requests): 2'));
    assert.ok(!v.tooltip.some((l) => l.startsWith('Dropped')));
  });

  it('flags errors with the reason', () => {
    const v = statusView({ state: 'error', message: 'port 4317 in use' }, stats());
    assert.equal(v.text, '$(error) OTel');
    assert.equal(v.severity, 'error');
    assert.ok(v.tooltip.includes('port 4317 in use'));
  });
});
