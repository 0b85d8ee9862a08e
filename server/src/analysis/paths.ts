// File paths on every platform: a file path uses the platform's separator (and on Windows a drive),
// while globs, `.gitignore` rules and the contract's workspace-relative paths use `/`. Each helper
// takes the path flavour, so tests check Windows semantics with path.win32 on any OS.

import * as nodePath from 'node:path';

/** The parts of node:path these helpers use (path.win32 and path.posix are both one). */
export type PathFlavour = Pick<nodePath.PlatformPath, 'sep' | 'parse'>;

/** Whether `file` lies below `folder` (not the folder itself); `folder` may end with a separator. */
export function isBelow(file: string, folder: string, path: PathFlavour = nodePath): boolean {
  return file.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep) && file.length > folder.length;
}

/** A folder's path without trailing separators, as folders are compared and keyed; a root (`/`, `C:\`) keeps its own. */
export function folderPath(p: string, path: PathFlavour = nodePath): string {
  const { root } = path.parse(p);
  let end = p.length;
  while (end > root.length && (p[end - 1] === path.sep || p[end - 1] === '/')) end--;
  return p.slice(0, end);
}
