// The flow view's Run select in headless Chromium against the real `serve`, fed by the real
// OTel JS SDK: two runs of one 3-step flow take different paths; choosing one highlights its
// steps and transitions only and lists its steps in the details panel. Nothing sleeps.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { FromWebview, ToWebview } from '../../common/src/protocol';
import { launchChromium, openPage } from './support/browser';
import { sdkService, postMessage, startServe, type SdkService, type Serve } from './support/serve';
import { waitFor } from '../support/waitFor';

const FLOW = 'checkout.place_order';
/** Hostile on purpose: run ids are shown as text only. */
const HOSTILE_RUN = '<img src=x onerror="window.__pwned=1">';

describe('map webview: highlight one flow run (Chromium + serve)', function () {
  this.timeout(60_000);
  let serve: Serve;
  let browser: Browser;
  let shop: SdkService;

  const message = (m: FromWebview): Promise<ToWebview[]> => postMessage(serve, m);
  const runStep = (runId: string, step: string, start: number, end: number, error = false): void => {
    const span = shop.tracer.startSpan(step, { startTime: start, attributes: { 'coordimap.flow.name': FLOW, 'coordimap.flow.step': step, 'coordimap.flow.run_id': runId } });
    if (error) span.setStatus({ code: 2 });
    span.end(end);
  };

  before(async () => {
    serve = await startServe();
    browser = await launchChromium();
    shop = sdkService('shop', serve.http);
    const t0 = Date.now() - 10_000;
    // Run A: validate -> pay -> ship. Run B: validate -> ship (pay skipped), failing at ship.
    runStep('run-a', 'validate', t0, t0 + 5);
    runStep('run-a', 'pay', t0 + 10, t0 + 30);
    runStep('run-a', 'ship', t0 + 40, t0 + 60);
    runStep(HOSTILE_RUN, 'validate', t0 + 1000, t0 + 1004);
    runStep(HOSTILE_RUN, 'ship', t0 + 1010, t0 + 1090, true);
    await shop.flush();
  });

  after(async () => {
    await shop?.shutdown();
    await browser?.close();
    await serve?.stop();
  });

  it('answers requestRuns on POST /api/message with the runs newest first', async () => {
    const runs = await waitFor('two runs', async () => {
      const [answer] = await message({ type: 'requestRuns', requestId: 9, flow: FLOW });
      assert.equal(answer.type, 'runs');
      return answer.type === 'runs' && answer.runs.length === 2 ? answer : undefined;
    }, 15_000);
    assert.equal(runs.requestId, 9);
    assert.equal(runs.flow, FLOW);
    assert.deepEqual(runs.runs.map((r) => r.runId), [HOSTILE_RUN, 'run-a']);
    assert.deepEqual(runs.runs[1].steps.map((s) => [s.step, s.service, s.durationMs]), [['validate', 'shop', 5], ['pay', 'shop', 20], ['ship', 'shop', 20]]);
    assert.equal(runs.runs[0].error, true);
    const res = await fetch(`${serve.ui}api/message`, { method: 'POST', body: JSON.stringify({ type: 'requestRuns', requestId: 1, flow: '' }) });
    assert.equal(res.status, 400);
  });

  it('highlights the chosen run\'s path and lists its steps; "All runs" clears it', async () => {
    const { page, problems } = await openPage(browser, serve.ui);
    await page.click('button[data-view="flow"]');
    await page.click(`button.flow-item[data-flow="${FLOW}"]`);
    await page.waitForSelector('select.run-select option[value="run-a"]', { state: 'attached' });
    const options = await page.$$eval('select.run-select option', (os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent, o.getAttribute('data-error')]));
    assert.equal(options.length, 3);
    assert.deepEqual(options.map((o) => o[0]), ['', HOSTILE_RUN, 'run-a']);
    assert.match(options[1][1] ?? '', /^✖ <img src=x onerror="window.__pwned=1"> · 2 steps · 90\.0 ms · error$/);
    assert.equal(options[1][2], 'true');
    assert.match(options[2][1] ?? '', /^run-a · 3 steps · 60\.0 ms$/);
    assert.equal(await page.locator('g.step[data-on-run]').count(), 0);

    const onRun = async () => Object.fromEntries(await page.$$eval('g.step', (gs) => gs.map((g): [string, string | null] => [String(g.getAttribute('data-step')), g.getAttribute('data-on-run')])));
    const transitionsOnRun = async () => (await page.$$eval('g.transition[data-on-run="true"]', (gs) => gs.map((g) => `${g.getAttribute('data-from')}>${g.getAttribute('data-to')}`))).sort();

    await page.selectOption('select.run-select', HOSTILE_RUN);
    await page.waitForSelector('g.step[data-step="pay"][data-on-run="false"]');
    assert.deepEqual(await onRun(), { validate: 'true', pay: 'false', ship: 'true' });
    assert.deepEqual(await transitionsOnRun(), ['validate>ship']);
    assert.equal(await page.getAttribute('.details', 'data-selection'), 'run');
    assert.equal(await page.textContent('.details .run-id'), HOSTILE_RUN);
    assert.deepEqual(await page.$$eval('.details .run-steps tbody tr', (rows) => rows.map((r) => Array.from(r.querySelectorAll('td'), (td) => td.textContent))), [
      ['validate', 'shop', '+0.00 ms', '4.0 ms'],
      ['ship (error)', 'shop', '+10.0 ms', '80.0 ms'],
    ]);
    assert.equal(await page.locator('.details img, select.run-select img').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);

    await page.selectOption('select.run-select', 'run-a');
    await page.waitForSelector('g.step[data-step="pay"][data-on-run="true"]');
    assert.deepEqual(await onRun(), { validate: 'true', pay: 'true', ship: 'true' });
    assert.deepEqual(await transitionsOnRun(), ['pay>ship', 'validate>pay']);
    assert.equal(await page.locator('g.transition[data-from="validate"][data-to="ship"][data-on-run="false"]').count(), 1);

    await page.selectOption('select.run-select', '');
    await page.waitForSelector('g.step[data-step="pay"]:not([data-on-run])');
    assert.equal(await page.locator('svg.flow-svg.has-run').count(), 0);
    assert.equal(await page.getAttribute('.details', 'data-selection'), 'none');
    assert.deepEqual(problems, []);
  });
});
