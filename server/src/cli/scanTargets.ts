// What `scan` was asked to look at: each argument is a file, a folder, or — when no such path
// exists — a glob (picomatch semantics, nested braces included) expanded with tinyglobby. A
// missing path, or a glob that matches nothing, is a usage error (exit 2), as in ESLint: a CI
// job that scans nothing because of a typo must not pass.

import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { matchesAny, toPosix } from '../analysis/files';
import { Gitignores } from '../analysis/gitignore';

export interface TargetOptions {
  cwd: string;
  /** Applied to glob matches (relative to `cwd`), as `exclude` is to folder contents. */
  exclude: readonly string[];
}

/** Absolute files and folders to scan, or the message of the first argument that names nothing. */
export async function resolveTargets(args: readonly string[], opts: TargetOptions): Promise<{ targets: string[] } | { error: string }> {
  const targets: string[] = [];
  const gitignores = new Gitignores();
  for (const arg of args.length ? args : ['.']) {
    const path = isAbsolute(arg) ? arg : resolve(opts.cwd, arg);
    if (await stat(path).then(() => true, () => false)) {
      targets.push(path);
      continue;
    }
    if (!isDynamicPattern(arg)) return { error: `No such file or directory: ${arg}` };
    const matches = await glob(arg, { cwd: opts.cwd, absolute: true, dot: true, onlyFiles: true, followSymbolicLinks: false, expandDirectories: false });
    const kept: string[] = [];
    for (const file of matches.sort()) {
      if (!matchesAny(toPosix(relative(opts.cwd, file)), opts.exclude) && !(await gitignores.ignores(file, false))) kept.push(file);
    }
    if (kept.length === 0) return { error: `No files matching the pattern: ${arg}` };
    targets.push(...kept);
  }
  return { targets };
}
