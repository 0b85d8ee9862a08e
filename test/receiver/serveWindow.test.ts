// `serve --window 10s` end to end (issue 14 item 3): GET /api/graph carries the window and per
// node and edge window numbers beside the lifetime ones; after traffic stops, every edge's
// window.ratePerSec reaches 0 within one window while the lifetime count stays.

import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import type { Graph } from '../../common/src/graph';
import { parseDuration } from '../../server/src/cli/serve';
import { sdkService, startServe, type Serve } from '../webview/support/serve';

describe('serve --window: recent-window numbers on GET /api/graph', function () {
  this.timeout(60_000);
  let serve: Serve | undefined;
  after(async () => serve?.stop());

  it('parses durations from 10s to 1h', () => {
    assert.equal(parseDuration('10s'), 10);
    assert.equal(parseDuration('5m'), 300);
    assert.equal(parseDuration('1h'), 3600);
    assert.equal(parseDuration('90'), 90);
    assert.equal(parseDuration('ten'), undefined);
  });

  it('rates fall to 0 within one 10 s window after traffic stops; lifetime counts stay', async () => {
    serve = await startServe(['--window', '10s']);
    const shop = sdkService('shop', serve.http);
    const graph = async (): Promise<Graph> => (await (await fetch(`${serve!.ui}api/graph`)).json()) as Graph;
    for (let i = 0; i < 30; i++) {
      shop.tracer.startSpan('GET cache', { kind: SpanKind.INTERNAL, attributes: { 'db.system.name': 'redis', 'db.namespace': '0', 'db.operation.name': 'GET' } }).end();
      await new Promise((r) => setTimeout(r, 50));
    }
    await shop.flush();
    let busy: Graph | undefined;
    for (let i = 0; i < 50 && !busy; i++) {
      const g = await graph();
      if (g.edges[0]?.count === 30) busy = g;
      else await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(busy, 'the edge arrived');
    const stopped = Date.now();
    assert.deepEqual(busy.window, { ms: 10_000 });
    const edge = busy.edges[0];
    assert.equal(edge.window!.count, 30);
    assert.ok(edge.window!.ratePerSec > 2.5, `rate ${edge.window!.ratePerSec}/s over 10 s`);
    assert.ok(edge.window!.p95Ms >= 0);
    const redis = busy.nodes.find((n) => n.kind === 'database')!;
    assert.equal(redis.name, 'redis db 0', 'a Redis span with db.namespace=0 gives a node whose name says redis');
    assert.equal(redis.window!.count, 30);
    await new Promise((r) => setTimeout(r, Math.max(0, stopped + 10_000 - Date.now())));
    const idle = await graph();
    for (const e of idle.edges) assert.equal(e.window!.ratePerSec, 0, `${e.id} idle after one window`);
    assert.equal(idle.edges[0].count, 30, 'lifetime count stays');
    await shop.shutdown();
  });
});
