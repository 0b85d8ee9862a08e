// Watches a folder tree with one non-recursive fs.watch per directory. Recursive fs.watch on
// Linux would also watch node_modules and the like (and can exhaust inotify watches); here
// skipped directories are never watched and the number of watched directories is capped.

import { watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { toPosix } from '../analysis/files';

export const MAX_WATCHED_DIRS = 4_000;

export interface TreeWatcherOptions {
  root: string;
  /** Whether a root-relative `/`-separated path (directories end with `/`) is of no interest. */
  skip: (relPath: string) => boolean;
  /** A file or directory changed, was added or removed (root-relative path). */
  onChange: (relPath: string) => void;
  log: (message: string) => void;
}

export class TreeWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private capped = false;
  private closed = false;

  constructor(private readonly opts: TreeWatcherOptions) {}

  /** Watches the directories present now: new ones are added, vanished ones closed. */
  async sync(): Promise<void> {
    const present = new Set<string>();
    const pending = [this.opts.root];
    while (pending.length > 0 && present.size < MAX_WATCHED_DIRS) {
      const dir = pending.pop()!;
      present.add(dir);
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        const abs = join(dir, e.name);
        if (e.isDirectory() && !this.opts.skip(`${this.rel(abs)}/`)) pending.push(abs);
      }
    }
    if (pending.length > 0 && !this.capped) {
      this.capped = true;
      this.opts.log(`watching only the first ${MAX_WATCHED_DIRS} folders of ${this.opts.root}`);
    }
    if (this.closed) return;
    for (const [dir, w] of this.watchers) {
      if (present.has(dir)) continue;
      w.close();
      this.watchers.delete(dir);
    }
    for (const dir of present) if (!this.watchers.has(dir)) this.watch(dir);
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  get size(): number {
    return this.watchers.size;
  }

  private watch(dir: string): void {
    try {
      const w = watch(dir, (_event, name) => {
        const rel = this.rel(name ? join(dir, name.toString()) : dir);
        if (!this.opts.skip(rel)) this.opts.onChange(rel);
      });
      // A directory removed under us, or a watch limit reached: drop it; the next sync decides.
      w.on('error', () => {
        w.close();
        this.watchers.delete(dir);
      });
      this.watchers.set(dir, w);
    } catch {
      // Vanished between readdir and watch, or no watches left: the next sync retries.
    }
  }

  private rel(abs: string): string {
    return toPosix(relative(this.opts.root, abs));
  }
}
