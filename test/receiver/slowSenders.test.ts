// Item 5 of the hardening issue: the OTLP/HTTP receiver sheds by the bytes really held by bodies
// being read, not by declared Content-Length, and slow senders are cut off by headersTimeout /
// requestTimeout without starving other clients. Real sockets against the real receiver.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createHttpReceiver } from '../../server/src/telemetry/receiver/httpReceiver';
import { waitFor } from './support';

const MiB = 1024 * 1024;
const JSON_CT = { 'content-type': 'application/json' };

interface Receiver {
  server: Server;
  url: string;
  shed: () => number;
  close(): Promise<void>;
}

async function startReceiver(opts: { maxRequestBytes: number; maxInFlightBytes: number; requestTimeoutMs?: number; headersTimeoutMs?: number }): Promise<Receiver> {
  let shed = 0;
  const server = createHttpReceiver(() => ({ accepted: 1, rejected: 0 }), { token: '', onShed: () => shed++, ...opts });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}/v1/traces`,
    shed: () => shed,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A raw socket that announces `declared` bytes, sends `send` of them and then stalls. */
async function slowSender(url: string, declared: number, send: number): Promise<{ socket: Socket; closed: Promise<string> }> {
  const { hostname, port, pathname } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let answer = '';
  socket.on('data', (d) => (answer += d.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(answer)));
  socket.write(`POST ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`);
  if (send > 0) socket.write(Buffer.alloc(send, 0x20));
  return { socket, closed };
}

const post = async (url: string, bytes: number): Promise<number> => (await fetch(url, { method: 'POST', headers: JSON_CT, body: '{}'.padEnd(bytes, ' ') })).status;

describe('receiver: shedding by real bytes in flight; slow senders time out', function () {
  this.timeout(30_000);
  let r: Receiver;
  const senders: Socket[] = [];
  afterEach(async () => {
    for (const s of senders.splice(0)) s.destroy();
    await r?.close();
  });

  it('17 sockets announcing 4 MiB bodies and sending a few bytes do not make other clients get 429', async () => {
    r = await startReceiver({ maxRequestBytes: 4 * MiB, maxInFlightBytes: 64 * MiB });
    for (let i = 0; i < 17; i++) senders.push((await slowSender(r.url, 4 * MiB, 100)).socket);
    for (let i = 0; i < 5; i++) assert.equal(await post(r.url, 512 * 1024), 200, 'a normal client is served while the slow ones stall');
    assert.equal(r.shed(), 0);
  });

  it('bodies really held past the budget shed new requests (429 + Retry-After), and the budget comes back when they end', async () => {
    r = await startReceiver({ maxRequestBytes: 4 * MiB, maxInFlightBytes: 4 * MiB });
    // Five senders each really deliver ~1 MiB of a 3 MiB body and stall: over 4 MiB held in all.
    const stalled = await Promise.all(Array.from({ length: 5 }, () => slowSender(r.url, 3 * MiB, MiB)));
    senders.push(...stalled.map((s) => s.socket));
    const answers = await Promise.race([Promise.all(stalled.map((s) => s.closed)), new Promise<null>((resolve) => setTimeout(() => resolve(null), 1500))]);
    // The sender whose bytes went over the budget is answered 429 itself; the rest are held.
    assert.equal(answers, null, 'the senders within the budget are still being read');
    const res = await fetch(r.url, { method: 'POST', headers: JSON_CT, body: '{}' });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '1');
    assert.ok(r.shed() >= 1);
    for (const s of senders.splice(0)) s.destroy();
    await waitFor('the held bytes are released when their senders go away', async () => (await post(r.url, 1024)) === 200);
  });

  it('a slow sender is cut off by requestTimeout (its bytes released); one without headers by headersTimeout', async () => {
    r = await startReceiver({ maxRequestBytes: 4 * MiB, maxInFlightBytes: 2 * MiB, requestTimeoutMs: 1500, headersTimeoutMs: 1000 });
    const t0 = Date.now();
    const slow = await slowSender(r.url, 3 * MiB, 2 * MiB - 1000);
    senders.push(slow.socket);
    await waitFor('the stalled body holds the budget', async () => (await post(r.url, 4096)) === 429);
    const answer = await slow.closed;
    const cutAfter = Date.now() - t0;
    assert.ok(cutAfter < 4000, `cut off after ${cutAfter} ms`);
    assert.match(answer, /^HTTP\/1\.1 (408|429)/, 'the slow sender gets an answer and a closed connection');
    assert.equal(await post(r.url, 4096), 200, 'its bytes were released');
    // Headers that never end.
    const { hostname, port } = new URL(r.url);
    const half = connect(Number(port), hostname);
    senders.push(half);
    half.on('error', () => undefined);
    let halfAnswer = '';
    half.on('data', (d) => (halfAnswer += d.toString('latin1')));
    half.write('POST /v1/traces HTTP/1.1\r\nHost: x\r\n');
    const t1 = Date.now();
    await new Promise((resolve) => half.once('close', resolve));
    assert.ok(Date.now() - t1 < 3000, 'a sender that never finishes its headers is closed');
    assert.match(halfAnswer, /^HTTP\/1\.1 408/);
  });
});
