// `npm run test:vscode`: the integration suite (the same phases and mocha tests as harness.ts) in
// a downloaded Electron VS Code through @vscode/test-electron, for a desktop or a CI runner that
// can download VS Code. Machines without that access use the code-server harness
// (`npm run test:integration`, docs/testing.md); there the download fails and this exits 2 at once
// with a message saying so. UI checks (suite/uiCheck.ts) are answered through Playwright over the
// Chrome DevTools Protocol of VS Code's own window (--remote-debugging-port), as the harness
// answers them in code-server's page. VSCODE_VERSION picks the version (default: the manifest's
// minimum, engines.vscode). Prints the mocha output and a closing `N passed, N failed` line.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createProfile, freePort, prepareRunDir, repoRoot, type RunDirs } from './codeServer';
import { compileSuite, restrictedPhase, type SuitePhase } from './phases';
import { uiCheckResultPath, type UiCheckRequest } from './suite/uiCheck';
import { answerUiCheck } from './uiChecks';

/** No byte from the download server for this long means it cannot be reached (test-electron's idle timeout). */
const DOWNLOAD_IDLE_MS = 15_000;
const CDP_POLL_MS = 250;

interface Counts {
  passed: number;
  failed: number;
}

function minimumVersion(): string {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { engines: { vscode: string } };
  return manifest.engines.vscode.replace(/^[^\d]*/, '');
}

/** VS Code could not be downloaded: exit 2 with the way to run the suite here instead. */
class DownloadError extends Error {}

async function download(version: string): Promise<string> {
  try {
    return await downloadAndUnzipVSCode({ version, cachePath: join(repoRoot, '.vscode-test'), timeout: DOWNLOAD_IDLE_MS });
  } catch (e) {
    throw new DownloadError(
      `could not download VS Code ${version} (${e instanceof Error ? e.message : String(e)}).\n` +
        'This machine cannot reach VS Code\'s download server: run the same suite in code-server with `npm run test:integration` (docs/testing.md).',
    );
  }
}

/** Answers the suite's UI checks from the request files it writes, through the window's DevTools protocol. */
function answerUiChecks(dirs: RunDirs, cdpPort: number): { stop(): Promise<void> } {
  let browser: Browser | undefined;
  let page: Page | undefined;
  let stopped = false;
  const answered = new Set<string>();
  const loop = (async () => {
    while (!stopped) {
      await new Promise((r) => setTimeout(r, CDP_POLL_MS));
      try {
        if (!page) {
          browser ??= await chromium.connectOverCDP(`http://127.0.0.1:${cdpPort}`);
          page = browser.contexts().flatMap((c) => c.pages()).find((p) => p.url().includes('workbench'));
          if (!page) continue;
        }
        for (const f of readdirSync(dirs.root).filter((n) => n.endsWith('.request') && !answered.has(n))) {
          const request = JSON.parse(readFileSync(join(dirs.root, f), 'utf8')) as UiCheckRequest;
          if (existsSync(uiCheckResultPath(dirs.root, request.id))) continue;
          answered.add(f);
          await answerUiCheck(page, dirs.root, request);
        }
      } catch {
        // The window is not up yet, or went: try again on the next tick.
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await browser?.close().catch(() => undefined);
    },
  };
}

async function runPhase(dirs: RunDirs, executable: string, phase: SuitePhase): Promise<Counts> {
  const suiteIndex = await compileSuite(dirs, phase);
  rmSync(join(dirs.root, 'results.json'), { force: true });
  const ports = { grpcPort: await freePort(), httpPort: await freePort() };
  const profile = createProfile(dirs, `electron-${phase.name}`, ports, phase.settings);
  const cdpPort = await freePort();
  const ui = answerUiChecks(dirs, cdpPort);
  let code: number;
  try {
    code = await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suiteIndex,
      launchArgs: [
        phase.target,
        '--user-data-dir', profile.userData,
        '--extensions-dir', profile.extensions,
        ...(phase.workspaceTrust ? [] : ['--disable-workspace-trust']),
        '--skip-welcome', '--skip-release-notes', '--disable-telemetry', '--disable-updates',
        `--remote-debugging-port=${cdpPort}`,
      ],
      extensionTestsEnv: { ...dirs.env },
    }).catch(() => 1);
  } finally {
    await ui.stop();
  }
  try {
    const counts = JSON.parse(readFileSync(join(dirs.root, 'results.json'), 'utf8')) as Counts;
    return code === 0 || counts.failed > 0 ? counts : { ...counts, failed: counts.failed + 1 };
  } catch {
    return { passed: 0, failed: 1 }; // the suite failed before mocha reported
  }
}

async function main(): Promise<number> {
  const version = process.env.VSCODE_VERSION ?? minimumVersion();
  const executable = await download(version);
  // Built after the download, so a machine that cannot download is told so at once.
  const build = spawnSync(process.execPath, [join(repoRoot, 'esbuild.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the build (node esbuild.mjs) failed');
  const dirs = prepareRunDir();
  try {
    const dev = await runPhase(dirs, executable, { name: 'dev', tests: 'suite', target: dirs.workspace });
    const restricted = await runPhase(dirs, executable, restrictedPhase(dirs));
    const total = { passed: dev.passed + restricted.passed, failed: dev.failed + restricted.failed };
    console.log(`\nElectron VS Code ${version}, run folder ${dirs.root}`);
    console.log(`${total.passed} passed, ${total.failed} failed`);
    return total.failed === 0 ? 0 : 1;
  } finally {
    rmSync(dirs.tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`test:vscode: ${e instanceof Error ? e.message : String(e)}`);
    console.log('0 passed, 1 failed');
    process.exit(2);
  },
);
