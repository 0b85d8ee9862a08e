// Finds the workspace file behind a Python module name, for imports: `from .names import X`
// relative to the importing file, `from shop.names import X` by path suffix (the workspace root
// need not be the import root), preferring the candidate closest to the importing file.

import { basename, dirname, join } from 'node:path';

export class ModuleIndex {
  /** Last module segment (`names` for names.py and names/__init__.py) -> files. */
  private readonly byName = new Map<string, Set<string>>();

  add(file: string): void {
    const key = moduleKey(file);
    let files = this.byName.get(key);
    if (!files) this.byName.set(key, (files = new Set()));
    files.add(file);
  }

  remove(file: string): void {
    this.byName.get(moduleKey(file))?.delete(file);
  }

  /**
   * The dotted name Python gives `file` as a module (its `__name__` when imported): its path
   * below the nearest folder without `__init__.py`, e.g. `shop/orders/api.py` -> `shop.orders.api`
   * (a lone script is its file stem). Only workspace files count as package markers.
   */
  moduleName(file: string): string {
    const segments = basename(file) === '__init__.py' ? [] : [basename(file).replace(/\.pyi?$/, '')];
    for (let dir = dirname(file); this.has(join(dir, '__init__.py')) && dirname(dir) !== dir; dir = dirname(dir)) segments.unshift(basename(dir));
    return segments.join('.');
  }

  resolve(fromFile: string, module: string): string | undefined {
    const dots = /^\.*/.exec(module)?.[0].length ?? 0;
    const segments = module.slice(dots).split('.').filter(Boolean);
    const from = slashes(fromFile);
    if (dots > 0) {
      let base = dirname(from);
      for (let i = 1; i < dots; i++) base = dirname(base);
      const path = [base, ...segments].join('/');
      return this.find(segments.length ? segments[segments.length - 1] : basename(base), (f) => f === `${path}.py` || f === `${path}/__init__.py`);
    }
    if (segments.length === 0) return undefined;
    const suffix = `/${segments.join('/')}`;
    const candidates = this.findAll(segments[segments.length - 1], (f) => f.endsWith(`${suffix}.py`) || f.endsWith(`${suffix}/__init__.py`));
    return candidates.sort((a, b) => sharedPrefix(slashes(b), from) - sharedPrefix(slashes(a), from))[0];
  }

  private has(file: string): boolean {
    return this.byName.get(moduleKey(file))?.has(file) ?? false;
  }

  private find(key: string, accept: (file: string) => boolean): string | undefined {
    return this.findAll(key, accept)[0];
  }

  private findAll(key: string, accept: (file: string) => boolean): string[] {
    return [...(this.byName.get(key) ?? [])].filter((f) => accept(slashes(f)));
  }
}

function moduleKey(file: string): string {
  const name = basename(file).replace(/\.pyi?$/, '');
  return name === '__init__' ? basename(dirname(file)) : name;
}

function slashes(path: string): string {
  return path.replace(/\\/g, '/');
}

function sharedPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
