// History: the topology survives a restart of the worker, and diff?since=T reports edges added
// since a persisted snapshot.

import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

  it('a corrupt state file is ignored, not fatal', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'ofm-bad-'));
    writeFileSync(join(bad, 'topology.json'), '{"version":1,"nodes":[{"id":');
    writeFileSync(join(bad, 'snapshots.jsonl'), 'garbage\n{"t":1}\n');
    const h = await startHost({}, bad);
    try {
      assert.equal((await h.host.graph()).nodes.length, 0);
      assert.equal((await postTraces(h.http, dbSpan('x', 'y'), PROTO)).status, 200);
    } finally {
      await h.host.dispose();
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
