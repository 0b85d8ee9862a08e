// SSE backpressure on real sockets: a client that stops reading holds at most one frame in the
// server, gets the latest graph (not the missed deltas) when it drains, and is closed when it
// stays behind too long.

import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { SseHub, sseFrame } from '../../server/src/telemetry/receiver/sseHub';
import { waitFor } from '../support/waitFor';

const BIG = 'x'.repeat(64 * 1024);

async function hubServer(maxBehindMs: number): Promise<{ hub: SseHub; server: Server; port: number; responses: ServerResponse[]; latest: { n: number } }> {
  const latest = { n: 0 };
  const hub = new SseHub({ maxClients: 4, maxBehindMs, resync: () => sseFrame({ type: 'delta', reset: true, n: latest.n }) });
  const responses: ServerResponse[] = [];
  const server = createServer((_req, res) => {
    responses.push(res);
    hub.add(res, sseFrame({ type: 'init' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { hub, server, port: (server.address() as AddressInfo).port, responses, latest };
}

/** A client that sends its request and then does not read (a paused socket with a small buffer). */
async function stuckClient(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1' });
  await new Promise<void>((r) => socket.once('connect', r));
  socket.setNoDelay(true);
  socket.write('GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  socket.pause();
  return socket;
}

describe('SSE backpressure (SseHub on real sockets)', function () {
  this.timeout(30_000);

  it('a client that stops reading holds one frame at most, then gets the latest graph when it drains', async () => {
    const { hub, server, port, responses, latest } = await hubServer(60_000);
    const socket = await stuckClient(port);
    try {
      await waitFor('the stream to start', () => responses.length === 1);
      // Deltas until the socket stops taking data (kernel buffers fill first).
      for (let i = 0; hub.stats().behind === 0; i++) {
        assert.ok(i < 10_000, 'the client never fell behind');
        hub.broadcast('delta', sseFrame({ type: 'delta', n: ++latest.n, pad: BIG }));
        await new Promise((r) => setImmediate(r));
      }
      const held = responses[0].writableLength;
      for (let i = 0; i < 300; i++) hub.broadcast('delta', sseFrame({ type: 'delta', n: ++latest.n, pad: BIG }));
      hub.broadcast('receiver', sseFrame({ type: 'receiver', state: 'listening' }));
      assert.equal(responses[0].writableLength, held, '300 more deltas (19 MB) were not queued for the stuck client');
      assert.ok(held < 2 * (BIG.length + 100), `held ${held} bytes`);

      // The client reads again: everything buffered, then one reset frame with the latest graph.
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
      socket.resume();
      const last = await waitFor('the catch-up frame', () => text.includes('"reset":true') && text.includes('"state":"listening"') && text);
      const resets = [...last.matchAll(/data: (\{"type":"delta","reset":true[^\n]*)\n/g)].map((m) => JSON.parse(m[1]) as { n: number });
      assert.equal(resets.at(-1)!.n, latest.n, 'the catch-up carries the latest graph');
      assert.equal(hub.stats().resyncs, resets.length);
      assert.equal(hub.stats().behind, 0);
    } finally {
      socket.destroy();
      hub.close();
      server.close();
    }
  });

  it('a client that takes a frame larger than its socket buffer before the next delta stays on deltas (no resync)', async () => {
    const { hub, server, port, responses } = await hubServer(60_000);
    const socket = await stuckClient(port);
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.resume();
    try {
      await waitFor('the stream to start', () => responses.length === 1);
      for (let n = 1; n <= 3; n++) {
        hub.broadcast('delta', sseFrame({ type: 'delta', n, pad: BIG }));
        await waitFor(`big delta ${n} taken`, () => text.includes(`"n":${n},`) && responses[0].writableLength === 0);
        await new Promise((r) => setImmediate(r));
      }
      hub.broadcast('delta', sseFrame({ type: 'delta', n: 4 }));
      await waitFor('the small delta', () => text.includes('"n":4}'));
      assert.equal(hub.stats().resyncs, 0, 'a big graph is not resent whole after every delta');
      assert.equal(text.includes('"reset":true'), false);
    } finally {
      socket.destroy();
      hub.close();
      server.close();
    }
  });

  it('a client behind for longer than maxBehindMs is closed and counted', async () => {
    const { hub, server, port, responses } = await hubServer(300);
    const socket = await stuckClient(port);
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    try {
      await waitFor('the stream to start', () => responses.length === 1);
      for (let i = 0; hub.stats().behind === 0; i++) {
        assert.ok(i < 10_000, 'the client never fell behind');
        hub.broadcast('delta', sseFrame({ type: 'delta', pad: BIG }));
        await new Promise((r) => setImmediate(r));
      }
      await waitFor('the slow client closed', () => hub.stats().closedSlow === 1, 5_000);
      assert.equal(hub.size, 0);
      socket.resume();
      await closed;
    } finally {
      socket.destroy();
      hub.close();
      server.close();
    }
  });
});
