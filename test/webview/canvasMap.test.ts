// The canvas renderer (above 400 nodes) in Chromium: items silent for the whole window drawn
// dimmed like the SVG renderer's, edge labels where they fit without covering other text, the
// selection's edges labelled first, and label text that changed never drawn over old text.
// A synthetic graph through the stand-in page server; the window answer marks every fifth node
// (and its edges) silent.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { Graph, WindowNumbers } from '../../common/src/graph';
import type { FromWebview, ToWebview } from '../../common/src/protocol';
import { launchChromium, openPage } from './support/browser';
import { syntheticGraph } from './support/graphs';
import { startPageServer, type PageServer } from './support/pageServer';

type Box = { x0: number; y0: number; x1: number; y1: number };
type Hooks = HTMLCanvasElement & { labelBoxes: Map<string, Box>; edgeLabelBoxes: Map<string, Box>; edgeLabelText: Map<string, string>; positions: Map<string, { x: number; y: number }>; transform: { x: number; y: number; k: number } };

const graph = syntheticGraph(600);
const idleNodes = new Set(graph.nodes.filter((_, i) => i % 5 === 0).map((n) => n.id));
const isIdleEdge = (e: Graph['edges'][number]) => idleNodes.has(e.source) || idleNodes.has(e.target);
/** Spans of each busy edge in the window (the last test raises it). */
let busyCount = 60;

function windowed(): Graph {
  const numbers = (count: number): WindowNumbers => ({ count, errors: 0, ratePerSec: count / 60, p50Ms: 12, p95Ms: 48, p99Ms: 90 });
  return {
    ...graph,
    nodes: graph.nodes.map((n) => ({ ...n, window: numbers(idleNodes.has(n.id) ? 0 : 120) })),
    edges: graph.edges.map((e) => ({ ...e, window: numbers(isIdleEdge(e) ? 0 : busyCount) })),
    window: { ms: 60_000 },
  };
}

function answer(m: FromWebview): ToWebview[] {
  if (m.type === 'requestWindow') return [{ type: 'window', requestId: m.requestId, windowMs: m.windowMs, graph: windowed() }];
  if (m.type === 'requestSpans') return [{ type: 'spans', requestId: m.requestId, spans: [] }];
  return [];
}

/** Zooms in around the middle of the canvas to a readable zoom (labels from 1.1) that still shows many nodes. */
async function zoomIn(page: Page): Promise<void> {
  const box = (await page.locator('canvas.map-canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 20; i++) {
    const k = await page.$eval('canvas.map-canvas', (c) => (c as Hooks).transform?.k ?? 0);
    if (k >= 1.4) break;
    await page.mouse.wheel(0, -60);
    await page.waitForSelector('canvas.map-canvas[data-picture="sharp"]');
  }
  await page.waitForSelector('canvas.map-canvas[data-picture="sharp"][data-labels]:not([data-labels="0"])', { timeout: 10_000 });
}

/** Clicks the busy node nearest the middle of the view and waits until one of its edges is labelled; returns its id. */
async function selectMiddleNode(page: Page): Promise<string> {
  const target = await page.$eval('canvas.map-canvas', (c, idle) => {
    const el = c as Hooks;
    let best: { id: string; x: number; y: number; d: number } | null = null;
    for (const [id, p] of el.positions) {
      if (idle.includes(id)) continue;
      const x = p.x * el.transform.k + el.transform.x;
      const y = p.y * el.transform.k + el.transform.y;
      const d = Math.hypot(x - el.clientWidth / 2, y - el.clientHeight / 2);
      if (!best || d < best.d) best = { id, x, y, d };
    }
    return best!;
  }, [...idleNodes]);
  const box = (await page.locator('canvas.map-canvas').boundingBox())!;
  await page.mouse.click(box.x + target.x, box.y + target.y);
  await page.waitForSelector('.details[data-selection="node"]');
  const own = graph.edges.filter((e) => e.source === target.id || e.target === target.id).map((e) => e.id);
  assert.ok(own.length > 0);
  await page.waitForFunction((ids) => {
    const labelled = (document.querySelector('canvas.map-canvas') as Hooks).edgeLabelBoxes;
    return ids.some((id) => labelled.has(id));
  }, own, { timeout: 10_000 });
  return target.id;
}

describe('canvas map: idle items, edge labels', function () {
  this.timeout(90_000);
  let server: PageServer;
  let browser: Browser;

  before(async () => {
    server = await startPageServer({ type: 'init', host: 'browser', graph, receiver: { state: 'listening', http: '127.0.0.1:4318' }, sites: [] }, answer);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('draws nodes and edges silent for the whole window dimmed', async () => {
    const { page, problems } = await openPage(browser, server.url, { width: 1080, height: 700 });
    await page.waitForSelector('.map-stage[data-settling="false"]', { timeout: 40_000 });
    const idleCount = idleNodes.size + graph.edges.filter(isIdleEdge).length;
    await page.waitForSelector(`canvas.map-canvas[data-idle="${idleCount}"]`, { timeout: 10_000 });
    await zoomIn(page);
    // The canvas is transparent where nothing is drawn (the page's background shows through): the
    // opacity around each node's centre (the median of 5x5 pixels, so a line across it does not
    // count) is lower for an idle node.
    const contrast = await page.$eval('canvas.map-canvas', (c, idle) => {
      const el = c as Hooks;
      const dpr = window.devicePixelRatio || 1;
      const image = el.getContext('2d')!.getImageData(0, 0, el.width, el.height);
      const out: { idle: number[]; busy: number[] } = { idle: [], busy: [] };
      for (const [id, p] of el.positions) {
        const x = Math.round((p.x * el.transform.k + el.transform.x) * dpr);
        const y = Math.round((p.y * el.transform.k + el.transform.y) * dpr);
        if (x < 4 || y < 4 || x > el.width - 4 || y > el.height - 4) continue;
        const alphas: number[] = [];
        for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) alphas.push(image.data[((y + dy) * el.width + x + dx) * 4 + 3]);
        alphas.sort((a, b) => a - b);
        (idle.includes(id) ? out.idle : out.busy).push(alphas[12]);
      }
      return out;
    }, [...idleNodes]);
    assert.ok(contrast.idle.length >= 3 && contrast.busy.length >= 3, JSON.stringify(contrast));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    assert.equal(median(contrast.busy), 255, `busy nodes are opaque: ${JSON.stringify(contrast)}`);
    assert.ok(median(contrast.idle) < 0.6 * 255, `idle nodes are dimmed: ${JSON.stringify(contrast)}`);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('labels names and the selected node\'s edges: no label covers another label or leaves the view', async () => {
    const { page, problems } = await openPage(browser, server.url, { width: 1600, height: 900 });
    await page.waitForSelector('.map-stage[data-settling="false"]', { timeout: 40_000 });
    await zoomIn(page);
    const overlapping = (): Promise<number> =>
      page.$eval('canvas.map-canvas', (c) => {
        const el = c as Hooks;
        const boxes = [...el.labelBoxes.values(), ...el.edgeLabelBoxes.values()];
        const t = el.transform;
        const view = { x0: -t.x / t.k, y0: -t.y / t.k, x1: (el.clientWidth - t.x) / t.k, y1: (el.clientHeight - t.y) / t.k };
        let n = boxes.filter((b) => b.x0 < view.x0 || b.y0 < view.y0 || b.x1 > view.x1 || b.y1 > view.y1).length;
        for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) if (boxes[i].x0 < boxes[j].x1 && boxes[j].x0 < boxes[i].x1 && boxes[i].y0 < boxes[j].y1 && boxes[j].y0 < boxes[i].y1) n++;
        return n;
      });
    assert.equal(await overlapping(), 0);
    // The node nearest the middle of the view: its edges' labels come before all other labels but its own.
    await selectMiddleNode(page);
    assert.equal(await overlapping(), 0);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('redraws in full (never new text over old) when an update changes a label shown', async () => {
    const { page } = await openPage(browser, server.url, { width: 1080, height: 700 });
    await page.waitForSelector('.map-stage[data-settling="false"]', { timeout: 40_000 });
    await zoomIn(page);
    await selectMiddleNode(page);
    const before = await page.$eval('canvas.map-canvas', (c) => [...(c as Hooks).edgeLabelText.values()]);
    assert.ok(before.length > 0 && !before.some((t) => t.includes('100/s')), JSON.stringify(before));
    // Busier edges: the next window answer (asked again after a delta) changes every busy edge's rate.
    busyCount = 6000;
    const e = graph.edges[0];
    server.push({ type: 'delta', delta: { nodes: [], edges: [{ ...e, count: e.count + 1 }], flows: [], removedNodeIds: [], removedEdgeIds: [], removedFlowNames: [], stats: graph.stats } });
    const after = await page.waitForFunction(() => {
      const c = document.querySelector('canvas.map-canvas') as Hooks;
      return [...c.edgeLabelText.values()].some((t) => t.includes('100/s')) && c.dataset.draw;
    }, undefined, { timeout: 20_000 });
    assert.equal(await after.jsonValue(), 'full', 'changed labels are drawn on a cleared canvas');
    await page.close();
  });
});
