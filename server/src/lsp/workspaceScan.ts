// Background scan of the workspace folders for the language server: reads files in small
// slices and yields to the event loop between them, so requests and typing stay responsive.

import { readFile } from 'node:fs/promises';
import { listSourceFiles, ReadBudget } from '../analysis/files';
import type { ParseProblem } from '../analysis/types';
import type { WorkspaceAnalyzer } from '../analysis/workspace';

/** Work done between yields to the event loop. */
const SLICE_MS = 15;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Loads every included file not open in the editor, then computes each file's sites (so the
 * site index is warm). Stops early when `cancelled()` turns true (a newer scan started).
 */
export async function scanFolders(analyzer: WorkspaceAnalyzer, folders: string[], isOpen: (file: string) => boolean, cancelled: () => boolean): Promise<ParseProblem[]> {
  const skipped: ParseProblem[] = [];
  const loaded: string[] = [];
  const budget = new ReadBudget();
  let sliceStart = Date.now();
  const maybeYield = async () => {
    if (Date.now() - sliceStart < SLICE_MS) return;
    await yieldToEventLoop();
    sliceStart = Date.now();
  };
  for (const folder of folders) {
    const listing = await listSourceFiles(folder, analyzer.filter(folder));
    skipped.push(...listing.skipped);
    for (const file of listing.files) {
      if (cancelled()) return skipped;
      if (isOpen(file)) continue;
      const problem = await budget.admit(file);
      if (problem) {
        skipped.push({ file, message: problem });
        continue;
      }
      try {
        analyzer.updateFile(file, await readFile(file, 'utf8'));
        loaded.push(file);
      } catch (err) {
        skipped.push({ file, message: `unreadable: ${(err as Error).message}` });
      }
      await maybeYield();
    }
  }
  for (const file of loaded) {
    if (cancelled()) return skipped;
    analyzer.sitesOf(file);
    await maybeYield();
  }
  return skipped;
}
