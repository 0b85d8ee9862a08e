// Item 9 of the hardening issue (the rest): `serve --bind ::1` serves on the IPv6 loopback
// (OTLP/HTTP, gRPC and the map), forwarding to our own listen address is refused at start, and
// bad ports exit 2 at once with a clear message. The built CLI, as a user runs it.
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forwardsToSelf } from '../../server/src/telemetry/receiver/forwardGuard';
import { jsonBody, makeSpan, protoBody, recordSpans } from './support';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

function run(args: string[]): { child: ChildProcess; exit: Promise<{ code: number | null; stderr: string; ms: number }>; line: Promise<string> } {
  const t0 = Date.now();
  const child = spawn(process.execPath, [CLI, 'serve', '--workspace', mkdtempSync(join(tmpdir(), 'ofm-cli-')), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d) => (stderr += d));
  const line = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0]);
    });
    child.once('exit', () => reject(new Error(`serve exited: ${stderr}`)));
  });
  line.catch(() => undefined);
  const exit = new Promise<{ code: number | null; stderr: string; ms: number }>((resolve) => child.once('exit', (code) => resolve({ code, stderr, ms: Date.now() - t0 })));
  return { child, exit, line };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe('serve: CLI input errors and the IPv6 loopback', function () {
  this.timeout(30_000);

  it('--bind ::1 serves OTLP/HTTP, gRPC and the map on [::1]', async () => {
    const { child, exit, line } = run(['--bind', '::1', '--grpc-port', '0', '--http-port', '0', '--ui-port', '0']);
    try {
      const addr = JSON.parse(await line) as { grpc: string; http: string; ui: string };
      assert.match(addr.http, /^\[::1\]:\d+$/);
      assert.match(addr.grpc, /^\[::1\]:\d+$/);
      assert.match(addr.ui, /^http:\/\/\[::1\]:\d+\/$/);
      const spans = recordSpans('v6-service', (t) => makeSpan(t, { name: 'over-ipv6' }));
      const res = await fetch(`http://${addr.http}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Uint8Array(jsonBody(spans)) });
      assert.equal(res.status, 200);
      const client = new grpc.Client(addr.grpc, grpc.credentials.createInsecure());
      const code = await new Promise<number>((resolve) => {
        client.makeUnaryRequest('/opentelemetry.proto.collector.trace.v1.TraceService/Export', (b: Buffer) => b, (b: Buffer) => b, protoBody(spans), new grpc.Metadata(), (err) => resolve(err ? err.code ?? -1 : 0));
      });
      client.close();
      assert.equal(code, 0);
      const page = await fetch(addr.ui);
      assert.equal(page.status, 200);
      const graph = await fetch(`${addr.ui}api/graph`);
      assert.equal(graph.status, 200);
      assert.ok(((await graph.json()) as { nodes: { name: string }[] }).nodes.some((n) => n.name === 'v6-service'));
    } finally {
      child.kill('SIGTERM');
      await exit;
    }
  });

  it('--forward to our own listen address exits 2 at once; to another port it starts', async () => {
    const port = await freePort();
    for (const target of [`http://127.0.0.1:${port}`, `http://localhost:${port}/v1/traces`]) {
      const { exit } = run(['--http-port', String(port), '--grpc-port', '0', '--ui-port', '0', '--forward', target]);
      const r = await exit;
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /own listen address.*would loop/);
      assert.ok(r.ms < 5000, `${r.ms} ms`);
    }
    const other = await freePort();
    const ok = run(['--http-port', '0', '--grpc-port', '0', '--ui-port', '0', '--forward', `http://127.0.0.1:${other}`]);
    try {
      assert.match(await ok.line, /"http"/);
    } finally {
      ok.child.kill('SIGTERM');
      await ok.exit;
    }
  });

  it('bad ports and a bad --forward URL exit 2 fast with a clear message', async () => {
    const cases: [string[], RegExp][] = [
      [['--http-port', '70000'], /--http-port needs a port number/],
      [['--grpc-port', 'abc'], /--grpc-port needs a port number/],
      [['--ui-port', '-1'], /--ui-port needs a port number/],
      [['--grpc-port', '4999.5'], /--grpc-port needs a port number/],
      [['--grpc-port', '45123', '--http-port', '45123'], /--grpc-port and --http-port are both 45123/],
      [['--http-port', '45124', '--ui-port', '45124'], /--http-port and --ui-port are both 45124/],
      [['--forward', 'not a url'], /--forward needs an http\(s\) URL/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args).exit;
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.ok(r.ms < 5000, `${args.join(' ')} took ${r.ms} ms`);
    }
  });

  it('forwardsToSelf: our ports on our addresses, and nothing else', () => {
    assert.match(forwardsToSelf('http://127.0.0.1:4318', '127.0.0.1', [4317, 4318])!, /would loop/);
    assert.match(forwardsToSelf('http://localhost:4317', '127.0.0.1', [4317, 4318])!, /would loop/);
    assert.match(forwardsToSelf('http://[::1]:4318', '::1', [4317, 4318])!, /would loop/);
    assert.match(forwardsToSelf('http://127.0.0.1:4318', '0.0.0.0', [4317, 4318])!, /would loop/);
    assert.match(forwardsToSelf('http://localhost', '127.0.0.1', [80])!, /would loop/, 'the scheme default port');
    assert.equal(forwardsToSelf('http://127.0.0.1:4319', '127.0.0.1', [4317, 4318]), undefined);
    assert.equal(forwardsToSelf('http://collector.example:4318', '127.0.0.1', [4317, 4318]), undefined);
    assert.equal(forwardsToSelf('http://10.1.2.3:4318', '127.0.0.1', [4317, 4318]), undefined, 'another host on the same port');
    assert.equal(forwardsToSelf('', '127.0.0.1', [4318]), undefined);
    assert.equal(forwardsToSelf('not a url', '127.0.0.1', [4318]), undefined);
  });
});
