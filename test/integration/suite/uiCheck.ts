// A handshake between the suite (in the extension host) and the harness (which drives Chromium):
// the suite logs a request line (and writes it to a file, for a runner that cannot read the
// extension host's output: Electron VS Code, electron.ts), the harness checks the workbench UI
// through Playwright and writes the answer next to the run's results, and the suite polls for it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './poll';

export const UI_CHECK_MARKER = '@@otel-flow-map:ui-check ';

export interface UiCheckRequest {
  id: string;
  /** A CSS selector of an element the map webview must show, e.g. `g.node[data-node-id="service:x"]`. */
  webviewSelector?: string;
  /** A CSS selector of an element in the map webview to click (after the check above). */
  clickInWebview?: string;
  /** Text the extension's status bar item must contain. */
  statusBarText?: string;
  /** Click that status bar item. */
  clickStatusBar?: boolean;
  /** Pick the quick-pick row with this label (e.g. after a command opened a quick pick). */
  pickQuickPick?: string;
  /** Clicks this button on the notification whose message contains `text`. */
  clickNotification?: { text: string; button: string };
}

export interface UiCheckResult {
  id: string;
  ok: boolean;
  /** What was found, or why not. */
  details: string[];
}

export function uiCheckResultPath(runDir: string, id: string): string {
  return join(runDir, `ui-check-${id.replace(/[^\w-]/g, '_')}.json`);
}

/** Where a request is written for runners that poll the run dir. */
export function uiCheckRequestPath(runDir: string, id: string): string {
  return uiCheckResultPath(runDir, id).replace(/\.json$/, '.request');
}

/** Called from the suite: the run dir is the parent of the compiled suite folder. */
export async function requestUiCheck(request: UiCheckRequest, timeoutMs = 30_000): Promise<UiCheckResult> {
  const runDir = join(__dirname, '..');
  const path = uiCheckResultPath(runDir, request.id);
  writeFileSync(uiCheckRequestPath(runDir, request.id), JSON.stringify(request));
  console.log(UI_CHECK_MARKER + JSON.stringify(request));
  return waitFor(`the harness's UI check ${request.id}`, () => (existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as UiCheckResult) : undefined), timeoutMs);
}
