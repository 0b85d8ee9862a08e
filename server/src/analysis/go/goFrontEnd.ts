// The Go front-end: keeps every .go file of the workspace, parses the ones that may hold span
// sites (substring prefilter), and resolves names through the constants of the package (all
// files of the directory) and of imported workspace packages.

import type { AnalysisSettings } from '../../../../common/src/settings';
import type { Callable, LanguageFrontEnd, PassedArgument, SpanSite } from '../types';
import { DYNAMIC, evaluate, type StaticExpr, type StaticValue } from '../staticValues';
import { SourceStore } from '../sourceStore';
import { createParser } from '../treeSitter';
import { MAX_RESOLUTION_DEPTH, TreeSitterFrontEnd, type TreeSitterLanguage } from '../treeSitterFrontEnd';
import { goCallsTo } from './goCalls';
import { SpanHelperNames } from './goHelperSpans';
import { PackageIndex, fileSymbols, type GoFileSymbols } from './goPackages';
import { goSites, goSpans, type GoResolver } from './goSites';
import { importsOtel } from './goTypes';
import { isSemconvImport, semconvKey } from './semconv';

const GO: TreeSitterLanguage<GoFileSymbols, GoResolver> = {
  name: 'Go',
  extensions: ['.go'],
  spanCallNames: ['.Start('],
  symbols: fileSymbols,
  sites: goSites,
};

export async function createGoFrontEnd(settings: AnalysisSettings): Promise<LanguageFrontEnd> {
  return new GoFrontEnd(new SourceStore(await createParser('go')), settings.wrapperFunctions, new PackageIndex());
}

class GoFrontEnd extends TreeSitterFrontEnd<GoFileSymbols, GoResolver> {
  /** callsTo results per file, then per callee and index; dropped on any change (their values may read other files). */
  private readonly passed = new Map<string, Map<string, PassedArgument[]>>();
  /** helperSpansOf results per file; dropped on any change (a helper's signature lives in another file). */
  private readonly helperSpans = new Map<string, SpanSite[]>();
  private readonly helperNames = new SpanHelperNames(
    () => this.sources.files(), (file) => this.sources.text(file), (file) => this.symbolsOf(file, new Set()),
  );

  constructor(
    private readonly sources: SourceStore,
    private readonly wrapperNames: readonly string[],
    private readonly packages: PackageIndex,
  ) {
    super(GO, sources, wrapperNames, packages);
  }

  updateFile(file: string, text: string): void {
    if (this.sources.text(file) !== text) {
      this.passed.clear();
      this.helperSpans.clear();
      this.helperNames.drop(file);
    }
    super.updateFile(file, text);
  }

  removeFile(file: string): void {
    this.passed.clear();
    this.helperSpans.clear();
    this.helperNames.drop(file);
    super.removeFile(file);
  }

  callsTo(file: string, callee: Callable, index: number): PassedArgument[] {
    const text = this.sources.text(file);
    if (text === undefined || !text.includes(`${callee.name}(`)) return [];
    const key = `${callee.method ? '.' : ''}${callee.name}/${index}@${callee.dir ?? ''}`;
    let byCallee = this.passed.get(file);
    const cached = byCallee?.get(key);
    if (cached) return cached;
    let found: PassedArgument[] = [];
    const tree = this.sources.tree(file);
    if (tree) {
      try {
        const resolver = this.resolverFor(file, new Set([file]));
        found = goCallsTo({ file, text, root: tree.rootNode, wrappers: this.wrapperNames, resolver }, callee, index);
      } catch {
        // Like sitesOf, never throw on odd source: such a file simply passes nothing.
      }
    }
    if (!byCallee) this.passed.set(file, (byCallee = new Map<string, PassedArgument[]>()));
    byCallee.set(key, found);
    return found;
  }

  helperSpansOf(file: string): SpanSite[] {
    const cached = this.helperSpans.get(file);
    if (cached) return cached;
    const text = this.sources.text(file);
    let found: SpanSite[] = [];
    // Cheap prefilter, like the sites': a file that calls no helper holds no span from one.
    const tree = text !== undefined && this.helperNames.mayHold(text) ? this.sources.tree(file) : undefined;
    if (text !== undefined && tree) {
      try {
        const resolver = this.resolverFor(file, new Set([file]));
        found = goSpans({ file, text, root: tree.rootNode, wrappers: this.wrapperNames, resolver }, true).helperSpans;
      } catch {
        // Like sitesOf, never throw on odd source: such a file simply has no helper spans.
      }
    }
    this.helperSpans.set(file, found);
    return found;
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

  protected resolverFor(file: string, dependencies: Set<string>): GoResolver {
    const own = this.symbolsOf(file, dependencies);
    const packageFiles = [file, ...this.packages.filesOfPackage(file).filter((f) => f !== file)];
    const imports = own?.imports ?? new Map<string, string>();
    /** The files of the package imported as `alias` (the file's own package without one). */
    const filesOf = (alias?: string): string[] => {
      if (alias === undefined) return packageFiles;
      const dir = this.packages.packageDir(imports.get(alias) ?? '');
      return dir ? this.packages.filesOfDir(dir) : [];
    };
    const structKind = (type: string) => this.findInPackage(packageFiles, dependencies, (s) => {
      if (s.tracerStructs.has(type)) return 'tracer' as const;
      return s.structTypes.has(type) ? 'other' as const : undefined;
    })?.found;
    return {
      packageName: own?.packageName ?? '',
      imports,
      importsOtel: importsOtel(imports),
      value: (path) => this.valueIn(file, path, dependencies, 0),
      tracerVariable: (name, alias) => {
        const hit = this.findInPackage(filesOf(alias), dependencies, (s) => s.tracers.get(name));
        return hit ? this.constantIn(hit.file, hit.found, dependencies, 0) : undefined;
      },
      tracerField: (name) => {
        const scope = this.findInPackage(packageFiles, dependencies, (s) => s.fieldScopes.get(name));
        if (scope) return { scope: this.constantIn(scope.file, scope.found, dependencies, 0) };
        const typed = this.findInPackage(packageFiles, dependencies, (s) => {
          const type = s.fieldTypes.get(name);
          return s.tracerFields.has(name) || (type !== undefined && structKind(type) === 'tracer') ? true : undefined;
        });
        return typed ? { scope: null } : undefined;
      },
      tracerFactory: (name, member, alias) => {
        const hit = this.findInPackage(filesOf(alias), dependencies, (s) => (member ? s.tracerMethods : s.tracerFunctions).get(name));
        if (!hit) return undefined;
        return hit.found ? this.constantIn(hit.file, hit.found, dependencies, 0) : null;
      },
      otherField: (name) => !!this.findInPackage(packageFiles, dependencies, (s) => {
        const type = s.fieldTypes.get(name);
        return s.otherFields.has(name) || (type !== undefined && structKind(type) === 'other') ? true : undefined;
      }),
      structKind,
      isEnumType: (type) => {
        const dot = type.indexOf('.');
        const alias = dot < 0 ? undefined : type.slice(0, dot);
        const name = type.slice(dot + 1);
        return !!this.findInPackage(filesOf(alias), dependencies, (s) => (s.enumTypes.has(name) ? true : undefined));
      },
      isSemconv: (name) => isSemconvImport(own?.imports.get(name) ?? ''),
      attributePackage: [...(own?.imports ?? [])].find(([, path]) => path === 'go.opentelemetry.io/otel/attribute')?.[0] ?? 'attribute',
      spanHelper: (name, member, alias) => (this.helperNames.has(name)
        ? this.findInPackage(filesOf(alias), dependencies, (s) => (member ? s.spanMethods : s.spanFunctions).get(name))?.found
        : undefined),
      importedDir: (alias) => this.packages.packageDir(imports.get(alias) ?? ''),
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
