// Background scan of the workspace folders for an editor session: reads files in parallel
// batches, feeds them to the analyzer in small slices and yields to the event loop between them, so requests and typing stay responsive.

import { readFile } from 'node:fs/promises';
import { listSourceFiles, ReadBudget } from './files';
import type { ParseProblem } from './types';
import type { WorkspaceAnalyzer } from './workspace';

/** Work done between yields to the event loop. */
const SLICE_MS = 15;
/** Files read at once: enough to keep the disk busy, few enough that their text is not held for long. */
const READ_BATCH = 32;

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
    const files = listing.files.filter((file) => !isOpen(file));
    // The reads of a batch overlap (libuv's pool serves them together; one by one, each waited a
    // round trip); the analyzer itself is fed one file at a time, in listing order.
    for (let i = 0; i < files.length; i += READ_BATCH) {
      if (cancelled()) return skipped;
      const batch = await Promise.all(files.slice(i, i + READ_BATCH).map(async (file) => {
        const problem = await budget.admit(file);
        if (problem) return { file, problem };
        try {
          return { file, text: await readFile(file, 'utf8') };
        } catch (err) {
          return { file, problem: `unreadable: ${(err as Error).message}` };
        }
      }));
      for (const r of batch) {
        if (cancelled()) return skipped;
        if (r.text === undefined) {
          skipped.push({ file: r.file, message: r.problem ?? 'unreadable' });
          continue;
        }
        analyzer.updateFile(r.file, r.text);
        loaded.push(r.file);
        await maybeYield();
      }
    }
  }
  for (const file of loaded) {
    if (cancelled()) return skipped;
    analyzer.sitesOf(file);
    await maybeYield();
  }
  return skipped;
}
