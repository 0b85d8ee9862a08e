// The host's watchdog must not take a worker that is still starting (loading modules, restoring a
// large topology) for a stalled one: a real worker thread that blocks for longer than the stall
// limit before its first message is started once, not restarted.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../common/src/settings';
import { createTelemetryHost } from '../../../server/src/telemetry/host';

const SLOW_WORKER = `
const { parentPort } = require('node:worker_threads');
const until = Date.now() + 2500;
while (Date.now() < until) { /* a slow start: nothing can be sent meanwhile */ }
setInterval(() => parentPort.postMessage({ type: 'heartbeat' }), 200);
parentPort.on('message', (m) => {
  if (m.type === 'start') {
    const until = Date.now() + 2500;
    while (Date.now() < until) { /* restoring a large topology inside the start command */ }
    parentPort.postMessage({ type: 'reply', id: m.id, result: { state: 'listening', grpc: '127.0.0.1:1', http: '127.0.0.1:2' } });
  } else parentPort.postMessage({ type: 'reply', id: m.id, result: { state: 'stopped' } });
});
`;

describe('telemetry host: a slow worker start', () => {
  it('waits for a worker that is busy before its first beat and inside its start command, without restarting it', async function () {
    this.timeout(15_000);
    const dir = mkdtempSync(join(tmpdir(), 'ofm-slow-worker-'));
    const workerPath = join(dir, 'slowWorker.js');
    writeFileSync(workerPath, SLOW_WORKER);
    const host = createTelemetryHost({ workerPath });
    try {
      const status = await host.start(DEFAULT_SETTINGS.receiver, 'coordimap.flow.');
      assert.equal(status.state, 'listening');
      assert.equal(host.health().restarts, 0);
      assert.equal(host.health().lastFailure, undefined);
    } finally {
      await host.stop().catch(() => undefined);
      await host.dispose();
    }
  });
});
