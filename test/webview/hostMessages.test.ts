// Host messages `serve` never sends (focus, sites from the analyzer — the VS Code host does),
// plus pause and persisted UI state, driven through the stand-in page server (same page shell,
// CSP and SSE protocol as serve).
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { emptyGraph, type GraphDelta } from '../../common/src/graph';
import type { SpanSiteSummary } from '../../common/src/sites';
import type { SpanSummary } from '../../common/src/telemetry';
import { launchChromium, openPage } from './support/browser';
import { edge, node } from './support/graphs';
import { startPageServer, type PageServer } from './support/pageServer';

function graph() {
  const g = emptyGraph();
  g.nodes.push(node('service:web', 'service'), node('service:checkout', 'service'), node('database:postgresql:shop', 'database', 10, 0, 'postgresql'));
  g.edges.push(edge('service:web', 'calls', 'service:checkout', 10, 0, ['POST /checkout']), edge('service:checkout', 'writes', 'database:postgresql:shop', 5, 0, ['INSERT orders']));
  const step = (name: string, services: string[]) => ({ name, count: 5, errors: 0, p50Ms: 1, p95Ms: 2, p99Ms: 3, services, scopes: [], spanNames: [name] });
  g.flows.push({ name: 'checkout.place_order', runs: 5, steps: [step('checkout.validate_cart', ['checkout']), step('payments.charge_card', ['payments'])], transitions: [{ from: 'checkout.validate_cart', to: 'payments.charge_card', count: 5 }] });
  return g;
}

const site = (partial: Partial<SpanSiteSummary>): SpanSiteSummary => ({ file: 'src/checkout.ts', line: 10, column: 3, language: 'typescript', name: null, flow: null, step: null, scope: null, kind: null, attributes: {}, ...partial });
const SITES = [
  site({ file: 'src/checkout.ts', line: 12, flow: 'checkout.place_order', step: 'checkout.validate_cart', name: 'checkout.validate_cart' }),
  site({ file: 'src/legacy.ts', line: 99, name: 'legacy.export_orders' }),
];

// The validate_cart site seen at runtime under an absolute path, and a hostile path matching no site.
const span = (file: string, line: number): SpanSummary => ({ traceId: 't', spanId: `s${line}`, name: 'checkout.validate_cart', service: 'checkout', scope: '', kind: 'internal', startMs: 0, durationMs: 1, error: false, attributes: { 'code.file.path': file, 'code.line.number': line } });
const HOSTILE_PATH = '/srv/<img src=x onerror=window.__xss=1>.ts';
const RUNTIME_SPANS = [span('/home/u/repo/src/checkout.ts', 12), span(HOSTILE_PATH, 3)];

describe('map webview host messages, pause and persisted state', function () {
  this.timeout(60_000);
  let server: PageServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  before(async () => {
    server = await startPageServer({ type: 'init', host: 'browser', graph: graph(), receiver: { state: 'listening', http: '127.0.0.1:4318' }, sites: SITES }, (m) =>
      m.type === 'requestSpans' && m.query.step === 'checkout.validate_cart' ? [{ type: 'spans', requestId: m.requestId, spans: RUNTIME_SPANS }] : [],
    );
    browser = await launchChromium();
    ({ page, problems } = await openPage(browser, server.url));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('focus on a node selects it and gives it keyboard focus', async () => {
    server.push({ type: 'focus', target: { kind: 'node', id: 'service:checkout' } });
    await page.waitForSelector('g.node[data-node-id="service:checkout"].is-selected');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-node-id')), 'service:checkout');
  });

  it('focus on a step opens the flow view on it, with its static code site', async () => {
    server.push({ type: 'focus', target: { kind: 'step', flow: 'checkout.place_order', step: 'checkout.validate_cart' } });
    await page.waitForSelector('g.step[data-step="checkout.validate_cart"].is-selected');
    // A locator, not an element handle: live updates may re-render the details panel meanwhile.
    const link = page.locator('.details .code-link[data-file="src/checkout.ts"][data-line="12"]').first();
    await link.waitFor();
    assert.equal(await link.evaluate((b) => b.nextElementSibling?.textContent), 'code');
    // The runtime copy of the same line folds into the static entry; the unknown path stays, as text.
    await page.waitForSelector('.code-locations li[data-seen-at-runtime="true"] .code-link[data-file="src/checkout.ts"][data-line="12"]');
    assert.equal(await page.locator('.code-locations .code-link[data-line="12"]').count(), 1);
    const hostile = page.locator('.code-locations .code-link[data-line="3"]');
    assert.equal(await hostile.getAttribute('data-file'), HOSTILE_PATH);
    assert.match((await hostile.textContent()) ?? '', /<img src=x onerror=window\.__xss=1>\.ts:3$/);
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), undefined);
    await link.click();
    await page.waitForFunction(() => document.querySelector('.notice')?.textContent?.startsWith('src/checkout.ts:12'));
  });

  it('focus on a span name selects the edge that carries it', async () => {
    server.push({ type: 'focus', target: { kind: 'span', name: 'INSERT orders' } });
    await page.waitForSelector('g.edge[data-edge-id="service:checkout|writes|database:postgresql:shop"].is-selected');
  });

  it('coverage marks live steps without code and lists code never seen live', async () => {
    await page.click('input[data-filter="coverage"]');
    await page.click('button[data-view="flow"]');
    await page.waitForSelector('g.step[data-step="payments.charge_card"].no-site');
    assert.equal(await page.locator('g.step[data-step="checkout.validate_cart"].no-site').count(), 0);
    await page.keyboard.press('Escape');
    await page.waitForSelector('.details[data-selection="none"]');
    const never = await page.locator('.details .coverage-list li').allTextContents();
    assert.equal(never.length, 1);
    assert.match(never[0], /legacy\.export_orders.*src\/legacy\.ts:99/);
    await page.click('button[data-view="map"]');
  });

  it('pause holds live updates until resumed', async () => {
    await page.click('button.pause');
    await page.waitForSelector('button.pause[aria-pressed="true"]');
    const delta: GraphDelta = { nodes: [node('service:late', 'service')], edges: [edge('service:web', 'calls', 'service:late')], flows: [], removedNodeIds: [], removedEdgeIds: [], removedFlowNames: [], stats: graph().stats };
    server.push({ type: 'delta', delta });
    await page.waitForSelector('button.pause:has-text("Resume (1 updates)")');
    assert.equal(await page.locator('g.node[data-node-id="service:late"]').count(), 0);
    await page.click('button.pause');
    await page.waitForSelector('g.node[data-node-id="service:late"].is-fresh');
  });

  it('restores view, filters and toggles after a reload', async () => {
    await page.click('button[data-view="table"]');
    await page.fill('input.search', 'checkout');
    await page.waitForSelector('table.edge-table caption:has-text("2 edges")');
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.getAttribute('button[data-view="table"]', 'aria-pressed'), 'true');
    assert.equal(await page.inputValue('input.search'), 'checkout');
    assert.equal(await page.isChecked('input[data-filter="coverage"]'), true);
    assert.deepEqual(problems, []);
  });
});
