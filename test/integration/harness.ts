// Runs the integration tests in a real VS Code: code-server 4.100.3 (installed by
// `npm run setup:test`) opened in headless Debian Chromium (see testing.md).
//  1. suite: this repo as the extension under development, test/integration/suite/ as the
//     extension tests (mocha inside the extension host), UI checks answered through Playwright;
//  2. restricted: a multi-root workspace opened untrusted (restricted mode), test/integration/restricted/;
//  3. packaged: the build packaged into a .vsix, installed with --install-extension, activated.
// Usage: npx tsx test/integration/harness.ts [--skip-packaged]  (needs a build in dist/)
// Prints the mocha output and a closing `N passed, N failed` line. Exit code 0/1 from the tests,
// 2 when the harness itself fails (no code-server, timeout, code-server died).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import {
  createProfile, freePort, HarnessError, launchChromium, prepareRunDir, remoteUri, repoRoot, startCodeServer, workbenchUrl,
  type ReceiverPorts, type RunDirs,
} from './codeServer';
import { checkPackagedExtension } from './packagedCheck';
import { compileSuite, restrictedPhase, type SuitePhase } from './phases';
import { answerUiCheck, parseUiCheckRequest } from './uiChecks';

const SUITE_TIMEOUT_MS = 150_000;

interface Counts {
  passed: number;
  failed: number;
}

function formatLogArgs(args: unknown): string {
  const list = Array.isArray(args) ? args : [args];
  return list.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
}

/** The extension tests inside VS Code; resolves with their counts. */
async function runSuite(dirs: RunDirs, browser: Browser, ports: ReceiverPorts, phase: SuitePhase): Promise<Counts> {
  const suiteIndex = await compileSuite(dirs, phase);
  rmSync(join(dirs.root, 'results.json'), { force: true });
  const server = await startCodeServer(dirs, createProfile(dirs, phase.name, ports, phase.settings), { workspaceTrust: phase.workspaceTrust });
  const page = await browser.newPage();
  let timer: NodeJS.Timeout | undefined;
  try {
    let reportExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((r) => (reportExit = r));
    // VS Code's web workbench calls these itself: the tests' exit code and the extension host's console.
    await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));
    await page.exposeFunction('codeAutomationLog', (_level: string, args: unknown) => {
      const line = formatLogArgs(args);
      const uiCheck = parseUiCheckRequest(line);
      if (uiCheck) void answerUiCheck(page, dirs.root, uiCheck);
      else console.log(line);
    });
    await page.goto(workbenchUrl(server.port, phase.target, [
      ['extensionDevelopmentPath', remoteUri(server.port, repoRoot)],
      ['extensionTestsPath', remoteUri(server.port, suiteIndex)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ]));
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HarnessError(`the suite did not finish within ${SUITE_TIMEOUT_MS / 1000} s`)), SUITE_TIMEOUT_MS);
    });
    const code = await Promise.race([exited, server.died, timeout]);
    const counts = readCounts(dirs);
    if (!counts) return { passed: 0, failed: 1 }; // the suite failed before mocha reported
    return code === 0 || counts.failed > 0 ? counts : { ...counts, failed: counts.failed + 1 };
  } finally {
    clearTimeout(timer);
    await page.close().catch(() => undefined);
    server.stop();
  }
}

function readCounts(dirs: RunDirs): Counts | undefined {
  try {
    return JSON.parse(readFileSync(join(dirs.root, 'results.json'), 'utf8')) as Counts;
  } catch {
    return undefined;
  }
}

/** Last phase: one test, printed like mocha's. A harness failure here still keeps the suites' counts. */
async function runPackaged(dirs: RunDirs, browser: Browser, ports: ReceiverPorts): Promise<Counts & { harnessError?: boolean }> {
  const title = 'the packaged .vsix installs with --install-extension and activates';
  console.log('\n  Packaged extension');
  try {
    console.log(`    ✔ ${title}\n      ${await checkPackagedExtension(dirs, browser, ports)}`);
    return { passed: 1, failed: 0 };
  } catch (e) {
    console.log(`    ✗ ${title}\n      ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    return { passed: 0, failed: 1, harnessError: e instanceof HarnessError };
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const dirs = prepareRunDir();
  let browser: Browser | undefined;
  try {
    const ports = { grpcPort: await freePort(), httpPort: await freePort() };
    browser = await launchChromium(dirs);
    const dev = await runSuite(dirs, browser, ports, { name: 'dev', tests: 'suite', target: dirs.workspace });
    const restricted = await runSuite(dirs, browser, ports, restrictedPhase(dirs));
    const suite = { passed: dev.passed + restricted.passed, failed: dev.failed + restricted.failed };
    const packaged: Awaited<ReturnType<typeof runPackaged>> = process.argv.includes('--skip-packaged') ? { passed: 0, failed: 0 } : await runPackaged(dirs, browser, ports);
    const total = { passed: suite.passed + packaged.passed, failed: suite.failed + packaged.failed };
    console.log(`\nintegration: ${((Date.now() - started) / 1000).toFixed(1)} s, run folder ${dirs.root}`);
    console.log(`${total.passed} passed, ${total.failed} failed`);
    return packaged.harnessError ? 2 : total.failed === 0 ? 0 : 1;
  } finally {
    await browser?.close().catch(() => undefined);
    rmSync(dirs.tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`integration harness: ${e instanceof Error ? e.message : String(e)}`);
    console.log('0 passed, 1 failed');
    process.exit(2);
  },
);
