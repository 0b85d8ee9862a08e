// Maps file paths to workspace folders: workspace-relative names for site summaries, and
// runtime code.file.path values (absolute paths from a running service, maybe another machine
// or a container) to workspace files by longest path-suffix match. Never outside the folders.

import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

/** `file` relative to the folder containing it (deepest folder wins), with `/`; undefined when outside all. */
export function relativeToFolders(file: string, folders: string[]): { folder: string; relative: string } | undefined {
  let best: { folder: string; relative: string } | undefined;
  for (const folder of folders) {
    const rel = relative(folder, file);
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) continue;
    if (!best || folder.length > best.folder.length) best = { folder, relative: rel.split(sep).join('/') };
  }
  return best;
}

const MAX_CACHE = 2_000;

/** Resolves runtime paths to workspace files, caching answers (bounded). */
export class RuntimePathResolver {
  private cache = new Map<string, { folder: string; relative: string } | null>();

  constructor(private readonly folders: () => string[]) {}

  resolve(runtimePath: string): { folder: string; relative: string } | undefined {
    const hit = this.cache.get(runtimePath);
    if (hit !== undefined) return hit ?? undefined;
    const found = this.lookup(runtimePath);
    if (this.cache.size >= MAX_CACHE) this.cache.clear();
    this.cache.set(runtimePath, found ?? null);
    return found;
  }

  /** Folders changed or files were added: forget earlier answers. */
  invalidate(): void {
    this.cache.clear();
  }

  private lookup(runtimePath: string): { folder: string; relative: string } | undefined {
    if (runtimePath.length > 4096 || runtimePath.includes('\0')) return undefined;
    const parts = runtimePath.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
    if (parts.length === 0 || parts.includes('..')) return undefined;
    // Longest suffix first: /srv/app/src/a.ts tries app/src/a.ts, then src/a.ts, then a.ts.
    for (let i = 0; i < parts.length; i++) {
      const suffix = parts.slice(i).join('/');
      for (const folder of this.folders()) {
        const candidate = join(folder, ...parts.slice(i));
        if (!existsSync(candidate)) continue;
        const inside = relativeToFolders(safeRealpath(candidate), this.folders().map(safeRealpath));
        if (inside) return { folder, relative: suffix };
      }
    }
    return undefined;
  }
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
