// The trace view in a test page: opening a trace from a selection's "Recent traces", and the
// layout checks (text boxes over other text boxes, text cut by an ellipsis with no tooltip).
import type { Page } from 'playwright-core';
import { overlappingPairs, type TextBox } from './overlaps';

const TEXTS = '.trace-view :is(.trace-title, .trace-meta-line > span, .trace-service-name, .trace-controls button, .trace-controls label, .wf-head .wf-cell:not(.wf-axis), .wf-tick, .wf-span-name, .wf-badge, .wf-service, .code-link, .wf-dur, .exception-type, .exception-message, .log-time, .log-severity, .log-body, .span-pane-title, .span-pane h4, .span-pane th, .span-pane td), .details .trace-item :is(.trace-root, .trace-ago, .trace-meta)';

/** Pairs of visible text boxes of the trace view and the trace list that intersect (by more than half a pixel). */
export async function overlappingTraceTexts(page: Page): Promise<string[]> {
  const boxes = await page.evaluate((selector) => {
    const boxes: TextBox[] = [];
    for (const t of Array.from(document.querySelectorAll<HTMLElement>(selector))) {
      if (!t.textContent || !t.getClientRects().length || getComputedStyle(t).display === 'none') continue;
      // Only what its scrolling container shows.
      const clip = t.closest('.wf-scroll, .span-pane, .details');
      const box = t.getBoundingClientRect();
      const c = clip?.getBoundingClientRect() ?? box;
      // Rows under the sticky axis header are hidden by it.
      const head = t.closest('.wf-head') ? null : t.closest('.wf-scroll')?.querySelector('.wf-head')?.getBoundingClientRect();
      const top = Math.max(box.top, c.top, head?.bottom ?? -Infinity);
      const bottom = Math.min(box.bottom, c.bottom);
      if (bottom <= top) continue;
      boxes.push({ name: `${t.className}:${t.textContent.slice(0, 40)}`, left: box.left, top, right: box.right, bottom });
    }
    return boxes;
  }, TEXTS);
  return overlappingPairs(boxes);
}

/** Texts whose content is wider than their box (cut by an ellipsis) with no title on them or their row. */
export function truncatedWithoutTitle(page: Page): Promise<string[]> {
  return page.evaluate((selector) => {
    const out: string[] = [];
    for (const t of Array.from(document.querySelectorAll<HTMLElement>(selector))) {
      if (!t.getClientRects().length || t.scrollWidth <= t.clientWidth + 1) continue;
      if (!t.closest('[title]')) out.push(`${t.className}:${t.textContent}`);
    }
    return out;
  }, TEXTS);
}

/** Clicks `target` (an edge's or node's shape) and opens the trace `traceId` from its "Recent traces". */
export async function openTraceFrom(page: Page, target: string, traceId: string): Promise<void> {
  await page.dispatchEvent(target, 'click');
  const item = page.locator(`.details button.trace-item[data-trace-id="${traceId}"]`);
  await item.waitFor({ timeout: 30_000 });
  await item.click();
  await page.waitForSelector(`.trace-view[data-state="shown"][data-trace-id="${traceId}"] .wf-span`);
}
