// Which workspace file a runtime path names (a span's code.file.path, often absolute and from
// another machine or container): shared by the map's code links and the servers' trace code
// lines, so both hosts link a span to the same file or to none.

const segments = (path: string): string[] => path.split(/[\\/]+/).filter((s) => s.length > 0 && s !== '.');

/**
 * The known site file a runtime path (often absolute, from another machine or container) names:
 * the one sharing the longest suffix of whole path segments with it, where one path must end
 * with all of the other (so `b/x.ts` never stands for `/src/a/x.ts`). Null when nothing
 * matches or two files tie for the best match: a path is never invented.
 */
export function resolveRuntimeFile(runtimePath: string, siteFiles: Iterable<string>): string | null {
  return runtimeFileResolver(siteFiles)(runtimePath);
}

export type RuntimeFileResolver = (runtimePath: string) => string | null;

/** resolveRuntimeFile with the site files indexed by file name once (the panel re-renders often). */
export function runtimeFileResolver(siteFiles: Iterable<string>): RuntimeFileResolver {
  const byName = new Map<string, Array<{ file: string; parts: string[] }>>();
  for (const file of new Set(siteFiles)) {
    const parts = segments(file);
    const name = parts[parts.length - 1];
    if (name === undefined) continue;
    const list = byName.get(name);
    if (list) list.push({ file, parts });
    else byName.set(name, [{ file, parts }]);
  }
  return (runtimePath) => {
    const wanted = segments(runtimePath);
    // `..` could climb out of the matched folder: such a path names no file we can vouch for.
    if (wanted.includes('..')) return null;
    let best: string | null = null;
    let bestLength = 0;
    let tied = false;
    for (const { file, parts } of byName.get(wanted[wanted.length - 1] ?? '') ?? []) {
      const shorter = Math.min(parts.length, wanted.length);
      let n = 0;
      while (n < shorter && parts[parts.length - 1 - n] === wanted[wanted.length - 1 - n]) n++;
      if (n < shorter || n < bestLength) continue;
      tied = n === bestLength;
      best = file;
      bestLength = n;
    }
    return tied ? null : best;
  };
}
