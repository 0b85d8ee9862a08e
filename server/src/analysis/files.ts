// Lists the source files under a folder for a scan: include/exclude globs (relative to the
// folder, `/`-separated), excluded directories pruned, symlinks not followed, and bounded in
// count and size so a huge or hostile tree cannot exhaust memory.

import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { isIncluded, matchesAny } from './glob';

export const MAX_FILES = 50_000;
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface FileFilter {
  extensions: ReadonlySet<string>;
  include: readonly string[];
  exclude: readonly string[];
}

export interface Listing {
  files: string[];
  /** Files or folders left out with the reason (too large, unreadable, limit reached). */
  skipped: { file: string; message: string }[];
}

export function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

export function acceptsFile(relPath: string, filter: FileFilter): boolean {
  return filter.extensions.has(extname(relPath)) && isIncluded(relPath, filter.include, filter.exclude);
}

export async function listSourceFiles(root: string, filter: FileFilter): Promise<Listing> {
  const out: Listing = { files: [], skipped: [] };
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      out.skipped.push({ file: dir, message: `unreadable: ${(err as Error).message}` });
      continue;
    }
    for (const e of entries) {
      const abs = join(dir, e.name);
      const rel = toPosix(relative(root, abs));
      if (e.isDirectory()) {
        if (!matchesAny(`${rel}/`, filter.exclude)) pending.push(abs);
      } else if (e.isFile() && acceptsFile(rel, filter)) {
        if (out.files.length >= MAX_FILES) {
          out.skipped.push({ file: abs, message: `file limit of ${MAX_FILES} reached` });
          return out;
        }
        out.files.push(abs);
      }
    }
  }
  out.files.sort();
  return out;
}

export const MAX_TOTAL_BYTES = 512 * 1024 * 1024;

/**
 * Size checks before reading: generated bundles and data files are not source worth analysing,
 * and the text kept for a whole workspace stays under a total budget.
 */
export class ReadBudget {
  private total = 0;

  /** undefined when the file may be read (its size is then counted), else why not. */
  async admit(file: string): Promise<string | undefined> {
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch (err) {
      return `unreadable: ${(err as Error).message}`;
    }
    if (size > MAX_FILE_BYTES) return `larger than ${MAX_FILE_BYTES} bytes`;
    if (this.total + size > MAX_TOTAL_BYTES) return `workspace text budget of ${MAX_TOTAL_BYTES} bytes reached`;
    this.total += size;
    return undefined;
  }
}
