// The toolbar's time window in headless Chromium against the real `serve`, fed by the real
// OTel JS SDK with explicit span times: "Last 5 min" hides the edge whose spans ended ten
// minutes ago, keeps the fresh one, survives a reload, and "All" brings the old edge back.
import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import type { Browser } from 'playwright-core';
import type { FromWebview, ToWebview } from '../../common/src/protocol';
import { launchChromium, openPage } from './support/browser';
import { sdkService, postMessage, startServe, type SdkService, type Serve } from './support/serve';
import { waitFor } from '../support/waitFor';

const OLD_EDGE = 'service:shop|reads|database:postgresql:archive';
const FRESH_EDGE = 'service:shop|reads|database:postgresql:orders';
const FIVE_MIN = String(5 * 60_000);
const edgeSel = (id: string): string => `g.edge[data-edge-id="${id}"]`;

describe('map webview: time window (Chromium + serve)', function () {
  this.timeout(60_000);
  let serve: Serve;
  let browser: Browser;
  let shop: SdkService;

  const message = (m: FromWebview): Promise<ToWebview[]> => postMessage(serve, m);
  const read = (db: string, endMs: number): void => {
    const span = shop.tracer.startSpan(`SELECT ${db}`, {
      kind: SpanKind.CLIENT, startTime: endMs - 20, attributes: { 'db.system.name': 'postgresql', 'db.namespace': db, 'db.operation.name': 'SELECT' },
    });
    span.end(endMs);
  };

  before(async () => {
    serve = await startServe();
    browser = await launchChromium();
    shop = sdkService('shop', serve.http);
    read('archive', Date.now() - 10 * 60_000);
    read('orders', Date.now() - 1_000);
    await shop.flush();
  });

  after(async () => {
    await shop?.shutdown();
    await browser?.close();
    await serve?.stop();
  });

  it('answers requestWindow on POST /api/message with the windowed graph, and refuses bad windows', async () => {
    const [all] = await waitFor('both edges', async () => {
      const answer = await message({ type: 'requestWindow', requestId: 3, windowMs: null });
      return answer[0]?.type === 'window' && answer[0].graph.edges.length === 2 ? answer : undefined;
    }, 15_000);
    assert.equal(all.type === 'window' && all.windowMs, null);
    const [recent] = await message({ type: 'requestWindow', requestId: 4, windowMs: 5 * 60_000 });
    assert.equal(recent.type, 'window');
    if (recent.type !== 'window') return;
    assert.equal(recent.requestId, 4);
    assert.deepEqual(recent.graph.window, { ms: 5 * 60_000 });
    assert.deepEqual(recent.graph.edges.filter((e) => e.window!.count > 0).map((e) => e.id), [FRESH_EDGE]);
    assert.equal(recent.graph.edges.find((e) => e.id === OLD_EDGE)!.window!.ratePerSec, 0, 'the old edge stays, idle');
    const res = await fetch(`${serve.ui}api/message`, { method: 'POST', body: JSON.stringify({ type: 'requestWindow', requestId: 5, windowMs: -1 }) });
    assert.equal(res.status, 400);
  });

  it('"Last 5 min" draws the old edge idle (dimmed, "idle 10m") and the fresh one live; the choice survives a reload; "Since start" shows both live', async () => {
    const { page, problems } = await openPage(browser, serve.ui);
    await page.waitForSelector(edgeSel(OLD_EDGE));
    await page.waitForSelector(edgeSel(FRESH_EDGE));
    assert.match((await page.getAttribute('select.window', 'title')) ?? '', /stay since start/, 'the tooltip says what stays all-time');
    // The default is the last minute: the 10-minute-old edge is idle already.
    await page.waitForSelector(`${edgeSel(OLD_EDGE)}.is-idle`);

    await page.selectOption('select.window', FIVE_MIN);
    await page.waitForSelector(`${edgeSel(OLD_EDGE)}.is-idle`);
    assert.match((await page.textContent(`${edgeSel(OLD_EDGE)} .edge-label`)) ?? '', /idle 1\dm/);
    assert.equal(await page.locator(`${edgeSel(FRESH_EDGE)}.is-idle`).count(), 0);
    assert.match((await page.textContent('g.node[data-node-id="database:postgresql:archive"] .node-label')) ?? '', /postgresql archive · idle 1\dm/, 'the old database node is idle too');
    assert.match((await page.getAttribute('g.node[data-node-id="database:postgresql:archive"]', 'class')) ?? '', /is-idle/);

    await page.reload();
    await page.waitForSelector(edgeSel(FRESH_EDGE));
    assert.equal(await page.inputValue('select.window'), FIVE_MIN);
    await page.waitForSelector(`${edgeSel(OLD_EDGE)}.is-idle`);

    // New live traffic on the old edge brings it back into the window (refresh on deltas).
    read('archive', Date.now());
    await shop.flush();
    await page.waitForSelector(`${edgeSel(OLD_EDGE)}:not(.is-idle)`);

    await page.selectOption('select.window', '');
    await page.waitForSelector(`${edgeSel(OLD_EDGE)}:not(.is-idle)`);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
