// Decides whether a location the webview asks to open is a file inside the workspace. Paths come
// from span attributes and the webview, so they are hostile input (invariant 6): relative paths
// resolve against each folder, absolute ones must already lie inside one, and symlinks may not
// lead out. No `vscode` import: unit-tested with real files.

import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** Lexical candidates for `file` inside the folders, most likely first; never a path outside them. */
export function candidatePaths(file: string, folders: readonly string[]): string[] {
  if (file.length === 0 || file.includes('\0')) return [];
  const paths = isAbsolute(file) ? [resolve(file)] : folders.map((f) => resolve(f, file));
  return paths.filter((p) => folders.some((f) => isInside(p, f)));
}

/** The real path of an existing regular file inside a workspace folder, or undefined. */
export async function resolveWorkspaceFile(file: string, folders: readonly string[]): Promise<string | undefined> {
  const realFolders = await Promise.all(folders.map((f) => realpath(f).catch(() => undefined)));
  const roots = realFolders.filter((f): f is string => f !== undefined);
  for (const candidate of candidatePaths(file, folders)) {
    const real = await realpath(candidate).catch(() => undefined);
    if (real === undefined || !roots.some((r) => isInside(real, r))) continue;
    if ((await stat(real)).isFile()) return real;
  }
  return undefined;
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
