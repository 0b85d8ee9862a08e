// `npm run screenshots`: runs the demo (serve + sample services) on free ports, opens the map
// in headless Debian Chromium and saves the README images to docs/images/:
//   at 1600×900 (a browser) map.png (service map with a selected service and its span sites),
//   flow.png (checkout flow, a step selected with its code location), table.png (edge table),
//   map-dark.png (dark colour scheme); and at 1080×700 (the VS Code panel beside code)
//   map-1080.png and flow-1080.png.
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

async function main(): Promise<void> {
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
      await page.click('g.node[data-node-id="service:checkout"] path.node-shape');
      await page.waitForSelector('.details ul.span-sites li', { timeout: 15_000 });
      await page.screenshot({ path: join(out, `map${suffix}.png`) });

      await page.click('button[data-view="flow"]');
      await page.click('button.flow-item[data-flow="checkout.place_order"]');
      await page.click('g.step[data-step="payments.charge_card"]');
      await page.waitForSelector('.details .code-link', { timeout: 15_000 });
      await page.screenshot({ path: join(out, `flow${suffix}.png`) });

      if (!suffix) {
        await page.click('button[data-view="table"]');
        await page.waitForSelector('table.edge-table tbody tr');
        await page.screenshot({ path: join(out, 'table.png') });
      }
      await page.close();
    }

    const dark = await browser.newPage({ viewport: { width: 1600, height: 900 }, colorScheme: 'dark' });
    await dark.goto(demo.url);
    await dark.click('button[data-view="map"]');
    await waitForMap(dark);
    await dark.click('button.fit');
    await dark.click('g.node[data-kind="queue"] path.node-shape');
    await dark.screenshot({ path: join(out, 'map-dark.png') });
    console.log(`saved map.png, flow.png, table.png, map-dark.png, map-1080.png, flow-1080.png in ${out}`);
  } finally {
    await browser.close();
    demo.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
