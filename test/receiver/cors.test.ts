// CORS for browser SDKs (contract.md §8): listed origins get the preflight grant and
// Access-Control-Allow-Origin on /v1/*; other origins get neither.

import assert from 'node:assert/strict';
import type { TelemetryHost } from '../../server/src/telemetry/host';
import { startHost } from './support';

describe('receiver: CORS for browser SDKs', () => {
  let host: TelemetryHost;
  let http: string;
  before(async () => {
    ({ host, http } = await startHost({ corsAllowedOrigins: ['http://app.local:3000'] }));
  });
  after(() => host?.dispose());

  const preflight = (origin: string) =>
    fetch(`http://${http}/v1/traces`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-custom' } });

  it('answers a preflight from a listed origin with 204, POST and the requested headers', async () => {
    const r = await preflight('http://app.local:3000');
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('access-control-allow-origin'), 'http://app.local:3000');
    assert.equal(r.headers.get('access-control-allow-methods'), 'POST');
    assert.equal(r.headers.get('access-control-allow-headers'), 'content-type,x-custom');
    const post = await fetch(`http://${http}/v1/logs`, { method: 'POST', headers: { origin: 'http://app.local:3000', 'content-type': 'application/json' }, body: '{"resourceLogs":[]}' });
    assert.equal(post.status, 200);
    assert.equal(post.headers.get('access-control-allow-origin'), 'http://app.local:3000');
    assert.equal(post.headers.get('vary'), 'Origin');
  });

  it('refuses other origins: 403 preflight, no CORS header on responses', async () => {
    assert.equal((await preflight('http://evil.example')).status, 403);
    const post = await fetch(`http://${http}/v1/metrics`, { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'application/json' }, body: '{}' });
    assert.equal(post.headers.get('access-control-allow-origin'), null);
  });
});
