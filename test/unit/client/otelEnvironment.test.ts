import assert from 'node:assert/strict';
import { debugEnvironment, otlpEnvironment, serviceNameOf, terminalContribution } from '../../../client/src/otelEnvironment';

const listening = { state: 'listening' as const, grpc: '127.0.0.1:4317', http: '127.0.0.1:4318' };

describe('otelEnvironment', () => {
  it('points at the bound OTLP/HTTP address of a listening receiver only', () => {
    assert.deepEqual(otlpEnvironment(listening, ''), { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' });
    assert.equal(otlpEnvironment({ ...listening, http: '0.0.0.0:5555' }, '')!.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:5555');
    assert.equal(otlpEnvironment({ ...listening, http: '::1:4318' }, '')!.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://[::1]:4318');
    assert.equal(otlpEnvironment({ state: 'stopped' }, ''), undefined);
    assert.equal(otlpEnvironment({ state: 'error', http: '127.0.0.1:4318' }, ''), undefined);
  });

  it('adds the bearer token as OTLP headers, URL-encoded', () => {
    assert.equal(otlpEnvironment(listening, 'a b=c')!.OTEL_EXPORTER_OTLP_HEADERS, 'Authorization=Bearer%20a%20b%3Dc');
  });

  it('never contributes to terminals a variable the user set in the environment or terminal.integrated.env', () => {
    const wanted = otlpEnvironment(listening, 'tok');
    assert.deepEqual(Object.keys(terminalContribution(wanted, {}, undefined)), ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_EXPORTER_OTLP_HEADERS']);
    assert.deepEqual(Object.keys(terminalContribution(wanted, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, { OTEL_EXPORTER_OTLP_HEADERS: null })), ['OTEL_EXPORTER_OTLP_PROTOCOL']);
    assert.deepEqual(Object.keys(terminalContribution(wanted, { OTEL_EXPORTER_OTLP_ENDPOINT: '' }, {})).length, 3, 'an empty value counts as unset');
    assert.deepEqual(terminalContribution(undefined, {}, undefined), {});
  });

  it('adds the variables to Node, Python and Go launch configurations unless they set them', () => {
    const wanted = otlpEnvironment(listening, '');
    const env = debugEnvironment({ type: 'node', request: 'launch', name: 'checkout api', env: { PORT: '3000' } }, wanted, {}, 'shop');
    assert.deepEqual(env, { PORT: '3000', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_SERVICE_NAME: 'checkout-api' });
    for (const type of ['pwa-node', 'debugpy', 'python', 'go']) assert.ok(debugEnvironment({ type, request: 'launch' }, wanted, {}, 'shop'), type);
    assert.equal(debugEnvironment({ type: 'chrome', request: 'launch' }, wanted, {}, 'shop'), undefined);
    assert.equal(debugEnvironment({ type: 'node', request: 'attach' }, wanted, {}, 'shop'), undefined);
    assert.equal(debugEnvironment({ type: 'node', request: 'launch' }, undefined, {}, 'shop'), undefined, 'no receiver: unchanged');
    const own = debugEnvironment({ type: 'go', request: 'launch', name: 'api', env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SERVICE_NAME: 'mine' } }, wanted, {}, 'shop');
    assert.deepEqual(own, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SERVICE_NAME: 'mine', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' });
    assert.equal(debugEnvironment({ type: 'node', request: 'launch' }, wanted, { OTEL_EXPORTER_OTLP_ENDPOINT: 'x', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'shop'), undefined, 'inherited values win');
  });

  it("defaults the service name to the launch name, or the folder's for VS Code's generic names", () => {
    assert.equal(serviceNameOf('Launch Program', 'shop'), 'shop');
    assert.equal(serviceNameOf('Python Debugger: Current File', 'billing'), 'billing');
    assert.equal(serviceNameOf('checkout', 'shop'), 'checkout');
    assert.equal(serviceNameOf(undefined, undefined), undefined);
  });
});
