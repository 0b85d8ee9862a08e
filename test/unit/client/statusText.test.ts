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

  it('lists dropped spans in the tooltip but stays calm until the loss is sustained', () => {
    const calm = statusView({ state: 'listening', http: '127.0.0.1:4318' }, stats({ spansPerSecond: 2.5, spansReceived: 1000, spansDropped: 1, dropped: { 'store-full': 1 } }));
    assert.equal(calm.text, '$(radio-tower) OTel :4318 2.5/s');
    assert.equal(calm.severity, 'normal');
    assert.ok(calm.tooltip.includes('Dropped (store-full): 1'));
    const lossy = statusView({ state: 'listening', http: '127.0.0.1:4318' }, stats({ spansPerSecond: 2.5, spansDropped: 15000, dropped: { 'store-full': 15000 } }), { sustainedLoss: 0.052 });
    assert.equal(lossy.text, '$(radio-tower) OTel :4318 2.5/s $(warning) 5.2% lost');
    assert.equal(lossy.severity, 'warning');
  });

  it('shows another OTel Flow Map receiver\'s data without a warning colour', () => {
    const v = statusView({ state: 'error', message: 'OTLP/HTTP port 4318 is already in use: change otelFlowMap.receiver.httpPort' }, stats(), { viewingPort: 4318 });
    assert.equal(v.text, '$(eye) OTel :4318 (shared)');
    assert.equal(v.severity, 'normal');
  });

  it('names a port another program holds, as a warning, not an error', () => {
    const v = statusView({ state: 'error', message: 'OTLP/gRPC port 4317 is already in use: change otelFlowMap.receiver.grpcPort (or stop the other collector).' }, stats());
    assert.equal(v.text, '$(warning) OTel :4317 in use');
    assert.equal(v.severity, 'warning');
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
