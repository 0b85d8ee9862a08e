// receiver.forwardTo: everything accepted is re-exported to an upstream OTLP/HTTP endpoint.

import assert from 'node:assert/strict';
import { makeSpan, postTraces, protoBody, jsonBody, recordSpans, startHost, waitFor } from './support';

describe('receiver: forwarding upstream', function () {
  it('re-exports protobuf and JSON bodies to receiver.forwardTo', async () => {
    const upstream = await startHost();
    const local = await startHost({ forwardTo: `http://${upstream.http}/v1/traces` });
    try {
      const spans = recordSpans('fwd', (t) => makeSpan(t, { name: 'a' }));
      assert.equal((await postTraces(local.http, protoBody(spans), { 'content-type': 'application/x-protobuf' })).status, 200);
      assert.equal((await postTraces(local.http, jsonBody(spans), { 'content-type': 'application/json' })).status, 200);
      await waitFor('both bodies upstream', () => upstream.host.currentGraph().stats.spansReceived === 2);
      assert.ok(upstream.host.currentGraph().nodes.some((n) => n.id === 'service:fwd'));
    } finally {
      await local.host.dispose();
      await upstream.host.dispose();
    }
  });
});
