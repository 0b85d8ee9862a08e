// History: the topology survives a restart of the worker, and diff?since=T reports edges added
// since a persisted snapshot.

import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { HistoryStore } from '../../server/src/telemetry/history';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSpan, postTraces, protoBody, recordSpans, startHost, waitFor } from './support';

const PROTO = { 'content-type': 'application/x-protobuf' };
const dbSpan = (service: string, db: string) =>
  protoBody(recordSpans(service, (t) => makeSpan(t, { name: 'q', kind: SpanKind.CLIENT, attributes: { 'db.system': 'redis', 'db.name': db, 'db.operation': 'get' } })));

describe('receiver: persistence across restarts', function () {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ofm-history-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('restores the graph after a restart and diffs against the snapshot taken at stop', async () => {
    const first = await startHost({}, dir);
    assert.equal((await postTraces(first.http, dbSpan('api', 'one'), PROTO)).status, 200);
    await waitFor('first edge', () => first.host.currentGraph().edges.length === 1);
    await first.host.dispose();
    const stoppedAt = Date.now();

    const second = await startHost({}, dir);
    try {
      const restored = await second.host.graph();
      assert.deepEqual(restored.edges.map((e) => e.id), ['service:api|reads|database:redis:one']);
      assert.equal(restored.edges[0].count, 1);
      assert.equal((await postTraces(second.http, dbSpan('api', 'two'), PROTO)).status, 200);
      const diff = await waitFor('diff', async () => {
        const d = await second.host.diff(stoppedAt);
        return d.addedEdges.length ? d : undefined;
      });
      assert.deepEqual(diff.addedEdges, ['service:api|reads|database:redis:two']);
      assert.deepEqual(diff.removedEdges, []);
      assert.ok(diff.snapshotAt > 0 && diff.snapshotAt <= stoppedAt);
      const before = await second.host.diff(0);
      assert.equal(before.snapshotAt, 0);
      assert.equal(before.addedEdges.length, 2);
    } finally {
      await second.host.dispose();
    }
  });

  it('a corrupt state file is moved aside (never overwritten), reported in the status, and not fatal', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'ofm-bad-'));
    const corrupt = '{"version":1,"nodes":[{"id":';
    writeFileSync(join(bad, 'topology.json'), corrupt);
    writeFileSync(join(bad, 'snapshots.jsonl'), 'garbage\n{"t":1}\n');
    const h = await startHost({}, bad);
    try {
      assert.equal((await h.host.graph()).nodes.length, 0);
      const aside = readdirSync(bad).filter((f) => f.startsWith('topology.json.corrupt-'));
      assert.equal(aside.length, 1, readdirSync(bad).join(', '));
      assert.equal(readFileSync(join(bad, aside[0]), 'utf8'), corrupt, 'the unreadable file is kept as it was');
      assert.match(h.host.status().message ?? '', /topology\.json could not be read.*kept as .*topology\.json\.corrupt-/);
      assert.equal((await postTraces(h.http, dbSpan('x', 'y'), PROTO)).status, 200);
    } finally {
      await h.host.dispose();
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('snapshot history is capped by bytes on disk and in memory, newest kept', () => {
    const d = mkdtempSync(join(tmpdir(), 'ofm-hist-bytes-'));
    try {
      const store = new HistoryStore(d, { diskBytes: 200_000, memoryBytes: 200_000 });
      const wide = { nodes: [], edges: Array.from({ length: 500 }, (_, i) => ({ id: `service:api|calls|service:s${'x'.repeat(40)}${i}` })), flows: [], stats: { spansReceived: 0, spansDropped: 0, dropped: {}, spansPerSecond: 0 } };
      for (let t = 1; t <= 200; t++) store.save({ version: 1 }, wide as never, t);
      assert.ok(store.sizeBytes <= 200_000, `${store.sizeBytes}`);
      assert.ok(statSync(join(d, 'snapshots.jsonl')).size <= 200_000 * 1.1);
      const reloaded = new HistoryStore(d);
      assert.equal(reloaded.sizeBytes, store.sizeBytes, 'what is on disk is what was kept');
      assert.ok(reloaded.list(1)[0].time > 100, 'the oldest snapshots went first');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
