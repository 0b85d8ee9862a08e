// The receiver's read-only routes for a second VS Code window: GET /api/graph and the SSE stream
// /api/events on the OTLP/HTTP port, with the token, Host and loopback-only rules.

import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { Graph } from '../../common/src/graph';
import type { TelemetryHost } from '../../server/src/telemetry/host';
import { jsonBody, makeSpan, postTraces, recordSpans, startHost } from './support';
import { readEvents } from '../support/sse';

const JSON_CT = { 'content-type': 'application/json' };
const spansOf = (service: string) => jsonBody(recordSpans(service, (t) => makeSpan(t, { name: 'op' })));

function get(http: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const [host, port] = http.split(':');
  return new Promise((resolve, reject) => {
    request({ host, port: Number(port), path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject).end();
  });
}


const hasService = (g: Graph, name: string) => g.nodes.some((n) => n.id === `service:${name}`);

describe('receiver: read-only graph API for other windows', function () {
  let host: TelemetryHost;
  let http: string;

  before(async () => {
    ({ host, http } = await startHost());
    assert.equal((await postTraces(http, spansOf('owner-a'), JSON_CT)).status, 200);
  });
  after(async () => {
    await host.dispose();
  });

  it('GET /api/graph answers the whole graph as JSON', async () => {
    const res = await get(http, '/api/graph');
    assert.equal(res.status, 200);
    assert.ok(hasService(JSON.parse(res.body) as Graph, 'owner-a'));
  });

  it('GET /api/events starts with init (graph and status), then streams deltas', async () => {
    let posted = false;
    const msgs = await readEvents(`http://${http}/api/events`, (m) => {
      if (m.length >= 1 && !posted) {
        posted = true;
        void postTraces(http, spansOf('owner-b'), JSON_CT);
      }
      return m.some((x) => x.type === 'delta' && x.delta.nodes.some((n) => n.id === 'service:owner-b'));
    });
    const init = msgs[0];
    assert.equal(init.type, 'init');
    assert.ok(init.type === 'init' && hasService(init.graph, 'owner-a') && init.receiver.state === 'listening');
  });

  it('refuses other Host names and other methods', async () => {
    assert.equal((await get(http, '/api/graph', { host: `evil.example:${http.split(':')[1]}` })).status, 403);
    const res = await fetch(`http://${http}/api/graph`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 405);
  });

  it('needs the bearer token when one is set, like /v1/traces', async () => {
    const secured = await startHost({ authToken: 's3cret' });
    try {
      assert.equal((await get(secured.http, '/api/graph')).status, 401);
      assert.equal((await get(secured.http, '/api/events', { authorization: 'Bearer wrong!' })).status, 401);
      assert.equal((await get(secured.http, '/api/graph', { authorization: 'Bearer s3cret' })).status, 200);
    } finally {
      await secured.host.dispose();
    }
  });

  it('is not served on a non-loopback bind', async () => {
    const exposed = await startHost({ bindAddress: '0.0.0.0', authToken: 's3cret' });
    try {
      const port = exposed.http.split(':')[1];
      assert.equal((await get(`127.0.0.1:${port}`, '/api/graph', { authorization: 'Bearer s3cret' })).status, 404);
    } finally {
      await exposed.host.dispose();
    }
  });
});
