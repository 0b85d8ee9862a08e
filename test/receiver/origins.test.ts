// Closed to other origins: on a loopback bind the OTLP paths answer only loopback Host names (a
// DNS-rebinding page names our socket as evil.example), a cross-origin browser request is refused
// unless its Origin is listed, text/plain stays 415, and tokens are compared once decoded once.

import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { TelemetryHost } from '../../server/src/telemetry/host';
import { tokenMatches } from '../../server/src/telemetry/receiver/auth';
import { jsonBody, makeSpan, postTraces, recordSpans, startHost } from './support';

const JSON_CT = { 'content-type': 'application/json' };

/** A raw POST with any Host header (fetch does not let a caller set Host). */
function postWithHost(hostPort: string, host: string, body: Buffer): Promise<number> {
  const [hostname, port] = [hostPort.slice(0, hostPort.lastIndexOf(':')), Number(hostPort.slice(hostPort.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method: 'POST', path: '/v1/traces', headers: { host, 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('receiver: closed to other origins', () => {
  let host: TelemetryHost;
  let http: string;
  const body = jsonBody(recordSpans('web', (t) => makeSpan(t, { name: 'GET /' })));
  before(async () => {
    ({ host, http } = await startHost({ corsAllowedOrigins: ['http://app.local:3000'] }));
  });
  after(() => host?.dispose());

  it('refuses a POST to /v1/traces whose Host is not ours (DNS rebinding), accepts loopback names', async () => {
    assert.equal(await postWithHost(http, 'evil.example', body), 403);
    assert.equal(await postWithHost(http, `evil.example:${http.split(':')[1]}`, body), 403);
    assert.equal(await postWithHost(http, `localhost:${http.split(':')[1]}`, body), 200);
    assert.equal(await postWithHost(http, http, body), 200);
    assert.equal((await host.graph()).stats.spansReceived, 2, 'refused requests ingest nothing');
  });

  it('refuses a cross-origin request from an origin not listed, even a simple one', async () => {
    assert.equal((await postTraces(http, body, { ...JSON_CT, origin: 'http://evil.example' })).status, 403);
    assert.equal((await postTraces(http, 'x', { 'content-type': 'text/plain', origin: 'http://evil.example' })).status, 403);
    assert.equal((await postTraces(http, body, { ...JSON_CT, origin: 'http://app.local:3000' })).status, 200);
  });

  it('keeps 415 for text/plain (what a no-preflight form post sends), from a listed origin or none', async () => {
    assert.equal((await postTraces(http, String(body), { 'content-type': 'text/plain' })).status, 415);
    assert.equal((await postTraces(http, String(body), { 'content-type': 'text/plain;charset=UTF-8', origin: 'http://app.local:3000' })).status, 415);
  });

  it('compares tokens in constant time whatever their lengths', () => {
    assert.equal(tokenMatches('secret', 'secret'), true);
    assert.equal(tokenMatches('secre', 'secret'), false);
    assert.equal(tokenMatches('secret-and-more', 'secret'), false);
    assert.equal(tokenMatches('', 'secret'), false);
  });
});
