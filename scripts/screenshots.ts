// `npm run screenshots`: runs the demo (serve + sample services) on free ports, opens the map
// in headless Debian Chromium and saves the README images to docs/images/:
//   at 1600×900 (a browser) map.png (service map with a selected service and its span sites),
//   flow.png (checkout flow, a step selected with its code location), table.png (edge table),
//   map-dark.png (dark colour scheme); and at 1080×700 (the VS Code panel beside code)
//   map-1080.png and flow-1080.png; and the trace view at both sizes, trace-1600.png and
//   trace-1080.png (a failing checkout trace opened from the checkout → payments edge, its
//   declined charge selected). `npm run screenshots -- trace` takes only the named groups
//   (map, flow, table, dark, trace).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/webview/support/browser';

const root = join(__dirname, '..');
const out = join(root, 'docs', 'images');

function startDemo(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [join(root, 'demo', 'run-demo.mjs')], {
    env: { ...process.env, OTEL_FLOW_MAP_GRPC_PORT: '0', OTEL_FLOW_MAP_HTTP_PORT: '0', OTEL_FLOW_MAP_UI_PORT: '0', DEMO_ORDERS_PER_SECOND: '8' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = (): void => void child.kill('SIGINT');
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /Map:\s+(http:\/\/\S+)/.exec(line);
      if (m) resolve({ url: m[1], stop });
    });
    child.once('exit', (code) => reject(new Error(`demo exited with code ${code}`)));
  });
}

/** Waits until the map shows the whole demo topology and the layout is still. */
async function waitForMap(page: Page): Promise<void> {
  // Services by id; databases, queues and peers by kind (their display names follow the contract's peer keys).
  const ids = ['service:web', 'service:checkout', 'service:payments', 'service:inventory', 'service:notifications'];
  for (const id of ids) await page.waitForSelector(`g.node[data-node-id="${id}"]`, { timeout: 60_000 });
  await page.waitForFunction(() => document.querySelectorAll('g.node[data-kind="database"]').length >= 3 && document.querySelectorAll('g.node[data-kind="external"]').length >= 2, undefined, { timeout: 60_000 });
  await page.waitForSelector('.map-stage[data-settling="false"]', { timeout: 60_000 });
  // Let the highlight of late arrivals (external peers appear after the pairing wait) fade.
  await page.waitForSelector('.map-svg .is-fresh', { state: 'detached', timeout: 60_000 });
}

/** A trace of the checkout → payments edge whose card was declined, the failing charge selected. */
async function traceShot(page: Page, path: string): Promise<void> {
  await page.click('button[data-view="map"]');
  await page.dispatchEvent('g.edge[data-edge-id="service:checkout|calls|service:payments"] path.edge-hit', 'click');
  await page.waitForSelector('.details button.trace-item.is-error', { timeout: 60_000 });
  const ids = await page.$$eval('.details button.trace-item.is-error', (items) => items.map((i) => i.getAttribute('data-trace-id')!));
  for (const id of ids) {
    await page.click(`.details button.trace-item[data-trace-id="${id}"]`);
    await page.waitForSelector(`.trace-view[data-state="shown"][data-trace-id="${id}"]`, { timeout: 15_000 });
    const declined = page.locator('.wf-extras-row', { has: page.locator('.exception-type:text-is("CardDeclinedError")') });
    if (await declined.count()) {
      const spanId = await declined.getAttribute('data-for-span');
      await page.click(`.wf-span[data-span-id="${spanId}"] .wf-span-name`);
      await page.screenshot({ path });
      await page.keyboard.press('Escape');
      return;
    }
    await page.keyboard.press('Escape');
  }
  throw new Error('no declined card among the recent failing checkout traces');
}

async function main(): Promise<void> {
  const groups = process.argv.slice(2);
  const want = (group: string): boolean => !groups.length || groups.includes(group);
  mkdirSync(out, { recursive: true });
  const demo = await startDemo();
  const browser = await launchChromium();
  try {
    // Let a few seconds of traffic accumulate, so rates and quantiles are meaningful.
    for (const [width, height, suffix] of [
      [1600, 900, ''],
      [1080, 700, '-1080'],
    ] as const) {
      const page = await browser.newPage({ viewport: { width, height }, colorScheme: 'light', deviceScaleFactor: 1 });
      await page.goto(demo.url);
      await page.click('button[data-view="map"]');
      await waitForMap(page);
      await page.click('button.fit');
      if (want('map')) {
        await page.click('g.node[data-node-id="service:checkout"] path.node-shape');
        await page.waitForSelector('.details ul.span-sites li', { timeout: 15_000 });
        await page.screenshot({ path: join(out, `map${suffix}.png`) });
      }
      if (want('trace')) await traceShot(page, join(out, `trace-${width}.png`));

      if (want('flow')) {
        await page.click('button[data-view="flow"]');
        await page.click('button.flow-item[data-flow="checkout.place_order"]');
        await page.click('g.step[data-step="payments.charge_card"]');
        await page.waitForSelector('.details .code-link', { timeout: 15_000 });
        await page.screenshot({ path: join(out, `flow${suffix}.png`) });
      }

      if (!suffix && want('table')) {
        await page.click('button[data-view="table"]');
        await page.waitForSelector('table.edge-table tbody tr');
        await page.screenshot({ path: join(out, 'table.png') });
      }
      await page.close();
    }

    if (want('dark')) {
      const dark = await browser.newPage({ viewport: { width: 1600, height: 900 }, colorScheme: 'dark' });
      await dark.goto(demo.url);
      await dark.click('button[data-view="map"]');
      await waitForMap(dark);
      await dark.click('button.fit');
      await dark.click('g.node[data-kind="queue"] path.node-shape');
      await dark.screenshot({ path: join(out, 'map-dark.png') });
    }
    console.log(`saved the ${groups.length ? groups.join(', ') : 'map, flow, table, dark and trace'} images in ${out}`);
  } finally {
    await browser.close();
    demo.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
