// The map webview in headless Debian Chromium against the real `serve`, fed by the real OTel
// JS SDK (OTLP/HTTP protobuf). Readiness comes from the page's own signals (data-ready,
// data-* attributes on nodes, steps and edges); nothing sleeps.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openPage } from './support/browser';
import { childOf, sdkService, startServe, type SdkService, type Serve } from './support/serve';

const HOSTILE = '<img src=x onerror=window.__xss=1>';
const FLOW = 'demo.place_order';

/** Sends one run of the test topology: calls, writes, publish/consume, an external call, a 3-step flow. */
async function sendRun(services: Record<string, SdkService>, run: number): Promise<void> {
  const flow = (step: string) => ({ 'coordimap.flow.name': FLOW, 'coordimap.flow.step': step, 'coordimap.flow.run_id': `run-${run}` });
  const t0 = Date.now() - 1000;
  const { frontend, orders, mailer, hostile } = services;
  const validate = frontend.tracer.startSpan('demo.validate', { startTime: t0, attributes: { ...flow('demo.validate') } });
  const client = frontend.tracer.startSpan('POST /orders', { kind: SpanKind.CLIENT, startTime: t0 + 1, attributes: { 'server.address': 'orders' } }, childOf(validate));
  const server = orders.tracer.startSpan('POST /orders', { kind: SpanKind.SERVER, startTime: t0 + 2 }, childOf(client));
  const store = orders.tracer.startSpan('demo.store', { startTime: t0 + 3, attributes: { ...flow('demo.store'), 'code.file.path': '/app/src/orders.ts', 'code.line.number': 42 } }, childOf(server));
  orders.tracer.startSpan('INSERT orders', { kind: SpanKind.CLIENT, startTime: t0 + 4, attributes: { 'db.system': 'postgresql', 'db.namespace': 'orders_db', 'db.operation': 'INSERT', 'db.sql.table': 'orders' } }, childOf(store)).end(t0 + 10);
  const partner = orders.tracer.startSpan('GET /quote', { kind: SpanKind.CLIENT, startTime: t0 + 11, attributes: { 'server.address': 'api.partner.example' } }, childOf(store));
  if (run % 2) partner.setStatus({ code: SpanStatusCode.ERROR });
  partner.end(t0 + 40);
  const publish = orders.tracer.startSpan('order.events publish', { kind: SpanKind.PRODUCER, startTime: t0 + 41, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'order.events', 'messaging.operation.type': 'publish' } }, childOf(store));
  publish.end(t0 + 42);
  store.end(t0 + 43);
  server.end(t0 + 44);
  client.end(t0 + 45);
  validate.end(t0 + 46);
  const consume = mailer.tracer.startSpan('order.events process', { kind: SpanKind.CONSUMER, startTime: t0 + 60, links: [{ context: publish.spanContext() }], attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'order.events', 'messaging.operation.type': 'process' } });
  mailer.tracer.startSpan('demo.notify', { startTime: t0 + 61, attributes: flow('demo.notify') }, childOf(consume)).end(t0 + 70);
  consume.end(t0 + 71);
  hostile.tracer.startSpan(HOSTILE, { kind: SpanKind.CLIENT, startTime: t0, attributes: { 'db.system': 'postgresql', 'db.namespace': 'orders_db', 'db.operation': 'SELECT' } }).end(t0 + 3);
  await Promise.all(Object.values(services).map((s) => s.flush()));
}

const node = (id: string): string => `g.node[data-node-id="${id.replace(/"/g, '\\"')}"]`;

describe('map webview against serve (Chromium + real OTel SDK)', function () {
  this.timeout(60_000);
  let serve: Serve;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let services: Record<string, SdkService>;

  before(async () => {
    serve = await startServe();
    browser = await launchChromium();
    services = {
      frontend: sdkService('frontend', serve.http),
      orders: sdkService('orders', serve.http),
      mailer: sdkService('mailer', serve.http),
      hostile: sdkService(HOSTILE, serve.http),
    };
    ({ page, problems } = await openPage(browser, serve.ui));
  });

  after(async () => {
    await Promise.all(Object.values(services ?? {}).map((s) => s.shutdown()));
    await browser?.close();
    await serve?.stop();
  });

  it('teaches how to send spans while the map is empty, with the receiver endpoint', async () => {
    const text = await page.textContent('.map-empty');
    assert.ok(text?.includes(`OTEL_EXPORTER_OTLP_ENDPOINT=http://${serve.http}`), text ?? '');
    assert.ok(text?.includes('OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf'));
    assert.ok(text?.includes('OTEL_SERVICE_NAME='));
  });

  it('shows services, database, queue and external nodes with their labels as spans arrive', async () => {
    for (let run = 1; run <= 3; run++) await sendRun(services, run);
    const expected: Array<[string, string, string]> = [
      ['service:frontend', 'service', 'frontend'],
      ['service:orders', 'service', 'orders'],
      ['service:mailer', 'service', 'mailer'],
      ['database:postgresql:orders_db', 'database', 'postgresql orders_db'],
      ['queue:kafka:order.events', 'queue', 'kafka order.events'],
      ['external:api.partner.example', 'external', 'api.partner.example'],
    ];
    for (const [id, kind, label] of expected) {
      const el = await page.waitForSelector(node(id), { timeout: 30_000 });
      assert.equal(await el.getAttribute('data-kind'), kind);
      assert.equal(await el.$eval('text.node-label', (t) => t.textContent), label);
      assert.match((await el.getAttribute('aria-label')) ?? '', new RegExp(`${label}.*spans`));
    }
    assert.equal(await page.getAttribute('.map-stage', 'data-render'), 'svg');
    // The toolbar's selects say what they are even before any snapshot exists.
    assert.equal(await page.textContent('select.compare option:checked'), 'Compare: off');
    assert.equal(await page.textContent('select.window option:checked'), 'Last 1 min', 'recent-window numbers by default');
  });

  it('draws edges by relation with direction and rate/error/p95 labels', async () => {
    const edges: Array<[string, string]> = [
      ['service:frontend|calls|service:orders', 'calls'],
      ['service:orders|writes|database:postgresql:orders_db', 'writes'],
      ['service:orders|publishes|queue:kafka:order.events', 'publishes'],
      ['service:mailer|consumes|queue:kafka:order.events', 'consumes'],
      ['service:orders|calls|external:api.partner.example', 'calls'],
    ];
    for (const [id, relation] of edges) {
      const el = await page.waitForSelector(`g.edge[data-edge-id="${id}"]`, { timeout: 30_000 });
      assert.equal(await el.getAttribute('data-relation'), relation);
      // Edges with failures wear the error arrowhead; the others their relation's.
      assert.match((await el.$eval('path.edge-line', (p) => p.getAttribute('marker-end'))) ?? '', new RegExp(`^url\\(#arrow-(${relation}|error)\\)$`));
      assert.match((await el.$eval('text.edge-label', (t) => t.textContent)) ?? '', new RegExp(`^${relation} · .*/(s|min).* · p95 `));
    }
    const partner = await page.textContent('g.edge[data-edge-id="service:orders|calls|external:api.partner.example"] text.edge-label');
    assert.match(partner ?? '', /% err/);
  });

  it('renders hostile service and span names as literal text and executes nothing', async () => {
    const hostileNode = await page.waitForSelector(node(`service:${HOSTILE}`), { timeout: 30_000 });
    assert.equal(await hostileNode.$eval('text.node-label', (t) => t.textContent), HOSTILE);
    await page.click(`${node(`service:${HOSTILE}`)} path.node-shape`);
    await page.waitForSelector('.details[data-selection="node"]');
    assert.equal(await page.textContent('.details h2'), HOSTILE);
    assert.ok((await page.textContent('.details ul.span-names'))?.includes(HOSTILE));
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    assert.equal(await page.locator('img').count(), 0);
    // The service filter lists it as an option's text, not markup.
    assert.ok((await page.locator('select.filter-service option').allTextContents()).includes(HOSTILE));
  });

  it('shows details with counts, latency and recent spans for an edge', async () => {
    // Dispatched on the element: a thin curve's box centre may lie over another edge.
    await page.dispatchEvent('g.edge[data-edge-id="service:orders|writes|database:postgresql:orders_db"] path.edge-hit', 'click');
    await page.waitForSelector('.details[data-selection="edge"]');
    const facts = await page.textContent('.details table.facts');
    assert.match(facts ?? '', /Requests\s*\d+/);
    assert.match(facts ?? '', /p95/);
    await page.waitForSelector('.details ul.spans li .span-name');
    const names = await page.locator('.details ul.spans li .span-name').allTextContents();
    assert.ok(names.includes('INSERT orders'), JSON.stringify(names));
  });

  it('shows the flow steps in order, with transition counts, runs and services', async () => {
    await page.click('button[data-view="flow"]');
    await page.click(`button.flow-item[data-flow="${FLOW}"]`);
    for (const step of ['demo.validate', 'demo.store', 'demo.notify']) await page.waitForSelector(`g.step[data-step="${step}"]`, { timeout: 30_000 });
    const layers = await page.$$eval('g.step', (steps) => steps.map((s) => [s.getAttribute('data-step'), Number(s.getAttribute('data-layer'))] as const));
    const layerOf = new Map(layers);
    assert.ok(layerOf.get('demo.validate')! < layerOf.get('demo.store')!, JSON.stringify(layers));
    assert.ok(layerOf.get('demo.store')! < layerOf.get('demo.notify')!, JSON.stringify(layers));
    assert.equal(await page.textContent('g.step[data-step="demo.store"] .step-service'), 'orders');
    assert.match((await page.textContent(`button.flow-item[data-flow="${FLOW}"] .flow-runs`)) ?? '', /^[1-9]\d* runs$/);
    const count = await page.textContent('g.transition[data-from="demo.validate"][data-to="demo.store"] .transition-count');
    assert.match(count ?? '', /^[1-9]\d*$/);
  });

  it('clicking a step shows its code location; clicking that shows path:line in serve mode', async () => {
    await page.click('g.step[data-step="demo.store"] rect.step-box');
    // A locator, not an element handle: live updates may re-render the details panel meanwhile.
    const link = page.locator('.details .code-link[data-file="/app/src/orders.ts"][data-line="42"]').first();
    await link.waitFor({ timeout: 15_000 });
    assert.match((await link.textContent()) ?? '', /orders\.ts:42$/);
    // In the browser the location is also a vscode://file/ link (opened outside the page).
    assert.equal(await link.getAttribute('href'), 'vscode://file/app/src/orders.ts:42');
    await link.click();
    await page.waitForSelector('.notice[data-visible="true"]');
    assert.match((await page.textContent('.notice')) ?? '', /^\/app\/src\/orders\.ts:42/);
  });

  it('filters by search, relation, service and externals', async () => {
    await page.click('button[data-view="map"]');
    await page.waitForSelector(node('service:frontend'));
    await page.fill('input.search', 'mailer');
    await page.waitForSelector(node('service:frontend'), { state: 'detached' });
    assert.ok(await page.$(node('service:mailer')));
    assert.ok(await page.$(node('queue:kafka:order.events')));
    await page.fill('input.search', '');
    await page.waitForSelector(node('service:frontend'));

    await page.click('input[data-filter="hide-externals"]');
    await page.waitForSelector(node('external:api.partner.example'), { state: 'detached' });
    await page.click('input[data-filter="hide-externals"]');
    await page.waitForSelector(node('external:api.partner.example'));

    await page.click('input[data-relation="writes"]');
    await page.waitForSelector('g.edge[data-relation="writes"]', { state: 'detached' });
    assert.ok(await page.$('g.edge[data-relation="calls"]'));
    await page.click('input[data-relation="writes"]');
    await page.waitForSelector('g.edge[data-relation="writes"]');

    await page.selectOption('select.filter-service', 'frontend');
    await page.waitForSelector(node('service:mailer'), { state: 'detached' });
    assert.ok(await page.$(node('service:orders')));
    await page.selectOption('select.filter-service', '');
    await page.waitForSelector(node('service:mailer'));
  });

  it('exports a valid SVG and Mermaid of the current view', async () => {
    await page.selectOption('select.export-format', 'svg');
    await page.click('button.export');
    await page.waitForSelector('dialog.export-dialog[open][data-format="svg"]');
    const svg = await page.inputValue('textarea.export-text');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { root: doc.documentElement.nodeName, errors: doc.getElementsByTagName('parsererror').length, texts: Array.from(doc.querySelectorAll('text')).map((t) => t.textContent) };
    }, svg);
    assert.equal(parsed.root, 'svg');
    assert.equal(parsed.errors, 0);
    assert.ok(parsed.texts.includes('frontend'));
    assert.ok(parsed.texts.includes(HOSTILE), 'hostile names survive as text');
    await page.click('dialog.export-dialog button:has-text("Close")');

    await page.selectOption('select.export-format', 'mermaid');
    await page.click('button.export');
    await page.waitForSelector('dialog.export-dialog[open][data-format="mermaid"]');
    const mermaid = await page.inputValue('textarea.export-text');
    assert.match(mermaid, /^flowchart LR\n/);
    assert.match(mermaid, /\(\["frontend"\]\)/);
    assert.match(mermaid, /\[\("postgresql orders_db"\)\]/);
    assert.ok(!mermaid.includes('<img'));
    await page.click('dialog.export-dialog button:has-text("Close")');
  });

  it('moves between nodes with the arrow keys and selects with Enter', async () => {
    await page.focus(node('service:orders'));
    await page.keyboard.press('ArrowRight');
    const moved = await page.evaluate(() => document.activeElement?.getAttribute('data-node-id'));
    assert.ok(moved && moved !== 'service:orders', `focus stayed on ${moved}`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${node(moved)}.is-selected`);
  });

  it('lists every edge in the table view as a text alternative', async () => {
    await page.click('button[data-view="table"]');
    await page.waitForSelector('table.edge-table tbody tr');
    const rows = await page.locator('table.edge-table tbody tr').count();
    await page.click('button[data-view="map"]');
    await page.waitForSelector('g.edge');
    assert.equal(rows, await page.locator('g.edge').count());
  });

  it('adds a new service live, highlighted, without moving the others far', async () => {
    await page.waitForSelector('.map-stage[data-settling="false"]', { timeout: 30_000 });
    const position = async (id: string) => (await page.getAttribute(node(id), 'transform')) ?? '';
    const before = await position('service:orders');
    const late = sdkService('latecomer', serve.http);
    const parent = late.tracer.startSpan('GET /orders', { kind: SpanKind.CLIENT, attributes: { 'server.address': 'orders' } });
    orders(services).tracer.startSpan('GET /orders', { kind: SpanKind.SERVER }, childOf(parent)).end();
    parent.end();
    await Promise.all([late.flush(), services.orders.flush()]);
    await page.waitForSelector(`${node('service:latecomer')}.is-fresh`, { timeout: 30_000 });
    await page.waitForSelector('.map-stage[data-settling="false"]', { timeout: 30_000 });
    const [x0, y0] = (before.match(/-?[\d.]+/g) ?? []).map(Number);
    const [x1, y1] = ((await position('service:orders')).match(/-?[\d.]+/g) ?? []).map(Number);
    assert.ok(Math.hypot(x1 - x0, y1 - y0) < 80, `orders moved from ${before} to ${x1},${y1}`);
    await late.shutdown();
  });

  it('ran under the strict CSP without errors or failed requests', () => {
    assert.deepEqual(problems, []);
  });
});

function orders(services: Record<string, SdkService>): SdkService {
  return services.orders;
}
