// Minimal glob matching for include/exclude settings (`**`, `*`, `?`, `{a,b}`), matched
// against `/`-separated paths relative to a workspace root. Node 20 has no path.matchesGlob.

const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  const cached = cache.get(glob);
  if (cached) return cached;
  let re = '';
  let inGroup = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more directories; a trailing `**` matches everything below.
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      inGroup = true;
      re += '(?:';
    } else if (c === '}' && inGroup) {
      inGroup = false;
      re += ')';
    } else if (c === ',' && inGroup) re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  // A pattern without a slash matches a file name in any directory, as in .gitignore.
  const anchored = glob.includes('/') ? `^${re}$` : `(?:^|/)${re}$`;
  const regexp = new RegExp(anchored);
  if (cache.size > 500) cache.clear();
  cache.set(glob, regexp);
  return regexp;
}

/** True when `relPath` matches any of the globs. */
export function matchesAny(relPath: string, globs: readonly string[]): boolean {
  return globs.some((g) => globToRegExp(g).test(relPath));
}

/** include (empty = everything) minus exclude; `relPath` uses `/`. */
export function isIncluded(relPath: string, include: readonly string[], exclude: readonly string[]): boolean {
  if (include.length > 0 && !matchesAny(relPath, include)) return false;
  return !matchesAny(relPath, exclude);
}
