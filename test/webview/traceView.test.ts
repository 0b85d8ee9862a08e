// The trace view fed demo-like traces (a declined card with its exception, stack trace and logs,
// a consumer trace linking to the producer's span, hostile names) through the stand-in page
// server: the same page, CSP and protocol as serve, with trace shapes no test service sends.
// traces.test.ts drives the same view against the real serve and real SDK spans.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { FromWebview, ToWebview } from '../../common/src/protocol';
import type { TraceDetail } from '../../common/src/traces';
import { launchChromium, openPage } from './support/browser';
import { CHARGE_SPAN, CHECKOUT_TRACE, checkoutTrace, demoTraceList, NOTIFY_TRACE, notifyTrace, PUBLISH_SPAN } from './support/demoTrace';
import { startPageServer, type PageServer } from './support/pageServer';
import { shopGraph, shopSites } from './support/shopGraph';
import { openTraceFrom, overlappingTraceTexts, truncatedWithoutTitle } from './support/traceChecks';

const HOSTILE = '<img src=x onerror=window.__xss=1>';
const HOSTILE_TRACE = 'deadbeefdeadbeefdeadbeefdeadbeef';
const FAILING_EDGE = 'service:web|calls|service:checkout';

function hostileTrace(): TraceDetail {
  const t = notifyTrace();
  t.traceId = HOSTILE_TRACE;
  t.spans[0].name = HOSTILE;
  t.spans[0].service = HOSTILE;
  t.logs[0].body = HOSTILE;
  return t;
}

const BIG_TRACE = 'b16b16b16b16b16b16b16b16b16b16b1';

/** 2,100 spans, three children each: over the view's 2,000-span cap. */
function bigTrace(): TraceDetail {
  const t = checkoutTrace();
  const spans = Array.from({ length: 2100 }, (_, i) => ({ ...t.spans[0], spanId: `b${i}`, parentSpanId: i ? `b${Math.floor((i - 1) / 3)}` : undefined, name: `step ${i}`, service: `svc-${i % 9}`, startMs: t.spans[0].startMs + i, durationMs: 3000 - i, events: [] }));
  return { traceId: BIG_TRACE, spans, logs: [] };
}

/** Traces lasting these many milliseconds, to check the time axis of each. */
const DURATIONS = [0.4, 7.3, 100.4, 134, 412, 999, 1517, 73_000];
const durationTraceId = (ms: number): string => `d${String(ms).replace('.', 'f')}`.padEnd(32, '0');

function durationTrace(ms: number): TraceDetail {
  const t = notifyTrace();
  t.traceId = durationTraceId(ms);
  t.spans[0].durationMs = ms;
  t.spans[1].durationMs = ms / 3;
  t.spans[2].durationMs = ms / 9;
  return t;
}

const TRACES: Record<string, () => TraceDetail> = {
  [CHECKOUT_TRACE]: checkoutTrace,
  [NOTIFY_TRACE]: notifyTrace,
  [HOSTILE_TRACE]: hostileTrace,
  [BIG_TRACE]: bigTrace,
  ...Object.fromEntries(DURATIONS.map((ms) => [durationTraceId(ms), () => durationTrace(ms)])),
};

function answer(m: FromWebview): ToWebview[] {
  switch (m.type) {
    case 'requestSpans':
      return [{ type: 'spans', requestId: m.requestId, spans: [] }];
    case 'requestTraces':
      return [{ type: 'traces', requestId: m.requestId, result: { traces: [...demoTraceList(), { traceId: HOSTILE_TRACE, rootName: HOSTILE, rootService: HOSTILE, startMs: 0, durationMs: 5, spanCount: 3, errorCount: 0 }, { traceId: BIG_TRACE, rootName: 'step 0', rootService: 'svc-0', startMs: 0, durationMs: 3000, spanCount: 2100, errorCount: 0 }] } }];
    case 'requestTrace':
      return [{ type: 'trace', requestId: m.requestId, trace: TRACES[m.traceId]?.() ?? null }];
    default:
      return [];
  }
}

async function openFailingTrace(page: Page): Promise<void> {
  await page.waitForSelector(`g.edge[data-edge-id="${FAILING_EDGE}"]`);
  await openTraceFrom(page, `g.edge[data-edge-id="${FAILING_EDGE}"] path.edge-hit`, CHECKOUT_TRACE);
  // Failing first: the first entry is the trace with errors.
  const first = page.locator('.details .trace-list li').first().locator('button.trace-item');
  assert.equal(await first.getAttribute('data-trace-id'), CHECKOUT_TRACE);
  assert.match((await first.getAttribute('class')) ?? '', /is-error/);
}

describe('trace view (Chromium, demo-like traces through the stand-in host)', function () {
  this.timeout(60_000);
  let server: PageServer;
  let browser: Browser;

  before(async () => {
    server = await startPageServer({ type: 'init', host: 'browser', graph: shopGraph(), receiver: { state: 'listening', http: '127.0.0.1:4318' }, sites: shopSites(), root: '/home/dev/shop' }, answer);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens a trace from a failing edge and shows the exception under its span, stack trace collapsed', async () => {
    const { page, problems } = await openPage(browser, server.url, { width: 1080, height: 700 });
    await openFailingTrace(page);
    assert.equal(await page.getAttribute('body', 'data-view'), 'trace');
    const asked = server.received.filter((m): m is Extract<FromWebview, { type: 'requestTraces' }> => m.type === 'requestTraces').at(-1)!;
    assert.equal(asked.query.edgeId, FAILING_EDGE);
    const extras = page.locator(`.wf-extras-row[data-for-span="${CHARGE_SPAN}"]`);
    assert.equal(await extras.locator('.exception-type').textContent(), 'CardDeclinedError');
    assert.equal(await extras.locator('.exception-message').textContent(), 'card_declined: insufficient funds');
    assert.deepEqual(await extras.locator('.wf-logs .log-severity').allTextContents(), ['WARN', 'ERROR']);
    const stack = extras.locator('details.wf-stack');
    assert.equal(await stack.getAttribute('open'), null);
    await stack.locator('summary').click();
    assert.match((await stack.locator('pre').textContent()) ?? '', /at chargeCard \(\/home\/dev\/shop\/demo\/services\/payments\.mjs:41:13\)/);
    // Errors red, the critical path marked, spans in tree order with their depth.
    const row = page.locator(`.wf-span[data-span-id="${CHARGE_SPAN}"]`);
    assert.match((await row.getAttribute('class')) ?? '', /is-error.*is-critical|is-critical.*is-error/);
    assert.equal(await row.getAttribute('aria-level'), '7');
    assert.equal(await page.locator('.wf-span[data-depth="0"]').count(), 1);
    assert.match((await page.getAttribute('.wf-span:has-text("inventory.reserve_stock")', 'class')) ?? '', /^(?!.*is-critical)/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a host focus on a trace (CodeLens "open a recent trace") opens it in the trace view', async () => {
    const { page, problems } = await openPage(browser, server.url, { width: 1080, height: 700 });
    await page.waitForSelector(`g.edge[data-edge-id="${FAILING_EDGE}"]`);
    server.push({ type: 'focus', target: { kind: 'trace', traceId: CHECKOUT_TRACE } });
    await page.waitForSelector(`.trace-view[data-state="shown"][data-trace-id="${CHECKOUT_TRACE}"]`);
    assert.ok(server.received.some((m) => m.type === 'requestTrace' && m.traceId === CHECKOUT_TRACE));
    assert.equal(await page.getAttribute('body', 'data-view'), 'trace');
    assert.equal(await page.locator(`.wf-span[data-span-id="${CHARGE_SPAN}"]`).count(), 1);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('sends openLocation for a span’s line and links it as vscode://file/ in the browser', async () => {
    const { page } = await openPage(browser, server.url, { width: 1600, height: 900 });
    await openFailingTrace(page);
    const link = page.locator(`.wf-span[data-span-id="${CHARGE_SPAN}"] .wf-code a.code-link`);
    assert.equal(await link.textContent(), 'payments.mjs:38');
    assert.equal(await link.getAttribute('href'), 'vscode://file/home/dev/shop/demo/services/payments.mjs:38:5');
    const before = server.received.length;
    // The link opens outside the page; keep the test page from following it.
    await page.evaluate(() => document.addEventListener('click', (e) => e.preventDefault(), { once: true }));
    await link.click();
    await page.waitForFunction(() => document.querySelector('.notice')?.textContent?.startsWith('demo/services/payments.mjs:38'));
    const sent = server.received.slice(before).find((m) => m.type === 'openLocation');
    assert.deepEqual(sent, { type: 'openLocation', location: { file: 'demo/services/payments.mjs', line: 38, column: 5, source: 'static' } });
    // Clicking the span shows its attributes and the same code line in the span pane.
    await page.click(`.wf-span[data-span-id="${CHARGE_SPAN}"] .wf-span-name`);
    await page.waitForSelector(`.trace-view[data-selected-span="${CHARGE_SPAN}"]`);
    assert.equal(await page.textContent('.span-pane .span-pane-title'), 'payments.charge_card');
    assert.match((await page.textContent('.span-pane table.span-attributes')) ?? '', /payment\.currency\s*EUR/);
    assert.equal(await page.getAttribute('.span-pane .span-code .code-link', 'data-line'), '38');
    await page.close();
  });

  it('follows a span link to the linked trace, selects the linked span, and goes back', async () => {
    const { page } = await openPage(browser, server.url, { width: 1080, height: 700 });
    await page.dispatchEvent(`g.edge[data-edge-id="${FAILING_EDGE}"] path.edge-hit`, 'click');
    await page.click(`.details button.trace-item[data-trace-id="${NOTIFY_TRACE}"]`);
    await page.waitForSelector(`.trace-view[data-state="shown"][data-trace-id="${NOTIFY_TRACE}"]`);
    // The consumer span has a link: its badge opens the block with the link.
    await page.click('.wf-span:has-text("orders.placed process") .wf-badge.is-link');
    const follow = page.locator(`.wf-extras-row button.follow-link[data-trace-id="${CHECKOUT_TRACE}"]`);
    await follow.click();
    await page.waitForSelector(`.trace-view[data-state="shown"][data-trace-id="${CHECKOUT_TRACE}"][data-selected-span="${PUBLISH_SPAN}"]`);
    assert.ok(server.received.some((m) => m.type === 'requestTrace' && m.traceId === CHECKOUT_TRACE));
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-span-id')), PUBLISH_SPAN);
    await page.click('button.trace-back');
    await page.waitForSelector(`.trace-view[data-state="shown"][data-trace-id="${NOTIFY_TRACE}"]`);
    await page.close();
  });

  it('is a keyboard-navigable treegrid: arrows move and fold, Enter opens a span’s block, Escape closes the trace', async () => {
    const { page } = await openPage(browser, server.url, { width: 1080, height: 700 });
    await openFailingTrace(page);
    assert.equal(await page.getAttribute('.waterfall', 'role'), 'treegrid');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-span-id') ?? document.activeElement?.className);
    const root = await page.getAttribute('.wf-span[data-depth="0"]', 'data-span-id');
    assert.equal(await focused(), root, 'the root span has focus when the trace opens');
    await page.keyboard.press('ArrowDown');
    const second = await focused();
    assert.equal(await page.getAttribute(`.wf-span[data-span-id="${second}"]`, 'aria-selected'), 'true');
    assert.equal(await page.getAttribute(`.wf-span[data-span-id="${second}"]`, 'data-depth'), '1');
    await page.keyboard.press('ArrowUp');
    assert.equal(await focused(), root);
    // ArrowLeft folds the root: only it stays; ArrowRight unfolds.
    const all = await page.locator('.wf-span:not([hidden])').count();
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => document.querySelectorAll('.wf-span:not([hidden])').length === 1);
    assert.equal(await page.getAttribute('.wf-span', 'aria-expanded'), 'false');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((n) => document.querySelectorAll('.wf-span:not([hidden])').length === n, all);
    // Down to the charge span, whose block is open (it has an exception): Enter closes and reopens it.
    await page.keyboard.press('End');
    while ((await focused()) !== CHARGE_SPAN) await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.wf-extras-row[data-for-span="${CHARGE_SPAN}"]`, { state: 'detached' });
    assert.equal(await focused(), CHARGE_SPAN);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.wf-extras-row[data-for-span="${CHARGE_SPAN}"] .exception-message`);
    await page.keyboard.press('Escape');
    await page.waitForSelector('.trace-view', { state: 'detached' });
    assert.equal(await page.getAttribute('body', 'data-view'), 'map');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-trace-id')), CHECKOUT_TRACE, 'focus returns to the list entry');
    // A second Escape clears the selection, as before.
    await page.keyboard.press('Escape');
    await page.waitForSelector('.details[data-selection="none"]');
    await page.close();
  });

  for (const [width, height] of [
    [1080, 700],
    [1600, 900],
  ]) {
    it(`fits ${width}×${height}: no text over other text, long names cut with a tooltip`, async () => {
      const { page, problems } = await openPage(browser, server.url, { width, height });
      await openFailingTrace(page);
      await page.click(`.wf-span[data-span-id="${CHARGE_SPAN}"] .wf-span-name`);
      assert.deepEqual(await overlappingTraceTexts(page), []);
      assert.deepEqual(await truncatedWithoutTitle(page), []);
      const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth && document.querySelector('.wf-scroll')!.scrollWidth <= document.querySelector('.wf-scroll')!.clientWidth);
      assert.ok(fits, 'the page or the waterfall scrolls sideways');
      assert.deepEqual(problems, []);
      await page.close();
    });
  }

  it('draws a 2,000-span trace, says how many it left out, and folds it without redrawing every row', async () => {
    const { page } = await openPage(browser, server.url, { width: 1080, height: 700 });
    await page.waitForSelector(`g.edge[data-edge-id="${FAILING_EDGE}"]`);
    await openTraceFrom(page, `g.edge[data-edge-id="${FAILING_EDGE}"] path.edge-hit`, BIG_TRACE);
    assert.equal(await page.locator('.wf-span').count(), 2000);
    assert.equal(await page.textContent('.trace-missing'), '100 spans missing');
    // Fold and unfold the root from the keyboard, timed in the page: a redraw of every row took
    // seconds; hiding the rows under it takes milliseconds.
    const ms = await page.evaluate(() => {
      const t0 = performance.now();
      for (const key of ['ArrowLeft', 'ArrowRight']) {
        // The folded row is drawn again: the key goes to whichever row has focus now.
        document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
        void document.querySelectorAll('.wf-span:not([hidden])').length;
      }
      return performance.now() - t0;
    });
    assert.ok(ms < 1000, `fold and unfold took ${ms.toFixed(0)} ms`);
    assert.equal(await page.locator('.wf-span:not([hidden])').count(), 2000);
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-depth')), '1');
    await page.close();
  });

  for (const width of [1080, 1600]) {
    it(`labels the time axis without overlaps at ${width} px, from sub-millisecond to minute-long traces`, async () => {
      const { page } = await openPage(browser, server.url, { width, height: width === 1080 ? 700 : 900 });
      await page.waitForSelector(`g.edge[data-edge-id="${FAILING_EDGE}"]`);
      for (const ms of DURATIONS) {
        server.push({ type: 'focus', target: { kind: 'trace', traceId: durationTraceId(ms) } });
        await page.waitForSelector(`.trace-view[data-state="shown"][data-trace-id="${durationTraceId(ms)}"]`);
        const ticks = await page.locator('.wf-tick').allTextContents();
        assert.ok(ticks.length >= 3, `${ms} ms: ticks ${JSON.stringify(ticks)}`);
        assert.deepEqual(await overlappingTraceTexts(page), [], `${ms} ms: ticks ${JSON.stringify(ticks)}`);
        // Every tick label inside the axis.
        const outside = await page.$$eval('.wf-tick', (els) => {
          const axis = document.querySelector('.wf-axis')!.getBoundingClientRect();
          return els.filter((e) => e.getBoundingClientRect().right > axis.right + 12 || e.getBoundingClientRect().left < axis.left - 1).map((e) => e.textContent);
        });
        assert.deepEqual(outside, [], `${ms} ms`);
      }
      await page.close();
    });
  }

  it('renders hostile span, service and log text as text', async () => {
    const { page } = await openPage(browser, server.url, { width: 1080, height: 700 });
    await page.dispatchEvent(`g.edge[data-edge-id="${FAILING_EDGE}"] path.edge-hit`, 'click');
    const item = page.locator(`.details button.trace-item[data-trace-id="${HOSTILE_TRACE}"]`);
    assert.equal(await item.locator('.trace-root').textContent(), HOSTILE);
    await item.click();
    await page.waitForSelector(`.trace-view[data-state="shown"][data-trace-id="${HOSTILE_TRACE}"]`);
    assert.equal(await page.textContent('.trace-title'), HOSTILE);
    assert.equal(await page.locator('.wf-span').first().locator('.wf-span-name').textContent(), HOSTILE);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    await page.close();
  });
});

describe('trace view when the host has no trace store', function () {
  this.timeout(60_000);
  it('says why in the details panel and in the trace view', async () => {
    const NO_STORE = 'this host has no trace store';
    const server = await startPageServer({ type: 'init', host: 'browser', graph: shopGraph(), receiver: { state: 'listening' }, sites: [] }, (m) => {
      if (m.type === 'requestTraces') return [{ type: 'traces', requestId: m.requestId, result: { traces: [] }, error: NO_STORE }];
      if (m.type === 'requestTrace') return [{ type: 'trace', requestId: m.requestId, trace: null, error: NO_STORE }];
      return [];
    });
    const browser = await launchChromium();
    try {
      const { page, problems } = await openPage(browser, server.url, { width: 1080, height: 700 });
      await page.dispatchEvent(`g.edge[data-edge-id="${FAILING_EDGE}"] path.edge-hit`, 'click');
      const error = page.locator('.details .trace-list-error');
      await error.waitFor();
      assert.equal(await error.textContent(), `No traces: ${NO_STORE}.`);
      assert.equal(await error.getAttribute('role'), 'status');
      // A trace asked for anyway (a followed link, a focus) says the same in the stage.
      server.push({ type: 'trace', requestId: 1, trace: null, error: NO_STORE });
      assert.equal(await page.locator('.trace-view').count(), 0, 'an unasked answer opens nothing');
      assert.deepEqual(problems, []);
      await page.close();
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
