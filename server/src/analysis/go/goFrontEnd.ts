// The Go front-end: keeps every .go file of the workspace, parses the ones that may hold span
// sites (substring prefilter), and resolves names through the constants of the package (all
// files of the directory) and of imported workspace packages.

import type { AnalysisSettings } from '../../../../common/src/settings';
import type { FileSites, LanguageFrontEnd } from '../types';
import { DYNAMIC, SourceStore, createParser, evaluate, mayContainCall, wrapperCallNames, type StaticExpr, type StaticValue } from '../treeSitter';
import { PackageIndex, fileSymbols, type GoFileSymbols } from './goPackages';
import { goSites, type GoResolver } from './goSites';
import { isSemconvImport, semconvKey } from './semconv';

const MAX_RESOLUTION_DEPTH = 16;

export async function createGoFrontEnd(settings: AnalysisSettings): Promise<LanguageFrontEnd> {
  return new GoFrontEnd(new SourceStore(await createParser('go')), settings.wrapperFunctions);
}

class GoFrontEnd implements LanguageFrontEnd {
  readonly extensions = ['.go'] as const;
  private readonly packages = new PackageIndex();
  private readonly symbols = new Map<string, GoFileSymbols>();
  /** Cached results, with the files each one read constants from. */
  private readonly results = new Map<string, { sites: FileSites; dependencies: Set<string> }>();
  private readonly callNames: string[];

  constructor(
    private readonly store: SourceStore,
    private readonly wrappers: readonly string[],
  ) {
    this.callNames = ['.Start(', ...wrapperCallNames(wrappers)];
  }

  updateFile(file: string, text: string): void {
    const known = this.store.text(file) !== undefined;
    if (known && this.store.text(file) === text) return;
    this.store.setText(file, text);
    this.packages.add(file);
    this.invalidate(file, !known);
  }

  removeFile(file: string): void {
    this.store.remove(file);
    this.packages.remove(file);
    this.invalidate(file, true);
  }

  sitesOf(file: string): FileSites {
    const cached = this.results.get(file);
    if (cached) return cached.sites;
    const text = this.store.text(file);
    const dependencies = new Set<string>([file]);
    let sites: FileSites = { sites: [], problems: [] };
    if (text === undefined) {
      sites.problems.push({ file, message: 'File not loaded' });
    } else if (mayContainCall(text, this.callNames)) {
      sites = this.analyse(file, text, dependencies);
    }
    this.results.set(file, { sites, dependencies });
    return sites;
  }

  private analyse(file: string, text: string, dependencies: Set<string>): FileSites {
    try {
      const tree = this.store.tree(file);
      if (!tree) return { sites: [], problems: [{ file, message: 'The Go parser gave up on this file' }] };
      if (!this.symbols.has(file)) this.symbols.set(file, fileSymbols(tree.rootNode));
      const resolver = this.resolverFor(file, dependencies);
      return { sites: goSites({ file, text, root: tree.rootNode, wrappers: this.wrappers, resolver }), problems: [] };
    } catch (error) {
      return { sites: [], problems: [{ file, message: `Go analysis failed: ${String(error)}` }] };
    }
  }

  /** Drops cached results that read `file`; a new or removed file may change any package. */
  private invalidate(file: string, fileSetChanged: boolean): void {
    this.symbols.delete(file);
    for (const [other, result] of this.results) {
      if (fileSetChanged || result.dependencies.has(file)) this.results.delete(other);
    }
  }

  private symbolsOf(file: string, dependencies: Set<string>): GoFileSymbols | undefined {
    dependencies.add(file);
    let symbols = this.symbols.get(file);
    if (!symbols) {
      symbols = this.store.withFreshTree(file, (tree) => fileSymbols(tree.rootNode));
      if (symbols) this.symbols.set(file, symbols);
    }
    return symbols;
  }

  /** The first declaration of `pick` among the files of a package, with the file declaring it. */
  private findInPackage<T>(files: string[], dependencies: Set<string>, pick: (s: GoFileSymbols) => T | undefined): { file: string; found: T } | undefined {
    for (const file of files) {
      const symbols = this.symbolsOf(file, dependencies);
      const found = symbols ? pick(symbols) : undefined;
      if (found !== undefined) return { file, found };
    }
    return undefined;
  }

  private resolverFor(file: string, dependencies: Set<string>): GoResolver {
    const own = this.symbolsOf(file, dependencies);
    const packageFiles = [file, ...this.packages.filesOfPackage(file).filter((f) => f !== file)];
    return {
      packageName: own?.packageName ?? '',
      value: (path) => this.valueIn(file, path, dependencies, 0),
      tracerVariable: (name) => {
        const hit = this.findInPackage(packageFiles, dependencies, (s) => s.tracers.get(name));
        return hit ? this.constantIn(hit.file, hit.found, dependencies, 0) : undefined;
      },
      tracerField: (name) => {
        const scope = this.findInPackage(packageFiles, dependencies, (s) => s.fieldScopes.get(name));
        if (scope) return { scope: this.constantIn(scope.file, scope.found, dependencies, 0) };
        return this.findInPackage(packageFiles, dependencies, (s) => (s.tracerFields.has(name) ? true : undefined)) ? { scope: null } : undefined;
      },
      isSemconv: (name) => isSemconvImport(own?.imports.get(name) ?? ''),
      attributePackage: [...(own?.imports ?? [])].find(([, path]) => path === 'go.opentelemetry.io/otel/attribute')?.[0] ?? 'attribute',
    };
  }

  /** Evaluates an expression declared in `file` (its imports and package apply). */
  private constantIn(file: string, expr: StaticExpr, dependencies: Set<string>, depth: number): StaticValue {
    return evaluate(expr, (path) => this.valueIn(file, path, dependencies, depth + 1));
  }

  /** Resolves `Name` (package level) or `pkg.Name` (imported) as seen from `file`. */
  private valueIn(file: string, path: string[], dependencies: Set<string>, depth: number): StaticValue {
    if (depth > MAX_RESOLUTION_DEPTH) return DYNAMIC;
    if (path.length === 1) {
      const files = [file, ...this.packages.filesOfPackage(file).filter((f) => f !== file)];
      const hit = this.findInPackage(files, dependencies, (s) => s.constants.get(path[0]));
      return hit ? this.constantIn(hit.file, hit.found, dependencies, depth) : DYNAMIC;
    }
    const importPath = this.symbolsOf(file, dependencies)?.imports.get(path[0]);
    if (!importPath || path.length !== 2) return DYNAMIC;
    if (isSemconvImport(importPath)) {
      const key = semconvKey(path[1]);
      return key ? { constant: true, value: key } : DYNAMIC;
    }
    const dir = this.packages.packageDir(importPath);
    const hit = dir ? this.findInPackage(this.packages.filesOfDir(dir), dependencies, (s) => s.constants.get(path[1])) : undefined;
    return hit ? this.constantIn(hit.file, hit.found, dependencies, depth) : DYNAMIC;
  }
}
