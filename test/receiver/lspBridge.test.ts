// The telemetry bridge at the LSP boundary: the built language server over real JSON-RPC
// stdio starts the receiver on `initialized`, forwards status and graph deltas, answers the
// custom requests, and keeps serving when the receiver's port is taken.

import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EdgeDiff } from '../../common/src/graph';
import { DiffRequest, GraphRequest, HistoryRequest, ReceiverControlRequest, SpansRequest } from '../../common/src/lspMethods';
import type { SpanSummary } from '../../common/src/telemetry';
import { startServer, stopServer } from './lspServer';
import { makeSpan, postTraces, protoBody, recordSpans, waitFor } from './support';

describe('LSP telemetry bridge (real JSON-RPC)', function () {
  let storage: string;
  let ws: string;
  let blocker: Server;
  let blockedPort: number;
  before(async () => {
    storage = mkdtempSync(join(tmpdir(), 'ofm-lsp-'));
    ws = mkdtempSync(join(tmpdir(), 'ofm-lsp-ws-'));
    blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    blockedPort = (blocker.address() as AddressInfo).port;
  });
  after(() => {
    blocker.close();
    rmSync(storage, { recursive: true, force: true });
    rmSync(ws, { recursive: true, force: true });
  });

  it('starts the receiver, forwards deltas and answers graph / spans / control requests', async () => {
    const s = await startServer({ grpcPort: 0, httpPort: 0, pairingTtlSeconds: 0.3 }, storage, ws);
    try {
      const listening = await waitFor('listening status', () => s.statuses.find((x) => x.state === 'listening'));
      const body = protoBody(recordSpans('lsp-api', (t) => makeSpan(t, { name: 'get user', kind: SpanKind.CLIENT, attributes: { 'db.system': 'redis', 'db.operation': 'get' } })));
      assert.equal((await postTraces(listening.http!, body, { 'content-type': 'application/x-protobuf' })).status, 200);
      await waitFor('graph delta', () => s.deltas.some((d) => d.edges.some((e) => e.source === 'service:lsp-api')));
      const graph = await s.conn.sendRequest(GraphRequest);
      assert.ok(graph.nodes.some((n) => n.id === 'service:lsp-api'));
      const spans = await s.conn.sendRequest<SpanSummary[]>(SpansRequest.method, { service: 'lsp-api', limit: 'junk' });
      assert.equal(spans[0].name, 'get user');
      const status = await s.conn.sendRequest(ReceiverControlRequest, { action: 'clear' });
      assert.equal(status.state, 'listening');
      await waitFor('reset delta after clear', () => s.deltas.some((d) => d.reset));
      const stopped = await s.conn.sendRequest(ReceiverControlRequest, { action: 'stop' });
      assert.equal(stopped.state, 'stopped');
    } finally {
      await stopServer(s);
    }
  });

  it('lists history snapshots and diffs the live edges against one (the map\'s Compare)', async () => {
    const historyStorage = mkdtempSync(join(tmpdir(), 'ofm-lsp-history-'));
    const s = await startServer({ grpcPort: 0, httpPort: 0, pairingTtlSeconds: 0.3 }, historyStorage, ws);
    const redis = (db: string) =>
      protoBody(recordSpans('lsp-hist', (t) => makeSpan(t, { name: 'get', kind: SpanKind.CLIENT, attributes: { 'db.system': 'redis', 'db.name': db, 'db.operation': 'get' } })));
    try {
      const first = await waitFor('listening status', () => s.statuses.find((x) => x.state === 'listening'));
      assert.equal((await postTraces(first.http!, redis('one'), { 'content-type': 'application/x-protobuf' })).status, 200);
      await waitFor('first edge', () => s.deltas.some((d) => d.edges.some((e) => e.id === 'service:lsp-hist|reads|database:redis:one')));
      // Stopping the receiver persists a snapshot: a deterministic point to compare with.
      await s.conn.sendRequest(ReceiverControlRequest, { action: 'stop' });
      const snapshots = await s.conn.sendRequest(HistoryRequest);
      assert.equal(snapshots.length, 1);
      assert.equal(snapshots[0].edges, 1);
      const again = await s.conn.sendRequest(ReceiverControlRequest, { action: 'start' });
      assert.equal(again.state, 'listening');
      assert.equal((await postTraces(again.http!, redis('two'), { 'content-type': 'application/x-protobuf' })).status, 200);
      await waitFor('second edge', () => s.deltas.some((d) => d.edges.some((e) => e.id === 'service:lsp-hist|reads|database:redis:two')));
      const diff = await s.conn.sendRequest(DiffRequest, { since: snapshots[0].time });
      assert.deepEqual(diff.addedEdgeIds, ['service:lsp-hist|reads|database:redis:two']);
      assert.deepEqual(diff.removedEdges, []);
      assert.equal(diff.snapshotAt, snapshots[0].time);
      const junk = await s.conn.sendRequest<EdgeDiff>(DiffRequest.method, { since: 'yesterday' });
      assert.equal(junk.snapshotAt, 0, 'a malformed time compares with nothing');
      assert.equal(junk.addedEdgeIds.length, 2);
    } finally {
      await stopServer(s);
      rmSync(historyStorage, { recursive: true, force: true });
    }
  });

  it('a port in use gives an error status naming the setting, and the server keeps answering', async () => {
    const s = await startServer({ grpcPort: 0, httpPort: blockedPort }, storage, ws);
    try {
      const err = await waitFor('error status', () => s.statuses.find((x) => x.state === 'error'));
      assert.match(err.message!, /otelFlowMap\.receiver\.httpPort/);
      const graph = await s.conn.sendRequest(GraphRequest);
      assert.ok(Array.isArray(graph.nodes));
      await s.conn.sendNotification('workspace/didChangeConfiguration', { settings: { otelFlowMap: { receiver: { autoStart: 'always', grpcPort: 0, httpPort: 0 } } } });
      await waitFor('listening after a settings change', () => s.statuses.find((x) => x.state === 'listening'));
      await s.conn.sendNotification('workspace/didChangeConfiguration', { settings: { otelFlowMap: { receiver: { enabled: false } } } });
      await waitFor('disabled after a settings change', () => s.statuses.find((x) => x.state === 'disabled'));
    } finally {
      await stopServer(s);
    }
  });
});
