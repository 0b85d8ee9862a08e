// `npm run bench:activation`: how long the extension's activate() takes inside a real VS Code
// (code-server 4.100.3 in headless Chromium, as the integration harness runs it; needs
// `npm run setup:test` and a build). Each run starts code-server on the integration workspace with
// the extension under development, and a small extensionTestsPath script reads its activate()
// time from its exports and times a hello-world activate() body (one command, one status bar
// item: what `yo code` generates) in the same extension host. Prints medians, the ratio to that
// baseline and to code-server's own start (spawn to /healthz) in the same runs; exits 1 when our
// median is 200 ms or more (issue 17).
// RUNS=N sets the number of code-server starts (default 3).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createProfile, freePort, launchChromium, prepareRunDir, remoteUri, repoRoot, startCodeServer, workbenchUrl, type RunDirs } from '../test/integration/codeServer';

const RUNS = Number(process.env.RUNS ?? 3);
const LIMIT_MS = 200;
const RUN_TIMEOUT_MS = 90_000;
const OURS = 'otel-flow-map.otel-flow-map';

/**
 * Runs in the extension host as the extension tests: reads our activate() time from the
 * extension's exports (activated by the workspace, or now), then times a hello-world activate()
 * body (what `yo code` generates: one command, one status bar item) in the same host.
 */
function writeProbe(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'activation.json');
  writeFileSync(join(dir, 'index.js'), `const vscode = require('vscode');
const { performance } = require('node:perf_hooks');
const { writeFileSync } = require('node:fs');
exports.run = async () => {
  const ext = vscode.extensions.getExtension(${JSON.stringify(OURS)});
  if (!ext) throw new Error('the extension is not loaded');
  const api = await ext.activate();
  const started = performance.now();
  const subscriptions = [];
  subscriptions.push(vscode.commands.registerCommand('activationBaseline.hello', () => vscode.window.showInformationMessage('Hello World')));
  const item = vscode.window.createStatusBarItem();
  item.text = 'Hello';
  item.show();
  subscriptions.push(item);
  const baseline = performance.now() - started;
  subscriptions.forEach((d) => d.dispose());
  writeFileSync(${JSON.stringify(out)}, JSON.stringify({ ours: api.activationMs, baseline }));
};
`);
  return out;
}

interface Sample {
  ours: number;
  baseline: number;
  codeServerStartMs: number;
}

async function runOnce(dirs: RunDirs, browser: Browser, n: number): Promise<Sample> {
  const probeDir = join(dirs.root, `probe-${n}`);
  const out = writeProbe(probeDir);
  const ports = { grpcPort: await freePort(), httpPort: await freePort() };
  const spawned = performance.now();
  const server = await startCodeServer(dirs, createProfile(dirs, `activation-${n}`, ports));
  const codeServerStartMs = performance.now() - spawned;
  const page = await browser.newPage();
  let timer: NodeJS.Timeout | undefined;
  try {
    let reportExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((r) => (reportExit = r));
    await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));
    await page.exposeFunction('codeAutomationLog', (_level: string, args: unknown) => {
      if (process.env.BENCH_DEBUG) console.log(args);
    });
    await page.goto(workbenchUrl(server.port, dirs.workspace, [
      ['extensionDevelopmentPath', remoteUri(server.port, repoRoot)],
      ['extensionTestsPath', remoteUri(server.port, join(probeDir, 'index.js'))],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ]));
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`run ${n}: no answer within ${RUN_TIMEOUT_MS / 1000} s`)), RUN_TIMEOUT_MS);
    });
    const code = await Promise.race([exited, server.died, timeout]);
    if (code !== 0) throw new Error(`run ${n}: the probe failed (exit ${code}); see ${dirs.root}`);
    const times = JSON.parse(readFileSync(out, 'utf8')) as { ours: number; baseline: number };
    return { ...times, codeServerStartMs };
  } finally {
    clearTimeout(timer);
    await page.close().catch(() => undefined);
    server.stop();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<number> {
  const dirs = prepareRunDir();
  let browser: Browser | undefined;
  try {
    browser = await launchChromium(dirs);
    const samples: Sample[] = [];
    for (let n = 1; n <= RUNS; n++) samples.push(await runOnce(dirs, browser, n));
    const ours = median(samples.map((s) => s.ours));
    const baseline = median(samples.map((s) => s.baseline));
    const start = median(samples.map((s) => s.codeServerStartMs));
    console.log(`extension activate(), ${RUNS} code-server starts (VS Code 1.100.3), medians:`);
    console.log(`  otel-flow-map activate()        ${ours.toFixed(1).padStart(7)} ms  (runs: ${samples.map((s) => s.ours.toFixed(1)).join(', ')})`);
    console.log(`  hello-world activate() body     ${baseline.toFixed(1).padStart(7)} ms  (otel-flow-map ${(ours / baseline).toFixed(1)}x)`);
    console.log(`  code-server start to /healthz   ${start.toFixed(0).padStart(7)} ms  (otel-flow-map activate() ${((100 * ours) / start).toFixed(1)}% of it)`);
    if (ours >= LIMIT_MS) {
      console.error(`activate() takes ${ours.toFixed(1)} ms (limit ${LIMIT_MS} ms)`);
      return 1;
    }
    return 0;
  } finally {
    await browser?.close().catch(() => undefined);
    rmSync(dirs.tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`bench:activation: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  },
);
