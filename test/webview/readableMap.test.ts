// The map people want to look at (issue 14): no text over other text in the SVG and canvas
// renderers at panel (1080×700) and browser (1600×900) sizes, parallel edges apart, a stable
// layout, the legend, filters and focus by mouse and keyboard, and code links everywhere.
// Fed through the stand-in page server (same page shell, CSP and protocol as serve).
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { FromWebview } from '../../common/src/protocol';
import { launchChromium, openPage } from './support/browser';
import { edge, node, syntheticGraph } from './support/graphs';
import { overlappingPairs, type TextBox } from './support/overlaps';
import { startPageServer, type PageServer } from './support/pageServer';
import { shopGraph, shopSites } from './support/shopGraph';

const nodeSel = (id: string): string => `g.node[data-node-id="${id}"]`;

/** Pairs of visible texts on the map whose boxes intersect (more than half a pixel). */
async function overlappingTexts(page: Page): Promise<string[]> {
  const boxes = await page.evaluate(() => {
    const area = document.querySelector('.map-area')!.getBoundingClientRect();
    const boxes: TextBox[] = [];
    for (const t of Array.from(document.querySelectorAll<SVGTextElement>('.map-svg text'))) {
      if (!t.textContent || t.getClientRects().length === 0 || getComputedStyle(t).display === 'none') continue;
      const r = t.getBoundingClientRect();
      if (r.right < area.left || r.left > area.right || r.bottom < area.top || r.top > area.bottom) continue;
      boxes.push({ name: `${t.getAttribute('class')}:${t.textContent}`, left: r.left, top: r.top, right: r.right, bottom: r.bottom });
    }
    // Text outside the map (toolbar, legend, details) must not be covered by map text either.
    for (const t of Array.from(document.querySelectorAll<HTMLElement>('.legend-item span, .legend-title, .details h2'))) {
      const r = t.getBoundingClientRect();
      if (t.getClientRects().length) boxes.push({ name: `html:${t.textContent}`, left: r.left, top: r.top, right: r.right, bottom: r.bottom });
    }
    return boxes;
  });
  return overlappingPairs(boxes);
}

function translateOf(transform: string | null): [number, number] {
  const [x, y] = (transform?.match(/-?[\d.]+/g) ?? []).map(Number);
  return [x, y];
}

describe('a readable map (labels, lanes, legend, filters, code links)', function () {
  this.timeout(90_000);
  let server: PageServer;
  let browser: Browser;
  const graph = shopGraph();

  before(async () => {
    const answer = (m: FromWebview) => (m.type === 'requestSpans' ? [{ type: 'spans' as const, requestId: m.requestId, spans: [] }] : []);
    server = await startPageServer({ type: 'init', host: 'browser', graph, receiver: { state: 'listening', http: '127.0.0.1:4318' }, sites: shopSites(), root: '/home/dev/shop' }, answer);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const [width, height] of [
    [1080, 700],
    [1600, 900],
  ]) {
    it(`shows no text over other text at ${width}×${height}, with or without a selection`, async () => {
      const { page, problems } = await openPage(browser, server.url, { width, height });
      await page.waitForSelector('.map-stage[data-settling="false"]', { timeout: 30_000 });
      await page.click('button.fit');
      assert.deepEqual(await overlappingTexts(page), []);
      // Every node keeps its label in a map this size.
      assert.equal(await page.locator('.node-label[data-placed="false"]').count(), 0);
      await page.click(`${nodeSel('service:checkout')} path.node-shape`);
      await page.waitForSelector(`${nodeSel('service:checkout')}.is-selected`);
      assert.deepEqual(await overlappingTexts(page), []);
      // Nothing of the page is cut off or overlapping at this width: the toolbar and panes fit.
      const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth && document.querySelector('.stage')!.getBoundingClientRect().width > 400);
      assert.ok(fits, 'the page is wider than the window or the map is squeezed');
      assert.deepEqual(problems, []);
      await page.close();
    });
  }

  it('draws reads and writes between one pair as separate curves with separate labels', async () => {
    const { page } = await openPage(browser, server.url, { width: 1600, height: 900 });
    await page.waitForSelector('.map-stage[data-settling="false"]', { timeout: 30_000 });
    const reads = 'service:checkout|reads|database:postgresql:shop';
    const writes = 'service:checkout|writes|database:postgresql:shop';
    const mid = (id: string) =>
      page.$eval(`g.edge[data-edge-id="${id}"] path.edge-line`, (p) => {
        const path = p as SVGPathElement;
        const m = path.getPointAtLength(path.getTotalLength() / 2);
        return [m.x, m.y];
      });
    const [a, b] = [await mid(reads), await mid(writes)];
    assert.ok(Math.hypot(a[0] - b[0], a[1] - b[1]) > 20, `lanes ${a.join(',')} and ${b.join(',')} are too close`);
    for (const id of [reads, writes]) assert.equal(await page.getAttribute(`g.edge[data-edge-id="${id}"] text.edge-label`, 'data-placed'), 'true');
    // A failing edge stands out: the error colour's arrowhead and its error share on the label.
    const failing = 'g.edge[data-edge-id="service:web|calls|service:checkout"]';
    assert.equal(await page.getAttribute(`${failing} path.edge-line`, 'marker-end'), 'url(#arrow-error)');
    assert.match((await page.textContent(`${failing} text.edge-label`)) ?? '', /6\.5% err/);
    await page.close();
  });

  it('keeps existing nodes in place when a new one arrives', async () => {
    const { page } = await openPage(browser, server.url, { width: 1080, height: 700 });
    await page.waitForSelector('.map-stage[data-settling="false"]', { timeout: 30_000 });
    const ids = graph.nodes.map((n) => n.id);
    const before = await Promise.all(ids.map((id) => page.getAttribute(nodeSel(id), 'transform')));
    const late = node('service:latecomer', 'service', 50);
    server.push({ type: 'delta', delta: { nodes: [late], edges: [edge(late.id, 'calls', 'service:checkout', 50)], flows: [], removedNodeIds: [], removedEdgeIds: [], removedFlowNames: [], stats: graph.stats } });
    await page.waitForSelector(nodeSel('service:latecomer'));
    await page.waitForSelector('.map-stage[data-settling="false"]', { timeout: 30_000 });
    for (const [i, id] of ids.entries()) {
      const [x0, y0] = translateOf(before[i]);
      const [x1, y1] = translateOf(await page.getAttribute(nodeSel(id), 'transform'));
      assert.ok(Math.hypot(x1 - x0, y1 - y0) <= 3, `${id} moved from ${x0},${y0} to ${x1},${y1}`);
    }
    assert.deepEqual(await overlappingTexts(page), []);
    await page.close();
  });

  it('has a legend naming node kinds and relations in the map symbols, collapsible by keyboard', async () => {
    const { page } = await openPage(browser, server.url, { width: 1080, height: 700 });
    const legend = page.locator('details.legend');
    const text = (await legend.textContent()) ?? '';
    for (const word of ['service', 'database', 'queue', 'external peer', 'calls', 'reads', 'writes', 'publishes', 'consumes', 'failing']) assert.ok(text.includes(word), `legend lacks ${word}`);
    assert.equal(await page.locator('details.legend .legend-kind-database path.node-shape').count(), 1);
    assert.equal(await legend.getAttribute('open'), '');
    await page.focus('details.legend summary');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.querySelector<HTMLDetailsElement>('details.legend')!.open);
    // The details element's toggle event (which saves the choice) comes a task after `open` changes.
    await page.waitForFunction(() => (JSON.parse(localStorage.getItem('otelFlowMap.ui') ?? '{}') as { legendOpen?: boolean }).legendOpen === false);
    // The choice survives a reload.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.locator('details.legend').getAttribute('open'), null);
    await page.focus('details.legend summary');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector<HTMLDetailsElement>('details.legend')!.open);
    await page.close();
  });

  it('filters by attribute key=value and by traffic, and exports only what is shown', async () => {
    const { page } = await openPage(browser, server.url, { width: 1600, height: 900 });
    await page.waitForSelector(nodeSel('service:payments'));
    // A span attribute the runtime reported on the edge.
    await page.fill('input.filter-attribute', 'http.route=/checkout');
    await page.waitForSelector(nodeSel('service:payments'), { state: 'detached' });
    assert.ok(await page.$(nodeSel('service:web')));
    // A constant attribute of the code site that emits the edge's span.
    await page.fill('input.filter-attribute', 'http.route=/charge');
    await page.waitForSelector(nodeSel('service:payments'));
    assert.equal(await page.locator('g.edge').count(), 1);
    // A resource attribute of a service: its edges stay.
    await page.fill('input.filter-attribute', 'deployment.environment=staging');
    await page.waitForSelector(nodeSel('service:web'));
    assert.equal(await page.locator('g.edge').count(), 2);
    await page.selectOption('select.export-format', 'mermaid');
    await page.click('button.export');
    const mermaid = await page.inputValue('textarea.export-text');
    assert.ok(mermaid.includes('"web"') && mermaid.includes('"checkout"') && !mermaid.includes('payments'), mermaid);
    await page.click('dialog.export-dialog button:has-text("Close")');
    await page.fill('input.filter-attribute', '');
    await page.waitForSelector(nodeSel('service:payments'));
    // billing sends 20 spans over a minute: under 100 requests/min it goes.
    await page.fill('input.filter-min-rate', '100');
    await page.press('input.filter-min-rate', 'Enter');
    await page.waitForSelector(nodeSel('service:billing'), { state: 'detached' });
    assert.ok(await page.$(nodeSel('service:checkout')));
    await page.fill('input.filter-min-rate', '');
    await page.press('input.filter-min-rate', 'Enter');
    await page.waitForSelector(nodeSel('service:billing'));
    await page.close();
  });

  it('focuses one node with its 1–3 hop neighbourhood from the keyboard, and clears it', async () => {
    const { page } = await openPage(browser, server.url, { width: 1080, height: 700 });
    await page.focus(nodeSel('service:payments'));
    await page.keyboard.press('Enter');
    await page.waitForSelector('.details[data-selection="node"]');
    await page.focus('.details button.focus-hops[data-hops="1"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector(nodeSel('service:web'), { state: 'detached' });
    const shown = (await page.$$eval('g.node', (ns) => ns.map((n) => n.getAttribute('data-node-id')))).sort();
    assert.deepEqual(shown, ['external:api.stripe.com', 'service:checkout', 'service:payments']);
    assert.match((await page.textContent('.focus-chip')) ?? '', /Focus: payments ±1/);
    await page.click('.details button.focus-hops[data-hops="2"]');
    await page.waitForSelector(nodeSel('service:web'));
    assert.equal(await page.$(nodeSel('service:notifications')), null, 'three hops away');
    await page.focus('button.focus-clear');
    await page.keyboard.press('Enter');
    await page.waitForSelector(nodeSel('service:notifications'));
    await page.close();
  });

  it('lists a service’s span sites with file:line, span name and live count, linked to vscode://file/ in the browser', async () => {
    const { page } = await openPage(browser, server.url, { width: 1600, height: 900 });
    await page.click(`${nodeSel('service:checkout')} path.node-shape`);
    const inItem = page.locator('a.code-link[data-file="services/checkout.ts"][data-line="12"]');
    const link = page.locator('.details ul.span-sites').locator(inItem);
    await link.waitFor();
    assert.equal(await link.textContent(), 'services/checkout.ts:12');
    assert.equal(await link.getAttribute('href'), 'vscode://file/home/dev/shop/services/checkout.ts:12:5');
    const item = (await page.locator('.details ul.span-sites li', { has: inItem }).textContent()) ?? '';
    assert.match(item, /INSERT orders\s*1\.9k live/);
    // An edge opens the site that emits it.
    await page.dispatchEvent('g.edge[data-edge-id="service:payments|calls|external:api.stripe.com"] path.edge-hit', 'click');
    await page.waitForSelector('.details .code-locations a.code-link[data-file="services/payments.ts"][data-line="8"]');
    await page.close();
  });

  it('places canvas labels (above 400 nodes) without overlaps', async () => {
    const big = syntheticGraph(600);
    const canvasServer = await startPageServer({ type: 'init', host: 'browser', graph: big, receiver: { state: 'listening' }, sites: [] });
    try {
      const { page } = await openPage(browser, canvasServer.url, { width: 1080, height: 700 });
      await page.waitForSelector('.map-stage[data-settling="false"]', { timeout: 40_000 });
      await page.mouse.move(300, 300);
      for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -300);
      await page.waitForSelector('canvas.map-canvas[data-labels]:not([data-labels="0"])', { timeout: 10_000 });
      const overlaps = await page.$eval('canvas.map-canvas', (c) => {
        const boxes = [...((c as unknown as { labelBoxes: Map<string, { x0: number; y0: number; x1: number; y1: number }> }).labelBoxes.values())];
        let n = 0;
        for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) if (boxes[i].x0 < boxes[j].x1 && boxes[j].x0 < boxes[i].x1 && boxes[i].y0 < boxes[j].y1 && boxes[j].y0 < boxes[i].y1) n++;
        return n;
      });
      assert.equal(overlaps, 0);
      await page.close();
    } finally {
      await canvasServer.close();
    }
  });
});
