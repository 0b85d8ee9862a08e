// The harness's side of the UI-check handshake (suite/uiCheck.ts): looks at the real workbench
// DOM through Playwright and writes the answer where the waiting suite polls for it.
import { renameSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { UI_CHECK_MARKER, uiCheckResultPath, type UiCheckRequest, type UiCheckResult } from './suite/uiCheck';

const UI_TIMEOUT_MS = 20_000;

/** The request carried by a line of extension-host output, if it is one. */
export function parseUiCheckRequest(line: string): UiCheckRequest | undefined {
  if (!line.startsWith(UI_CHECK_MARKER)) return undefined;
  try {
    const request = JSON.parse(line.slice(UI_CHECK_MARKER.length)) as UiCheckRequest;
    return typeof request.id === 'string' ? request : undefined;
  } catch {
    return undefined;
  }
}

export async function answerUiCheck(page: Page, runDir: string, request: UiCheckRequest): Promise<void> {
  const path = uiCheckResultPath(runDir, request.id);
  const result = await runUiCheck(page, request);
  if (!result.ok) {
    const shot = path.replace(/\.json$/, '.png');
    await page.screenshot({ path: shot }).then(() => result.details.push(`screenshot ${shot}`), () => undefined);
  }
  writeFileSync(`${path}.tmp`, JSON.stringify(result));
  renameSync(`${path}.tmp`, path); // the suite never reads a half-written answer
}

async function runUiCheck(page: Page, request: UiCheckRequest): Promise<UiCheckResult> {
  const details: string[] = [];
  try {
    const map = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    if (request.webviewSelector !== undefined) {
      await map.locator('body[data-host="vscode"]').waitFor({ state: 'attached', timeout: UI_TIMEOUT_MS });
      details.push('webview body has data-host="vscode"');
      const element = map.locator(request.webviewSelector).first();
      await element.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      details.push(`webview shows ${request.webviewSelector}: ${JSON.stringify(await element.textContent())}`);
    }
    if (request.clickInWebview !== undefined) {
      const target = map.locator(request.clickInWebview).first();
      // Read before clicking: the click may hide the webview (e.g. an editor opens over it).
      const text = await target.textContent({ timeout: UI_TIMEOUT_MS });
      await target.click({ timeout: UI_TIMEOUT_MS });
      details.push(`clicked ${request.clickInWebview}: ${JSON.stringify(text)}`);
    }
    if (request.statusBarText !== undefined) {
      const item = page.locator('.statusbar-item', { hasText: request.statusBarText }).first();
      await item.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      details.push(`status bar shows ${JSON.stringify(await item.innerText())}`);
      if (request.clickStatusBar) await item.click();
    }
    if (request.clickNotification !== undefined) {
      const { text, button } = request.clickNotification;
      // Toasts or the notification center (which the suite may open): both render list items.
      const items = page.locator('.notification-list-item');
      const item = items.filter({ hasText: text }).first();
      await item.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS }).catch(async (e: Error) => {
        throw new Error(`${e.message.split('\n')[0]}; notifications shown: ${JSON.stringify(await items.allInnerTexts())}`);
      });
      details.push(`notification ${JSON.stringify(await item.locator('.notification-list-item-message').innerText())}`);
      await item.getByRole('button', { name: button }).click();
      details.push(`clicked ${JSON.stringify(button)}`);
    }
    if (request.pickQuickPick !== undefined) {
      const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      const row = rows.filter({ hasText: request.pickQuickPick }).first();
      await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS }).catch(async (e: Error) => {
        throw new Error(`${e.message.split('\n')[0]}; quick pick shows: ${JSON.stringify(await rows.allInnerTexts())}`);
      });
      details.push(`quick pick shows ${JSON.stringify(await rows.allInnerTexts())}`);
      await row.click();
      details.push(`picked ${JSON.stringify(request.pickQuickPick)}`);
    }
    return { id: request.id, ok: true, details };
  } catch (e) {
    details.push(e instanceof Error ? e.message.split('\n')[0] : String(e));
    return { id: request.id, ok: false, details };
  }
}
