// The shipped artifact: packages the current build into a .vsix with vsce (the .vscodeignore
// allowlist decides what goes in), installs it with `code-server --install-extension` into a
// fresh profile, opens a TypeScript file and waits until the installed extension's status bar
// item shows the receiver listening on the configured port.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createProfile, installExtension, repoRoot, startCodeServer, workbenchUrl, type ReceiverPorts, type RunDirs } from './codeServer';

const UI_TIMEOUT_MS = 30_000;

/** Folders not worth copying (none of their content ships); the rest goes through .vscodeignore as in a real package run. */
const NOT_STAGED = new Set(['node_modules', '.git', '.test-runs', 'out', 'otel-flow-map.vsix']);

/** Packages a snapshot of the repo, so a concurrent rebuild of dist/ cannot change files under vsce. */
export function packageVsix(dirs: RunDirs): string {
  const stage = join(dirs.root, 'stage');
  for (const entry of readdirSync(repoRoot).filter((e) => !NOT_STAGED.has(e))) {
    cpSync(join(repoRoot, entry), join(stage, entry), { recursive: true, filter: (src) => !NOT_STAGED.has(basename(src)) });
  }
  const vsix = join(dirs.root, 'otel-flow-map.vsix');
  const vsce = join(repoRoot, 'node_modules', '.bin', 'vsce');
  const r = spawnSync(vsce, ['package', '--no-dependencies', '--no-rewrite-relative-links', '-o', vsix], { cwd: stage, env: dirs.env, encoding: 'utf8', timeout: 60_000 });
  rmSync(stage, { recursive: true, force: true });
  if (r.status !== 0 || !existsSync(vsix)) throw new Error(`vsce package failed: ${r.stderr || r.stdout}`);
  return vsix;
}

/** Returns a description of what was seen; throws an Error (a test failure) when the check fails. */
export async function checkPackagedExtension(dirs: RunDirs, browser: Browser, ports: ReceiverPorts): Promise<string> {
  const vsix = packageVsix(dirs);
  const profile = createProfile(dirs, 'packaged', ports);
  installExtension(dirs, profile, vsix);
  const installed = readdirSync(profile.extensions).find((d) => d.startsWith('otel-flow-map.otel-flow-map-'));
  if (!installed) throw new Error(`the extension is not in ${profile.extensions} after --install-extension`);
  const shipped = readdirSync(join(profile.extensions, installed, 'dist'));
  const leaked = shipped.filter((f) => f.endsWith('.map'));
  if (leaked.length) throw new Error(`source maps shipped in the .vsix: ${leaked.join(', ')}`);
  const server = await startCodeServer(dirs, profile);
  const page = await browser.newPage();
  try {
    await page.goto(workbenchUrl(server.port, dirs.workspace));
    await page.locator('.monaco-workbench').waitFor({ timeout: UI_TIMEOUT_MS });
    // Opening a TypeScript file fires onLanguage:typescript, which activates the extension.
    await page.keyboard.press('Control+P');
    await page.keyboard.type('orders.ts');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'orders.ts' }).first().waitFor({ timeout: UI_TIMEOUT_MS });
    await page.keyboard.press('Enter');
    const item = page.locator('.statusbar-item', { hasText: `:${ports.httpPort}` }).first();
    await Promise.race([server.died, item.waitFor({ timeout: UI_TIMEOUT_MS })]);
    return `installed ${installed} (${shipped.length} files in dist/), status bar shows ${JSON.stringify(await item.innerText())}`;
  } finally {
    await page.close().catch(() => undefined);
    server.stop();
  }
}
