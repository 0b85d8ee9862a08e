// The Python front-end: keeps every .py file of the workspace, parses the ones that may hold
// span sites (substring prefilter), and resolves names through module constants, classes,
// Enum members and imports of other workspace modules.

import type { AnalysisSettings } from '../../../../common/src/settings';
import type { FileSites, LanguageFrontEnd } from '../types';
import { DYNAMIC, SourceStore, createParser, evaluate, mayContainCall, wrapperCallNames, type StaticValue } from '../treeSitter';
import { ModuleIndex } from './moduleIndex';
import { semconvValue } from './semconv';
import { moduleSymbols, type PyModuleSymbols } from './pythonModules';
import { PYTHON_SPAN_METHODS, pythonSites, type PythonResolver } from './pythonSites';

const MAX_RESOLUTION_DEPTH = 16;

export async function createPythonFrontEnd(settings: AnalysisSettings): Promise<LanguageFrontEnd> {
  return new PythonFrontEnd(new SourceStore(await createParser('python')), settings.wrapperFunctions);
}

class PythonFrontEnd implements LanguageFrontEnd {
  readonly extensions = ['.py', '.pyi'] as const;
  private readonly modules = new ModuleIndex();
  private readonly symbols = new Map<string, PyModuleSymbols>();
  /** Cached results, with the files each one read constants from. */
  private readonly results = new Map<string, { sites: FileSites; dependencies: Set<string> }>();
  private readonly callNames: string[];

  constructor(
    private readonly store: SourceStore,
    private readonly wrappers: readonly string[],
  ) {
    this.callNames = [...PYTHON_SPAN_METHODS.map((m) => `${m}(`), ...wrapperCallNames(wrappers)];
  }

  updateFile(file: string, text: string): void {
    const known = this.store.text(file) !== undefined;
    if (known && this.store.text(file) === text) return;
    this.store.setText(file, text);
    this.modules.add(file);
    this.invalidate(file, !known);
  }

  removeFile(file: string): void {
    this.store.remove(file);
    this.modules.remove(file);
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
      if (!tree) return { sites: [], problems: [{ file, message: 'The Python parser gave up on this file' }] };
      if (!this.symbols.has(file)) this.symbols.set(file, moduleSymbols(tree.rootNode));
      const resolver = this.resolverFor(file, dependencies);
      return { sites: pythonSites({ file, text, root: tree.rootNode, wrappers: this.wrappers, resolver }), problems: [] };
    } catch (error) {
      return { sites: [], problems: [{ file, message: `Python analysis failed: ${String(error)}` }] };
    }
  }

  /** Drops cached results that read `file`; a new or removed file may change any import's target. */
  private invalidate(file: string, fileSetChanged: boolean): void {
    this.symbols.delete(file);
    for (const [other, result] of this.results) {
      if (fileSetChanged || result.dependencies.has(file)) this.results.delete(other);
    }
  }

  private symbolsOf(file: string, dependencies: Set<string>): PyModuleSymbols | undefined {
    dependencies.add(file);
    let symbols = this.symbols.get(file);
    if (!symbols) {
      symbols = this.store.withFreshTree(file, (tree) => moduleSymbols(tree.rootNode));
      if (symbols) this.symbols.set(file, symbols);
    }
    return symbols;
  }

  private resolverFor(file: string, dependencies: Set<string>): PythonResolver {
    return {
      value: (path) => this.valueIn(file, path, dependencies, 0),
      tracerScope: (name) => this.tracerScopeIn(file, name, dependencies, 0),
    };
  }

  /** Resolves `path` as seen from module `file`. */
  private valueIn(file: string, path: string[], dependencies: Set<string>, depth: number): StaticValue {
    const symbols = this.symbolsOf(file, dependencies);
    if (!symbols || depth > MAX_RESOLUTION_DEPTH) return DYNAMIC;
    const [head, ...rest] = path;
    const evaluateIn = (expr: Parameters<typeof evaluate>[0]) => evaluate(expr, (p) => this.valueIn(file, p, dependencies, depth + 1));
    const constant = symbols.constants.get(head);
    if (constant && rest.length === 0) return evaluateIn(constant);
    const cls = symbols.classes.get(head);
    if (cls && rest.length >= 1) {
      const member = cls.attributes.get(rest[0]);
      // Enum members are used as `Names.A` (str-mixin enums) or `Names.A.value`.
      const usable = rest.length === 1 || (cls.isEnum && rest.length === 2 && rest[1] === 'value');
      return member && usable ? evaluateIn(member) : DYNAMIC;
    }
    const imported = symbols.imports.get(head);
    if (!imported) return DYNAMIC;
    const names = imported.name ? [imported.name, ...rest] : rest;
    if (imported.module.startsWith('opentelemetry.semconv')) return semconvValue(names);
    return this.valueInModule(file, imported.module, names, dependencies, depth + 1);
  }

  /** `names` looked up in module `module` (as imported from `fromFile`), trying submodules for dotted names. */
  private valueInModule(fromFile: string, module: string, names: string[], dependencies: Set<string>, depth: number): StaticValue {
    if (names.length === 0 || depth > MAX_RESOLUTION_DEPTH) return DYNAMIC;
    const target = this.modules.resolve(fromFile, module);
    const symbols = target ? this.symbolsOf(target, dependencies) : undefined;
    const [head] = names;
    if (target && symbols && (symbols.constants.has(head) || symbols.classes.has(head) || symbols.imports.has(head))) {
      return this.valueIn(target, names, dependencies, depth + 1);
    }
    const submodule = module.endsWith('.') ? `${module}${head}` : `${module}.${head}`;
    return this.valueInModule(fromFile, submodule, names.slice(1), dependencies, depth + 1);
  }

  private tracerScopeIn(file: string, name: string, dependencies: Set<string>, depth: number): StaticValue | null {
    const symbols = this.symbolsOf(file, dependencies);
    if (!symbols || depth > MAX_RESOLUTION_DEPTH) return null;
    const scope = symbols.tracers.get(name);
    if (scope) return evaluate(scope, (p) => this.valueIn(file, p, dependencies, depth + 1));
    const imported = symbols.imports.get(name);
    const target = imported?.name ? this.modules.resolve(file, imported.module) : undefined;
    return target && imported?.name ? this.tracerScopeIn(target, imported.name, dependencies, depth + 1) : null;
  }
}
