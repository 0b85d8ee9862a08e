// When the language server runs the receiver (otelFlowMap.receiver.autoStart), over real JSON-RPC
// with the built server: a workspace without an OpenTelemetry dependency leaves ports alone until
// the map opens; one with a dependency starts it; `never` and the deprecated `enabled: false`
// keep it off; a taken port is retried and taken over once the other program lets go.

import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiverControlRequest, ReceiverStatusNotification } from '../../common/src/lspMethods';
import type { ReceiverStatus } from '../../common/src/telemetry';
import { waitFor } from '../support/waitFor';
import { LspSession } from './lspClient';

interface Started {
  lsp: LspSession;
  statuses: ReceiverStatus[];
}

async function start(folder: string, receiver: Record<string, unknown>): Promise<Started> {
  const lsp = new LspSession();
  const statuses: ReceiverStatus[] = [];
  lsp.connection.onNotification(ReceiverStatusNotification.method, (s: ReceiverStatus) => void statuses.push(s));
  lsp.connection.onRequest('workspace/codeLens/refresh', () => null);
  await lsp.initialize(folder, { receiver: { grpcPort: 0, httpPort: 0, ...receiver } });
  return { lsp, statuses };
}

const last = (s: Started) => s.statuses[s.statuses.length - 1];

describe('receiver lifecycle: otelFlowMap.receiver.autoStart (real JSON-RPC)', function () {
  this.timeout(30_000);
  let root: string;
  let sessions: LspSession[] = [];
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'ofm-autostart-'));
  });
  afterEach(() => {
    for (const s of sessions) s.dispose();
    sessions = [];
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const folder = (name: string, files: Record<string, string> = {}): string => {
    const dir = join(root, name);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const track = (s: Started): Started => {
    sessions.push(s.lsp);
    return s;
  };

  it('auto: no OpenTelemetry dependency → stays off (and says why) until the map opens', async () => {
    const s = track(await start(folder('plain', { 'package.json': '{"dependencies":{"express":"^4"}}', 'src/a.ts': 'export const a = 1;\n' }), {}));
    const idle = await waitFor('a stopped status', () => s.statuses.find((x) => x.state === 'stopped'));
    assert.match(idle.message ?? '', /no OpenTelemetry dependency/);
    assert.ok(!s.statuses.some((x) => x.state === 'listening'));
    const answered = await s.lsp.connection.sendRequest(ReceiverControlRequest, { action: 'mapOpened' });
    assert.equal(answered.state, 'listening', JSON.stringify(answered));
  });

  for (const [name, files] of [
    ['package.json', { 'package.json': '{"dependencies":{"@opentelemetry/api":"^1.9.0"}}' }],
    ['go.mod one level down', { 'svc/go.mod': 'module x\n\nrequire go.opentelemetry.io/otel v1.47.0\n' }],
    ['requirements.txt', { 'requirements-dev.txt': 'flask==3\nopentelemetry-sdk==1.45.2\n' }],
    ['pyproject.toml', { 'pyproject.toml': '[project]\ndependencies = ["opentelemetry-api>=1.20"]\n' }],
  ] as const) {
    it(`auto: an OpenTelemetry dependency in ${name} → starts`, async () => {
      const s = track(await start(folder(name.replace(/\W+/g, '-'), files), {}));
      await waitFor('listening', () => s.statuses.find((x) => x.state === 'listening'));
    });
  }

  it('never, and the deprecated enabled: false, keep it off even when the map opens; Start still starts it', async () => {
    const otel = folder('otel-never', { 'package.json': '{"dependencies":{"@opentelemetry/api":"^1"}}' });
    for (const receiver of [{ autoStart: 'never' }, { enabled: false, autoStart: 'always' }]) {
      const s = track(await start(otel, receiver));
      const off = await waitFor('disabled', () => s.statuses.find((x) => x.state === 'disabled'));
      assert.match(off.message ?? '', /autoStart is never|enabled is false/);
      const afterMap = await s.lsp.connection.sendRequest(ReceiverControlRequest, { action: 'mapOpened' });
      assert.equal(afterMap.state, 'disabled');
      const started = await s.lsp.connection.sendRequest(ReceiverControlRequest, { action: 'start' });
      assert.equal(started.state, 'listening');
    }
  });

  it('a taken port: error once, then it takes the port over when the other program lets go', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    const s = track(await start(folder('taken'), { autoStart: 'always', httpPort: port }));
    const failed = await waitFor('error status', () => s.statuses.find((x) => x.state === 'error'));
    assert.match(failed.message ?? '', new RegExp(`${port} is already in use`));
    await new Promise<void>((r) => blocker.close(() => r()));
    const listening = await waitFor('listening on the freed port', () => (last(s)?.state === 'listening' ? last(s) : undefined), 15_000);
    assert.equal(listening.http, `127.0.0.1:${port}`);
  });
});
