// The Python front-end: keeps every .py file of the workspace, parses the ones that may hold
// span sites (substring prefilter), and resolves names through module constants, classes,
// Enum members and imports of other workspace modules.

import type { AnalysisSettings } from '../../../../common/src/settings';
import type { Callable, FileSites, LanguageFrontEnd, PassedArgument, SpanSite } from '../types';
import { DYNAMIC, evaluate, type StaticValue } from '../staticValues';
import { SourceStore } from '../sourceStore';
import { createParser } from '../treeSitter';
import { MAX_RESOLUTION_DEPTH, TreeSitterFrontEnd, type TreeSitterLanguage } from '../treeSitterFrontEnd';
import { ModuleIndex } from './moduleIndex';
import { semconvValue } from './semconv';
import { moduleOrigin, type TracerOrigin } from './pythonSdks';
import { moduleSymbols, type PyModuleSymbols } from './pythonModules';
import { pythonCallsTo } from './pythonCalls';
import { PYTHON_SPAN_METHODS, pythonSites, type PythonResolver } from './pythonSites';
import { Evaluator } from './pythonEvaluator';
import { LOCALS_NODE_TYPES, PythonLocals } from './pythonLocals';
import { moduleFunction, type ReturnedPart } from './pythonReturns';
import { helperSpans, mayCallHelper, mayDefineSpanHelper, type SpanHelper } from './pythonHelperSpans';
import { NodesByType } from '../treeNodes';

const PYTHON: TreeSitterLanguage<PyModuleSymbols, PythonResolver> = {
  name: 'Python',
  extensions: ['.py', '.pyi'],
  spanCallNames: PYTHON_SPAN_METHODS.map((m) => `${m}(`),
  symbols: moduleSymbols,
  sites: pythonSites,
};

export async function createPythonFrontEnd(settings: AnalysisSettings): Promise<LanguageFrontEnd> {
  return new PythonFrontEnd(new SourceStore(await createParser('python')), settings.wrapperFunctions, new ModuleIndex());
}

function calleeKey(callee: Callable, index: number): string {
  return `${callee.method ? '.' : ''}${callee.name}/${index}`;
}

class PythonFrontEnd extends TreeSitterFrontEnd<PyModuleSymbols, PythonResolver> {
  /** callsTo results per file, then per callee and index; dropped on any change (their values may read other files). */
  private readonly passed = new Map<string, Map<string, PassedArgument[]>>();
  /** Names of the parameters that flow into span names, per helper and position: callers may pass them by keyword. */
  private readonly paramNames = new Map<string, string>();
  /** Return parts of functions called from other files, with the files read for them; `null` while being computed. Dropped on any change. */
  private readonly returns = new Map<string, { parts: ReturnedPart[] | undefined; dependencies: Set<string> } | null>();
  /** The workspace's span helpers by name, found when first needed; dropped when a file that may define one changes. */
  private helpers: Map<string, SpanHelper[]> | undefined;
  /** helperSpansOf results per file, valid while `helpers` is. */
  private readonly helperSpanCache = new Map<string, SpanSite[]>();

  constructor(
    private readonly sources: SourceStore,
    private readonly wrapperNames: readonly string[],
    private readonly modules: ModuleIndex,
  ) {
    super(PYTHON, sources, wrapperNames, modules);
  }

  updateFile(file: string, text: string): void {
    const before = this.sources.text(file);
    if (before !== text) {
      this.passed.clear();
      this.returns.clear();
      this.helperSpanCache.delete(file);
      if (before === undefined || mayDefineSpanHelper(before) || mayDefineSpanHelper(text)) this.dropHelpers();
    }
    super.updateFile(file, text);
  }

  removeFile(file: string): void {
    this.passed.clear();
    this.returns.clear();
    this.dropHelpers();
    super.removeFile(file);
  }

  sitesOf(file: string): FileSites {
    const result = super.sitesOf(file);
    for (const site of result.sites) this.noteParameters(site);
    return result;
  }

  callsTo(file: string, callee: Callable, index: number): PassedArgument[] {
    const text = this.sources.text(file);
    if (text === undefined || !text.includes(callee.name)) return [];
    const key = calleeKey(callee, index);
    let byCallee = this.passed.get(file);
    const cached = byCallee?.get(key);
    if (cached) return cached;
    const tree = this.sources.tree(file);
    let found: PassedArgument[] = [];
    if (tree) {
      try {
        const input = { file, text, root: tree.rootNode, wrappers: this.wrapperNames, resolver: this.resolverFor(file, new Set([file])) };
        found = pythonCallsTo(input, callee, index, this.paramNames.get(key));
      } catch {
        // Like sitesOf, never throw on odd source: such a file simply passes nothing.
      }
    }
    if (!byCallee) this.passed.set(file, (byCallee = new Map<string, PassedArgument[]>()));
    byCallee.set(key, found);
    return found;
  }

  helperSpansOf(file: string): SpanSite[] {
    const cached = this.helperSpanCache.get(file);
    if (cached) return cached;
    const text = this.sources.text(file);
    const helpers = this.helperIndex();
    let found: SpanSite[] = [];
    if (text !== undefined && helpers.size > 0 && mayCallHelper(text, helpers.keys())) {
      try {
        const tree = this.sources.tree(file);
        if (tree) found = helperSpans(file, text, tree.rootNode, helpers);
      } catch {
        // Never throw on odd source: such a file simply has no helper spans.
      }
    }
    this.helperSpanCache.set(file, found);
    return found;
  }

  /** Helpers of every file that may define one (a text test first; only those files are parsed, once per version). */
  private helperIndex(): Map<string, SpanHelper[]> {
    if (this.helpers) return this.helpers;
    const index = new Map<string, SpanHelper[]>();
    for (const file of this.sources.files()) {
      const text = this.sources.text(file);
      if (text === undefined || !mayDefineSpanHelper(text)) continue;
      const helpers = this.symbolsOf(file, new Set())?.spanHelpers ?? [];
      // The helper's start_span must be a span site: Datadog's or Sentry's helpers return no OpenTelemetry span.
      const sites = helpers.length ? this.sitesOf(file).sites : [];
      for (const helper of helpers) {
        if (!sites.some((s) => s.range.start.line === helper.start.line && s.range.start.character === helper.start.character)) continue;
        index.set(helper.name, [...(index.get(helper.name) ?? []), helper]);
      }
    }
    this.helpers = index;
    return index;
  }

  private dropHelpers(): void {
    this.helpers = undefined;
    this.helperSpanCache.clear();
  }

  private noteParameters(site: SpanSite): void {
    if (!site.enclosing) return;
    const values = [site.name, ...(site.renames ?? []), ...site.attributes.map((a) => a.value)];
    for (const part of values.flatMap((v) => v?.parts ?? [])) {
      if (part.param) this.paramNames.set(calleeKey(site.enclosing, part.param.index), part.param.name);
    }
  }

  protected resolverFor(file: string, dependencies: Set<string>): PythonResolver {
    return {
      value: (path) => this.valueIn(file, path, dependencies, 0),
      tracerScope: (name) => this.tracerScopeIn(file, name, dependencies, 0),
      tracerOrigin: (name) => this.tracerOriginIn(file, name, dependencies, 0),
      importedFrom: (name) => this.symbolsOf(file, dependencies)?.imports.get(name)?.module,
      isEnum: (path) => this.isEnumIn(file, path, dependencies, 0),
      returnsOf: (path, index) => this.returnsIn(file, path, index, dependencies, 0),
    };
  }

  /** What the function `path` names as seen from `file` returns (a function of another file, reached through imports). */
  private returnsIn(file: string, path: string[], index: number | undefined, dependencies: Set<string>, depth: number): ReturnedPart[] | undefined {
    const symbols = this.symbolsOf(file, dependencies);
    if (!symbols || depth > MAX_RESOLUTION_DEPTH || path.length === 0) return undefined;
    const [head, ...rest] = path;
    if (rest.length === 0 && symbols.functions.has(head)) return depth === 0 ? undefined : this.returnsOfFunction(file, head, index, dependencies);
    const imported = symbols.imports.get(head);
    if (!imported) return undefined;
    const names = imported.name ? [imported.name, ...rest] : rest;
    // `from m import f` -> f in m; `import m as x` / `from pkg import m` -> m.f.
    const direct = names.length ? this.modules.resolve(file, imported.module) : undefined;
    const found = direct && direct !== file ? this.returnsIn(direct, names, index, dependencies, depth + 1) : undefined;
    if (found || names.length < 2) return found;
    const submodule = this.modules.resolve(file, `${imported.module}${imported.module.endsWith('.') ? '' : '.'}${names[0]}`);
    return submodule && submodule !== file ? this.returnsIn(submodule, names.slice(1), index, dependencies, depth + 1) : undefined;
  }

  /** The return parts of module-level function `name` of `file`, summarised once per version of the workspace. */
  private returnsOfFunction(file: string, name: string, index: number | undefined, dependencies: Set<string>): ReturnedPart[] | undefined {
    const key = `${file}#${name}#${index ?? ''}`;
    const cached = this.returns.get(key);
    if (cached === null) return undefined; // a cycle of calls between files
    if (!cached) {
      this.returns.set(key, null);
      const read = new Set<string>([file]);
      const parts = this.sources.withFreshTree(file, (tree) => {
        const fn = moduleFunction(tree.rootNode, name);
        if (!fn) return undefined;
        const input = { file, text: this.sources.text(file) ?? '', root: tree.rootNode, wrappers: this.wrapperNames, resolver: this.resolverFor(file, read) };
        const evaluator = new Evaluator(input, new PythonLocals(new NodesByType(tree.rootNode, LOCALS_NODE_TYPES)));
        return evaluator.returnsOf(fn, index);
      });
      this.returns.set(key, { parts, dependencies: read });
      for (const d of read) dependencies.add(d);
      return parts;
    }
    for (const d of cached.dependencies) dependencies.add(d);
    return cached.parts;
  }

  /** Whether module-level `name` of `file` is a tracer of OpenTelemetry or of another SDK, following imports. */
  private tracerOriginIn(file: string, name: string, dependencies: Set<string>, depth: number): TracerOrigin | undefined {
    const symbols = this.symbolsOf(file, dependencies);
    if (!symbols || depth > MAX_RESOLUTION_DEPTH) return undefined;
    const own = symbols.tracerOrigins.get(name);
    if (own) return own;
    const imported = symbols.imports.get(name);
    if (!imported) return undefined;
    const origin = moduleOrigin(imported.module);
    if (origin) return origin;
    const target = imported.name ? this.modules.resolve(file, imported.module) : undefined;
    return target && imported.name ? this.tracerOriginIn(target, imported.name, dependencies, depth + 1) : undefined;
  }

  /** Whether `path` (`Color`, `colors.Color`) names an Enum class of the workspace, as seen from `file`. */
  private isEnumIn(file: string, path: string[], dependencies: Set<string>, depth: number): boolean {
    const symbols = this.symbolsOf(file, dependencies);
    if (!symbols || depth > MAX_RESOLUTION_DEPTH || path.length === 0) return false;
    const [head, ...rest] = path;
    if (rest.length === 0 && symbols.classes.has(head)) return symbols.classes.get(head)?.isEnum ?? false;
    const imported = symbols.imports.get(head);
    if (!imported) return false;
    const names = imported.name ? [imported.name, ...rest] : rest;
    if (names.length === 0) return false;
    // `from m import Color` -> Color in m; `import m` / `from pkg import m` -> m.Color.
    const direct = this.modules.resolve(file, imported.module);
    if (direct && this.isEnumIn(direct, names, dependencies, depth + 1)) return true;
    const submodule = names.length > 1 ? this.modules.resolve(file, `${imported.module}${imported.module.endsWith('.') ? '' : '.'}${names[0]}`) : undefined;
    return !!submodule && this.isEnumIn(submodule, names.slice(1), dependencies, depth + 1);
  }

  /** Resolves `path` as seen from module `file`. */
  private valueIn(file: string, path: string[], dependencies: Set<string>, depth: number): StaticValue {
    const symbols = this.symbolsOf(file, dependencies);
    if (!symbols || depth > MAX_RESOLUTION_DEPTH) return DYNAMIC;
    const [head, ...rest] = path;
    // `trace.get_tracer(__name__)`: the module's dotted name, as when the module is imported.
    if (head === '__name__' && rest.length === 0 && !symbols.constants.has(head)) return { constant: true, value: this.modules.moduleName(file) };
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
