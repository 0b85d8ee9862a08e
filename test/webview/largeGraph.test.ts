// Large graphs switch to the canvas renderer. `serve` cannot cheaply produce 600 services,
// so this suite feeds a synthetic graph through the stand-in page server (same page shell,
// CSP and SSE protocol as serve); everything else about the map is tested against serve.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { FromWebview } from '../../common/src/protocol';
import { launchChromium, openPage } from './support/browser';
import { edge, node, syntheticGraph } from './support/graphs';
import { startPageServer, type PageServer } from './support/pageServer';

describe('map webview with a large graph (canvas renderer)', function () {
  this.timeout(60_000);
  const graph = syntheticGraph(600);
  let server: PageServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  before(async () => {
    const answer = (m: FromWebview) => (m.type === 'requestSpans' ? [{ type: 'spans' as const, requestId: m.requestId, spans: [] }] : []);
    server = await startPageServer({ type: 'init', host: 'browser', graph, receiver: { state: 'listening', http: '127.0.0.1:4318' }, sites: [] }, answer);
    browser = await launchChromium();
    ({ page, problems } = await openPage(browser, server.url));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('draws on a canvas and still reports every node through the table view', async () => {
    assert.equal(await page.getAttribute('.map-stage', 'data-render'), 'canvas');
    assert.equal(await page.locator('g.node').count(), 0);
    const drawn = await page.waitForSelector('canvas.map-canvas[data-draw-ms]');
    assert.ok(Number(await drawn.getAttribute('data-draw-ms')) >= 0);
    await page.click('button[data-view="table"]');
    assert.equal(await page.locator('table.edge-table tbody tr').count(), graph.edges.length);
    await page.click('button[data-view="map"]');
  });

  it('selects nodes by keyboard on the canvas and asks the host for their spans', async () => {
    await page.waitForSelector('canvas.map-canvas');
    await page.focus('canvas.map-canvas');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.details[data-selection="node"]');
    const first = await page.textContent('.details h2');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((name) => document.querySelector('.details h2')?.textContent !== name, first);
    const requests = server.received.filter((m) => m.type === 'requestSpans');
    assert.ok(requests.length >= 2, JSON.stringify(server.received));
  });

  it('draws a live update over the picture instead of redrawing every node', async () => {
    await page.waitForSelector('.map-stage[data-settling="false"]', { timeout: 40_000 });
    const version = await page.evaluate(() => document.body.dataset.version);
    const fresh = node('service:arrived-live', 'service', 5);
    server.push({ type: 'delta', delta: { nodes: [fresh], edges: [edge(graph.nodes[0].id, 'calls', fresh.id, 3)], flows: [], removedNodeIds: [], removedEdgeIds: [], removedFlowNames: [], stats: graph.stats } });
    await page.waitForFunction((v) => document.body.dataset.version !== v, version);
    await page.waitForSelector('canvas.map-canvas[data-draw="over"]');
  });

  it('selects the node under a click (quadtree hit test)', async () => {
    await page.waitForSelector('.map-stage[data-settling="false"]', { timeout: 40_000 });
    const box = (await page.locator('canvas.map-canvas').boundingBox())!;
    // Click on each of a grid of points until one hits a node: hit-testing, not geometry, is under test.
    let hit = false;
    for (let y = 0.3; y <= 0.7 && !hit; y += 0.1) {
      for (let x = 0.3; x <= 0.7 && !hit; x += 0.1) {
        const before = await page.textContent('.details h2');
        await page.mouse.click(box.x + box.width * x, box.y + box.height * y);
        hit = (await page.textContent('.details h2')) !== before;
      }
    }
    assert.ok(hit, 'no click selected a node');
    assert.deepEqual(problems, []);
  });
});
