// The supervised telemetry worker: a worker that exits or stops beating is noticed within 2 s,
// reported (status error, "restarting"), started again on the same ports, and restores the last
// persisted topology. The crash hook is the real thing: process.exit in the worker, or its event
// loop blocked.

import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReceiverStatus } from '../../common/src/telemetry';
import { createTelemetryHost, type TelemetryHost } from '../../server/src/telemetry/host';
import { makeSpan, postTraces, protoBody, receiverSettings, recordSpans, waitFor, WORKER_PATH } from './support';

const PROTO = { 'content-type': 'application/x-protobuf' };
const dbSpan = (db: string) => protoBody(recordSpans('api', (t) => makeSpan(t, { name: 'q', kind: SpanKind.CLIENT, attributes: { 'db.system': 'redis', 'db.name': db, 'db.operation': 'get' } })));

describe('receiver: supervised worker', function () {
  this.timeout(30_000);
  let dir: string;
  let host: TelemetryHost;
  let http: string;
  const statuses: { at: number; status: ReceiverStatus }[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ofm-supervisor-'));
    host = createTelemetryHost({ workerPath: WORKER_PATH, dataDir: dir, debugHooks: true, tuning: { pairWaitMs: 300, deltaIntervalMs: 50, snapshotIntervalMs: 200 } });
    statuses.length = 0;
    host.onStatus((status) => statuses.push({ at: Date.now(), status }));
    const s = await host.start(receiverSettings(), 'coordimap.flow.');
    http = s.http!;
    assert.equal((await postTraces(http, dbSpan('one'), PROTO)).status, 200);
    await waitFor('the edge', () => host.currentGraph().edges.length === 1);
  });
  afterEach(async () => {
    await host.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const mode of ['exit', 'stall'] as const) {
    it(`a worker that ${mode === 'exit' ? 'exits' : 'stalls'} is noticed within 2 s, restarted on the same port, and restores the persisted topology`, async () => {
      // Let one snapshot persist the edge (snapshotIntervalMs 200).
      await waitFor('a persisted snapshot with the edge', async () => (await host.history(10)).some((s) => s.edges === 1));
      const crashedAt = Date.now();
      host.debugCrash(mode);
      const down = await waitFor('the failure reported', () => statuses.find((s) => s.at >= crashedAt && s.status.state === 'error'), 5_000);
      assert.ok(down.at - crashedAt < 2_000, `noticed after ${down.at - crashedAt} ms`);
      assert.match(down.status.message ?? '', mode === 'exit' ? /exited.*restarting/ : /stalled.*restarting/);
      await waitFor('listening again', () => host.status().state === 'listening' && host.health().restarts === 1, 10_000);
      assert.equal(host.status().http, http, 'the same port as before');
      const g = await host.graph();
      assert.deepEqual(g.edges.map((e) => e.id), ['service:api|reads|database:redis:one'], 'restored from the data folder');
      assert.equal((await postTraces(http, dbSpan('two'), PROTO)).status, 200);
      await waitFor('the new edge in the host copy', () => host.currentGraph().edges.length === 2);
      assert.match(host.health().lastFailure ?? '', mode === 'exit' ? /exited/ : /stalled/);
    });
  }
});
