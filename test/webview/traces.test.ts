// The trace view against the real `serve` and its trace store, fed by the real OTel JS SDK
// (OTLP/HTTP protobuf): a failing call with a recorded exception, a span that names its code
// line, and a consumer trace linked to the producer's span. Nothing sleeps: the page's own
// data-* attributes say when a list, a trace or a selection is there.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { TraceDetail } from '../../common/src/traces';
import { waitFor } from '../support/waitFor';
import { launchChromium, openPage } from './support/browser';
import { childOf, sdkService, startServe, type SdkService, type Serve } from './support/serve';
import { openTraceFrom, overlappingTraceTexts, truncatedWithoutTitle } from './support/traceChecks';

const FAILING_EDGE = 'service:orders|calls|external:api.partner.example';
const MESSAGE = 'quote service answered 503: upstream unavailable';
/** The workspace serve scans: the code that creates `orders.store`, on line 4. */
const ORDERS_SOURCE = [
  "import { trace } from '@opentelemetry/api';",
  "const tracer = trace.getTracer('orders');",
  'export function store(): void {',
  "  tracer.startActiveSpan('orders.store', (span) => span.end());",
  '}',
  '',
].join('\n');

interface Sent {
  traceId: string;
  storeSpan: string;
  partnerSpan: string;
  invoiceSpan: string;
  publishSpan: string;
  consumerTrace: string;
}

const LOG_BODY = 'quote failed for order 1042: upstream unavailable';

/** An ERROR log record of the span, as an OTLP/HTTP JSON logs request (what a log SDK sends beside the span). */
async function postErrorLog(http: string, service: string, span: { traceId: string; spanId: string }, body: string): Promise<void> {
  const record = { timeUnixNano: String(BigInt(Date.now()) * 1_000_000n), severityNumber: 17, severityText: 'ERROR', body: { stringValue: body }, traceId: span.traceId, spanId: span.spanId, attributes: [] };
  const request = { resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeLogs: [{ scope: { name: `test.${service}` }, logRecords: [record] }] }] };
  const res = await fetch(`http://${http}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  assert.equal(res.status, 200);
}

/** One checkout: frontend → orders (store, a failing partner call with an exception, a publish), and the mailer's consumer trace linked to the publish. */
async function sendCheckout(services: Record<string, SdkService>, http: string): Promise<Sent> {
  const { frontend, orders, mailer } = services;
  const t0 = Date.now() - 2000;
  const root = frontend.tracer.startSpan('POST /checkout', { kind: SpanKind.SERVER, startTime: t0 });
  const client = frontend.tracer.startSpan('POST /orders', { kind: SpanKind.CLIENT, startTime: t0 + 2, attributes: { 'server.address': 'orders' } }, childOf(root));
  const server = orders.tracer.startSpan('POST /orders', { kind: SpanKind.SERVER, startTime: t0 + 4 }, childOf(client));
  const store = orders.tracer.startSpan('orders.store', { startTime: t0 + 6 }, childOf(server));
  // No site in the workspace creates this one: its code line is the one its attributes name.
  const invoice = orders.tracer.startSpan('billing.invoice', { startTime: t0 + 7, attributes: { 'code.file.path': '/srv/billing/invoice.ts', 'code.line.number': 7 } }, childOf(store));
  invoice.end(t0 + 8);
  const partner = orders.tracer.startSpan('GET /quote', { kind: SpanKind.CLIENT, startTime: t0 + 8, attributes: { 'server.address': 'api.partner.example' } }, childOf(store));
  const error = new Error(MESSAGE);
  error.name = 'QuoteUnavailableError';
  partner.recordException(error, t0 + 60);
  partner.setStatus({ code: SpanStatusCode.ERROR, message: MESSAGE });
  partner.end(t0 + 61);
  const publish = orders.tracer.startSpan('order.events publish', { kind: SpanKind.PRODUCER, startTime: t0 + 62, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'order.events', 'messaging.operation.type': 'publish' } }, childOf(store));
  publish.end(t0 + 64);
  store.end(t0 + 65);
  server.setStatus({ code: SpanStatusCode.ERROR });
  server.end(t0 + 66);
  client.end(t0 + 67);
  root.end(t0 + 68);
  const consume = mailer.tracer.startSpan('order.events process', { kind: SpanKind.CONSUMER, startTime: t0 + 80, links: [{ context: publish.spanContext() }], attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'order.events', 'messaging.operation.type': 'process' } });
  mailer.tracer.startSpan('mailer.send', { startTime: t0 + 81 }, childOf(consume)).end(t0 + 90);
  consume.end(t0 + 91);
  await Promise.all(Object.values(services).map((s) => s.flush()));
  await postErrorLog(http, 'orders', partner.spanContext(), LOG_BODY);
  return { traceId: root.spanContext().traceId, storeSpan: store.spanContext().spanId, partnerSpan: partner.spanContext().spanId, invoiceSpan: invoice.spanContext().spanId, publishSpan: publish.spanContext().spanId, consumerTrace: consume.spanContext().traceId };
}

describe('trace view against serve (Chromium + real OTel SDK spans)', function () {
  this.timeout(90_000);
  let serve: Serve;
  let browser: Browser;
  let services: Record<string, SdkService>;
  let sent: Sent;
  let workspace: string;

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'ofm-traces-'));
    mkdirSync(join(workspace, 'app', 'src'), { recursive: true });
    writeFileSync(join(workspace, 'app', 'src', 'orders.ts'), ORDERS_SOURCE);
    serve = await startServe(['--workspace', workspace]);
    browser = await launchChromium();
    services = { frontend: sdkService('frontend', serve.http), orders: sdkService('orders', serve.http), mailer: sdkService('mailer', serve.http) };
    sent = await sendCheckout(services, serve.http);
    // The workspace scan runs beside the receiver: wait until the trace names the site's line (and holds the log).
    await waitFor(
      'the store span joined with its code site',
      async () => {
        const trace = (await (await fetch(`${serve.ui}api/traces/${sent.traceId}`)).json()) as TraceDetail;
        return trace.spans?.find((s) => s.spanId === sent.storeSpan)?.code?.source === 'static' && trace.logs.length > 0;
      },
      30_000,
    );
  });

  after(async () => {
    await Promise.all(Object.values(services ?? {}).map((s) => s.shutdown()));
    await browser?.close();
    await serve?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('opens the failing trace from the red edge and shows the recorded exception under its span', async () => {
    const { page, problems } = await openPage(browser, serve.ui, { width: 1080, height: 700 });
    const edge = `g.edge[data-edge-id="${FAILING_EDGE}"]`;
    await page.waitForSelector(`${edge}.health-bad`, { timeout: 30_000 });
    await openTraceFrom(page, `${edge} path.edge-hit`, sent.traceId);
    assert.match((await page.getAttribute(`.details button.trace-item[data-trace-id="${sent.traceId}"]`, 'class')) ?? '', /is-error/);
    const extras = page.locator(`.wf-extras-row[data-for-span="${sent.partnerSpan}"]`);
    assert.equal(await extras.locator('.exception-type').textContent(), 'QuoteUnavailableError');
    assert.equal(await extras.locator('.exception-message').textContent(), MESSAGE);
    await extras.locator('details.wf-stack summary').click();
    assert.match((await extras.locator('details.wf-stack pre').textContent()) ?? '', /traces\.test\.ts/);
    // The log record sent for the span, under it.
    assert.equal(await extras.locator('.wf-logs li[data-severity="ERROR"] .log-body').textContent(), LOG_BODY);
    assert.match((await page.getAttribute(`.wf-span[data-span-id="${sent.partnerSpan}"]`, 'class')) ?? '', /is-error/);
    // Tree order: the root first, the partner call four levels down.
    assert.equal(await page.getAttribute('.wf-span >> nth=0', 'data-depth'), '0');
    assert.equal(await page.getAttribute(`.wf-span[data-span-id="${sent.partnerSpan}"]`, 'aria-level'), '5');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('links the line that created a span as vscode://file/ under the workspace serve scans, and a runtime path as it is', async () => {
    const { page } = await openPage(browser, serve.ui, { width: 1600, height: 900 });
    await page.waitForSelector(`g.edge[data-edge-id="${FAILING_EDGE}"]`, { timeout: 30_000 });
    await openTraceFrom(page, `g.edge[data-edge-id="${FAILING_EDGE}"] path.edge-hit`, sent.traceId);
    // The analyzer's site for orders.store, workspace-relative, under the absolute folder serve scans.
    const site = page.locator(`.wf-span[data-span-id="${sent.storeSpan}"] .wf-code a.code-link`);
    assert.equal(await site.textContent(), 'orders.ts:4');
    assert.equal(await site.getAttribute('href'), `vscode://file${workspace.startsWith('/') ? '' : '/'}${workspace}/app/src/orders.ts:4:3`);
    // A span whose attributes name an absolute path outside the workspace: a vscode://file/ link.
    const runtime = page.locator(`.wf-span[data-span-id="${sent.invoiceSpan}"] .wf-code a.code-link`);
    assert.equal(await runtime.getAttribute('href'), 'vscode://file/srv/billing/invoice.ts:7');
    assert.equal(await runtime.getAttribute('title'), 'Open /srv/billing/invoice.ts:7 in VS Code');
    // Clicking the span shows its attributes and its code line in the span pane.
    await page.click(`.wf-span[data-span-id="${sent.invoiceSpan}"] .wf-span-name`);
    await page.waitForSelector(`.trace-view[data-selected-span="${sent.invoiceSpan}"]`);
    assert.match((await page.textContent('.span-pane table.span-attributes')) ?? '', /code\.line\.number\s*7/);
    assert.equal(await page.getAttribute('.span-pane .span-code .code-link', 'data-line'), '7');
    await page.close();
  });

  it('follows the consumer’s span link to the producer’s trace and span', async () => {
    const { page } = await openPage(browser, serve.ui, { width: 1080, height: 700 });
    const mailer = 'g.node[data-node-id="service:mailer"]';
    await page.waitForSelector(mailer, { timeout: 30_000 });
    await openTraceFrom(page, `${mailer} path.node-shape`, sent.consumerTrace);
    await page.click('.wf-span:has-text("order.events process") .wf-badge.is-link');
    await page.click(`.wf-extras-row button.follow-link[data-trace-id="${sent.traceId}"]`);
    await page.waitForSelector(`.trace-view[data-state="shown"][data-trace-id="${sent.traceId}"][data-selected-span="${sent.publishSpan}"]`);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-span-id')), sent.publishSpan);
    await page.click('button.trace-back');
    await page.waitForSelector(`.trace-view[data-state="shown"][data-trace-id="${sent.consumerTrace}"]`);
    await page.close();
  });

  it('moves between spans with the arrow keys, folds with Left/Right, opens a block with Enter and closes with Escape', async () => {
    const { page } = await openPage(browser, serve.ui, { width: 1080, height: 700 });
    await page.waitForSelector(`g.edge[data-edge-id="${FAILING_EDGE}"]`, { timeout: 30_000 });
    await openTraceFrom(page, `g.edge[data-edge-id="${FAILING_EDGE}"] path.edge-hit`, sent.traceId);
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-span-id'));
    const depthOfFocused = () => page.evaluate(() => document.activeElement?.getAttribute('data-depth'));
    assert.equal(await depthOfFocused(), '0');
    for (const depth of ['1', '2', '3']) {
      await page.keyboard.press('ArrowDown');
      assert.equal(await depthOfFocused(), depth);
    }
    assert.equal(await focused(), sent.storeSpan);
    await page.keyboard.press('ArrowLeft');
    await page.waitForSelector(`.wf-span[data-span-id="${sent.partnerSpan}"]`, { state: 'hidden' });
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector(`.wf-span[data-span-id="${sent.partnerSpan}"]`, { state: 'visible' });
    // The store's children by start time: the invoice, then the partner call.
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), sent.invoiceSpan);
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), sent.partnerSpan);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.wf-extras-row[data-for-span="${sent.partnerSpan}"]`, { state: 'detached' });
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.wf-extras-row[data-for-span="${sent.partnerSpan}"] .exception-message`);
    await page.keyboard.press('Escape');
    await page.waitForSelector('.trace-view', { state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-trace-id')), sent.traceId);
    await page.close();
  });

  it('lays the trace out at 1080×700 with no text over other text', async () => {
    const { page, problems } = await openPage(browser, serve.ui, { width: 1080, height: 700 });
    await page.waitForSelector(`g.edge[data-edge-id="${FAILING_EDGE}"]`, { timeout: 30_000 });
    await openTraceFrom(page, `g.edge[data-edge-id="${FAILING_EDGE}"] path.edge-hit`, sent.traceId);
    await page.click(`.wf-span[data-span-id="${sent.partnerSpan}"] .wf-span-name`);
    assert.deepEqual(await overlappingTraceTexts(page), []);
    assert.deepEqual(await truncatedWithoutTitle(page), []);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    assert.deepEqual(problems, []);
    await page.close();
  });
});
