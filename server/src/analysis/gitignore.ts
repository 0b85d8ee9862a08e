// `.gitignore` files as git reads them: each folder's file applies to the paths below it, a
// deeper file's patterns (and its `!` negations) win over a shallower one's, and the files of the
// folders above a scan root count too, up to the repository root (the folder holding `.git`) —
// or up to the file-system root outside a repository, as ruff does, so a plain project folder
// with a `.gitignore` behaves the same whether or not it is a clone.

import { readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

export interface Rules {
  base: string;
  ignore: Ignore;
}

export class Gitignores {
  /** Per folder: the rules that apply inside it, outermost first. */
  private readonly byFolder = new Map<string, Promise<readonly Rules[]>>();

  /** Whether git would ignore `path` (absolute); `isDir` for folders, whose patterns may end in `/`. */
  async ignores(path: string, isDir: boolean): Promise<boolean> {
    return ignoredBy(await this.rulesIn(dirname(path)), path, isDir);
  }

  /** The rules that apply to entries of `folder` (memoized, so a walk reads each `.gitignore` once). */
  rulesIn(folder: string): Promise<readonly Rules[]> {
    let rules = this.byFolder.get(folder);
    if (!rules) this.byFolder.set(folder, (rules = this.load(folder)));
    return rules;
  }

  private async load(folder: string): Promise<readonly Rules[]> {
    const parent = dirname(folder);
    const inherited = parent === folder || (await exists(join(folder, '.git'))) ? [] : await this.rulesIn(parent);
    const text = await readFile(join(folder, '.gitignore'), 'utf8').catch(() => undefined);
    return text === undefined ? inherited : [...inherited, { base: folder, ignore: ignore().add(text) }];
  }
}

/** The last rule file that decides wins: a deeper `!pattern` re-includes what a shallower file ignored. */
export function ignoredBy(rules: readonly Rules[], path: string, isDir: boolean): boolean {
  let ignored = false;
  for (const r of rules) {
    const rel = relative(r.base, path);
    if (!rel || rel.startsWith('..')) continue;
    const result = r.ignore.test((sep === '/' ? rel : rel.split(sep).join('/')) + (isDir ? '/' : ''));
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
