// "Compare with an earlier snapshot" in headless Chromium against the real `serve` with a data
// folder and a short --snapshot-interval, fed by the real OTel JS SDK. Snapshots are awaited
// by polling the same protocol the page uses (POST /api/message); nothing sleeps.
import { SpanKind } from '@opentelemetry/api';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Graph, SnapshotInfo } from '../../common/src/graph';
import type { FromWebview, ToWebview } from '../../common/src/protocol';
import { syntheticGraph } from './support/graphs';
import { startPageServer } from './support/pageServer';
import { launchChromium, openPage } from './support/browser';
import { sdkService, postMessage, startServe, type SdkService, type Serve } from './support/serve';
import { waitFor } from '../support/waitFor';

const EDGE_ONE = 'service:shop|reads|database:redis:one';
const EDGE_TWO = 'service:shop|reads|database:redis:two';
const edgeSel = (id: string): string => `g.edge[data-edge-id="${id}"]`;

describe('map webview: compare with an earlier snapshot (Chromium + serve)', function () {
  this.timeout(60_000);
  let dir: string;
  let serve: Serve;
  let browser: Browser;
  let shop: SdkService;

  const message = (m: FromWebview): Promise<ToWebview[]> => postMessage(serve, m);
  const snapshots = async (): Promise<SnapshotInfo[]> => {
    const [answer] = await message({ type: 'requestHistory', requestId: 1 });
    assert.equal(answer.type, 'history');
    return answer.type === 'history' ? answer.snapshots : [];
  };
  const read = async (db: string): Promise<void> => {
    shop.tracer.startSpan(`GET ${db}`, { kind: SpanKind.CLIENT, attributes: { 'db.system': 'redis', 'db.name': db, 'db.operation': 'get' } }).end();
    await shop.flush();
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ofm-compare-'));
    serve = await startServe(['--data-dir', dir, '--snapshot-interval', '0.2']);
    browser = await launchChromium();
    shop = sdkService('shop', serve.http);
  });

  after(async () => {
    await shop?.shutdown();
    await browser?.close();
    await serve?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('marks the edge added since the chosen snapshot in the map and the table, and only that one', async () => {
    await read('one');
    const before = await waitFor('a snapshot with the first edge', async () => (await snapshots()).find((s) => s.edges === 1), 15_000);
    await read('two');
    await waitFor('the second edge', async () => {
      const graph = (await (await fetch(`${serve.ui}api/graph`)).json()) as Graph;
      return graph.edges.length === 2 ? true : undefined;
    }, 15_000);

    const { page, problems } = await openPage(browser, serve.ui);
    await page.waitForSelector(edgeSel(EDGE_TWO));
    await page.waitForSelector(`select.compare option[value="${before.time}"]`, { state: 'attached' });
    assert.match((await page.textContent(`select.compare option[value="${before.time}"]`)) ?? '', /^Since \d+ s ago · 1 edge$/);
    await page.selectOption('select.compare', String(before.time));
    await page.waitForSelector(`${edgeSel(EDGE_TWO)}[data-change="added"]`);
    assert.equal(await page.getAttribute(edgeSel(EDGE_ONE), 'data-change'), null, 'the edge that was already there is not marked');
    assert.equal(await computedStroke(page, EDGE_TWO), await computedStroke(page, null), 'added edges are drawn in the "added" colour');
    await page.dispatchEvent(edgeSel(EDGE_TWO), 'click');
    await page.waitForSelector('.details .change-badge.added');

    await page.click('button[data-view="table"]');
    await page.waitForSelector(`tr[data-edge-id="${EDGE_TWO}"][data-change="added"]`);
    assert.equal(await page.locator('tr[data-change="added"]').count(), 1);

    await page.click('button[data-view="map"]');
    await page.selectOption('select.compare', '');
    await page.waitForSelector(`${edgeSel(EDGE_TWO)}:not([data-change])`);
    assert.deepEqual(problems, []);
  });

  it('a diff asked for before any snapshot marks every live edge as added', async () => {
    const [answer] = await message({ type: 'requestDiff', requestId: 7, since: 1 });
    assert.equal(answer.type, 'diff');
    if (answer.type !== 'diff') return;
    assert.equal(answer.requestId, 7);
    assert.equal(answer.snapshotAt, 0);
    assert.deepEqual([...answer.addedEdgeIds].sort(), [EDGE_ONE, EDGE_TWO]);
  });
});

describe('map webview: compare on the canvas renderer (large graph)', function () {
  this.timeout(60_000);

  it('draws the comparison on canvas, lists unplaced removed edges, and marks both in the table', async () => {
    const graph = syntheticGraph(600);
    const [a, b] = graph.nodes.filter((n) => n.kind === 'service');
    const ghost = { id: `${b.id}|writes|${a.id}`, source: b.id, target: a.id, relation: 'writes' as const };
    const gone = { id: `${a.id}|calls|external:gone.example`, source: a.id, target: 'external:gone.example', relation: 'calls' as const };
    const answer = (m: FromWebview): ToWebview[] => {
      if (m.type === 'requestHistory') return [{ type: 'history', requestId: m.requestId, snapshots: [{ time: 1000, nodes: 600, edges: 10 }] }];
      if (m.type === 'requestDiff') return [{ type: 'diff', requestId: m.requestId, since: m.since, snapshotAt: 1000, addedEdgeIds: [graph.edges[0].id], removedEdges: [ghost, gone] }];
      return [];
    };
    const server = await startPageServer({ type: 'init', host: 'browser', graph, receiver: { state: 'listening' }, sites: [] }, answer);
    const browser = await launchChromium();
    try {
      const { page, problems } = await openPage(browser, server.url);
      await page.waitForSelector('canvas.map-canvas[data-draw-ms]');
      await page.waitForSelector('select.compare option[value="1000"]', { state: 'attached' });
      await page.selectOption('select.compare', '1000');
      const listed = await page.waitForSelector('.removed-panel li[data-change="removed"]');
      assert.equal(await listed.textContent(), `${a.name} calls gone.example`);
      assert.equal(await page.locator('.removed-panel li').count(), 1, 'the edge between two live nodes is drawn, not listed');
      assert.equal(await page.getAttribute('.map-stage', 'data-render'), 'canvas');
      await page.click('button[data-view="table"]');
      assert.equal(await page.getAttribute('tr[data-change="added"]', 'data-edge-id'), graph.edges[0].id);
      assert.deepEqual(await page.locator('tr[data-change="removed"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-edge-id'))), [ghost.id, gone.id]);
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});

/** The stroke of an edge's line, or (null) the resolved --added colour of the page. */
async function computedStroke(page: Page, edgeId: string | null): Promise<string> {
  return page.evaluate((id) => {
    if (id === null) {
      const probe = document.createElementNS('http://www.w3.org/2000/svg', 'path');
      probe.style.stroke = 'var(--added)';
      document.querySelector('svg.map-svg')!.append(probe);
      const colour = getComputedStyle(probe).stroke;
      probe.remove();
      return colour;
    }
    return getComputedStyle(document.querySelector(`g.edge[data-edge-id="${id}"] path.edge-line`)!).stroke;
  }, edgeId);
}
