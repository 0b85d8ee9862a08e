// What a Go file contributes to its package for static analysis (constants, tracer variables,
// tracer struct fields, tracer factories, enum types, imports), extracted once per file version as plain
// data; and the index from directories (= packages) and import paths to workspace files.

import { dirname } from 'node:path';
import type { Node } from 'web-tree-sitter';
import type { StaticExpr } from '../staticValues';
import { NodesByType, descendants, namedChildren } from '../treeNodes';
import { goExpr } from './goExpr';
import { isForeignPackage, isTracerFactoryType, isTracerType, returnsTracer, spanResults, typeKind, type GoImports, type SpanResults } from './goTypes';

export interface GoFileSymbols {
  packageName: string;
  /** Local package name -> import path. */
  imports: Map<string, string>;
  /** Package-level constants (and `var X = attribute.Key("...")`). */
  constants: Map<string, StaticExpr>;
  /** Package-level tracer variables -> scope argument. */
  tracers: Map<string, StaticExpr>;
  /** Struct fields declared as `trace.Tracer`. */
  tracerFields: Set<string>;
  /** Struct fields declared with a type known not to be an OTel tracer (`opentracing.Tracer`, `*Timer`, `string`). */
  otherFields: Set<string>;
  /** Struct types of the package that do not embed a tracer: their `Start` is the project's own. */
  structTypes: Set<string>;
  /** Struct types that embed `trace.Tracer`: tracers themselves. */
  tracerStructs: Set<string>;
  /** Struct fields declared with a type of the package (`tracer *stopwatch`) -> that type's name. */
  fieldTypes: Map<string, string>;
  /** Named types with typed constants (`type Op string; const OpGet Op = "get"`): Go's enums, a closed set of values. */
  enumTypes: Set<string>;
  /**
   * Tracer factories called by name: functions returning `trace.Tracer` and package variables of
   * type `func(...) trace.Tracer` -> the scope of the tracer returned, when one `return otel.Tracer("x")` says.
   */
  tracerFunctions: Map<string, StaticExpr | null>;
  /** Tracer factories called on a value: methods returning `trace.Tracer` and struct fields of type `func(...) trace.Tracer`. */
  tracerMethods: Map<string, StaticExpr | null>;
  /** Struct fields given a tracer (`tracer: otel.Tracer("x")`, `s.tracer = otel.Tracer("x")`) -> scope. */
  fieldScopes: Map<string, StaticExpr>;
  /** Functions that start a span and return it (`func StartSpan(ctx, name) (context.Context, trace.Span)`): their callers own the span. */
  spanFunctions: Map<string, SpanResults>;
  /** Methods that do so (`func (t *Tracing) start(...) trace.Span`), called on a value. */
  spanMethods: Map<string, SpanResults>;
}

export function fileSymbols(root: Node): GoFileSymbols {
  const symbols: GoFileSymbols = {
    packageName: '', imports: new Map(), constants: new Map(), tracers: new Map(), tracerFields: new Set(), fieldScopes: new Map(),
    tracerFunctions: new Map(), tracerMethods: new Map(), otherFields: new Set(), enumTypes: new Set(), structTypes: new Set(), tracerStructs: new Set(), fieldTypes: new Map(),
    spanFunctions: new Map(), spanMethods: new Map(),
  };
  const imports = symbols.imports;
  for (const decl of namedChildren(root)) {
    switch (decl.type) {
      case 'package_clause':
        symbols.packageName = decl.namedChildren[0]?.text ?? '';
        break;
      case 'import_declaration':
        for (const spec of decl.descendantsOfType('import_spec')) addImport(spec, symbols.imports);
        break;
      case 'const_declaration':
        for (const spec of decl.descendantsOfType('const_spec')) {
          addSpec(spec, symbols.constants);
          const type = spec.childForFieldName('type');
          if (type?.type === 'type_identifier') symbols.enumTypes.add(type.text);
        }
        break;
      case 'var_declaration':
        for (const spec of decl.descendantsOfType('var_spec')) addVar(spec, symbols, imports);
        break;
      case 'type_declaration':
        for (const spec of decl.descendantsOfType('type_spec')) addStruct(spec, symbols);
        for (const field of decl.descendantsOfType('field_declaration')) {
          const type = field.childForFieldName('type');
          const kind = typeKind(type, imports);
          const named = (type?.type === 'pointer_type' ? type.namedChildren[0] : type);
          // An embedded `trace.Tracer` is reached as the field `Tracer`.
          if (kind === 'tracer' && field.childrenForFieldName('name').length === 0) symbols.tracerFields.add('Tracer');
          for (const name of field.childrenForFieldName('name')) {
            if (kind === 'tracer') symbols.tracerFields.add(name.text);
            else if (kind === 'tracerFactory') symbols.tracerMethods.set(name.text, null);
            else if (kind === 'other') symbols.otherFields.add(name.text);
            else if (named?.type === 'type_identifier') symbols.fieldTypes.set(name.text, named.text);
          }
        }
        break;
      case 'function_declaration':
      case 'method_declaration': {
        const name = decl.childForFieldName('name')?.text;
        const into = decl.type === 'function_declaration' ? symbols.tracerFunctions : symbols.tracerMethods;
        if (name && returnsTracer(decl, imports)) into.set(name, returnedScope(decl, imports));
        const spans = name ? startedSpanResults(decl, imports) : undefined;
        if (name && spans) (decl.type === 'function_declaration' ? symbols.spanFunctions : symbols.spanMethods).set(name, spans);
        break;
      }
    }
  }
  if (root.text.includes('Tracer(')) collectFieldScopes(root, symbols.fieldScopes, imports);
  return symbols;
}

/**
 * A call of a Start-like function in the body (`tracer.Start(`, `StartInternalCallbackSpan(`,
 * `startSpan(`): the span returned is a new one. Accessors (`SpanFromContext`) return a span
 * someone else owns and call no such function.
 */
const STARTS_SPAN = /\b[Ss]tart\w*\s*\(/;

/** The results of a function that starts a span and returns it. */
function startedSpanResults(decl: Node, imports: GoImports): SpanResults | undefined {
  // `Start` itself is a tracer's method: a type that has one is a tracer (or wraps one), judged as a site.
  if (decl.childForFieldName('name')?.text === 'Start') return undefined;
  const results = spanResults(decl, imports);
  return results && STARTS_SPAN.test(decl.childForFieldName('body')?.text ?? '') ? results : undefined;
}

/** The scope of the tracer a function returns, when its only return statement creates it. */
function returnedScope(fn: Node, imports: GoImports): StaticExpr | null {
  const body = fn.childForFieldName('body');
  const returns = body ? descendants(body, RETURNS, NESTED_FUNCTIONS) : [];
  return returns.length === 1 ? tracerScope(returns[0].namedChildren[0]?.namedChildren[0] ?? null, imports) : null;
}

const RETURNS = new Set(['return_statement']);
const NESTED_FUNCTIONS = new Set(['func_literal']);

/**
 * The scope argument when `node` creates a tracer: `otel.Tracer("x")`, `tp.Tracer("x")`,
 * `trace.SpanFromContext(ctx).TracerProvider().Tracer("x")`; not `pkg.Tracer(...)` of another SDK.
 */
export function tracerScope(node: Node | null, imports: GoImports): StaticExpr | null {
  if (node?.type !== 'call_expression') return null;
  const fn = node.childForFieldName('function');
  if (fn?.type !== 'selector_expression' || fn.childForFieldName('field')?.text !== 'Tracer') return null;
  const operand = fn.childForFieldName('operand');
  if (operand?.type === 'identifier' && isForeignPackage(operand.text, imports)) return null;
  return goExpr(node.childForFieldName('arguments')?.namedChildren[0]);
}

function addImport(spec: Node, imports: Map<string, string>): void {
  const path = spec.childForFieldName('path')?.text.slice(1, -1);
  if (!path) return;
  const alias = spec.childForFieldName('name')?.text;
  if (alias === '_' || alias === '.') return;
  const segments = path.split('/');
  let name = segments[segments.length - 1];
  // Versioned paths (`.../semconv/v1.26.0`, `.../v2`) are named after the segment before.
  if (/^v\d/.test(name) && segments.length > 1) name = segments[segments.length - 2];
  imports.set(alias ?? name, path);
}

/** A struct type that does not embed `trace.Tracer` (one that does is a tracer itself). */
function addStruct(spec: Node, symbols: GoFileSymbols): void {
  const type = spec.childForFieldName('type');
  const name = spec.childForFieldName('name')?.text;
  if (type?.type !== 'struct_type' || !name) return;
  const embedsTracer = type.descendantsOfType('field_declaration').some((f) => f.childrenForFieldName('name').length === 0 && isTracerType(f.childForFieldName('type'), symbols.imports));
  (embedsTracer ? symbols.tracerStructs : symbols.structTypes).add(name);
}

function addSpec(spec: Node, into: Map<string, StaticExpr>): void {
  const names = spec.childrenForFieldName('name');
  const values = spec.childForFieldName('value');
  const exprs = values ? namedChildren(values) : [];
  if (exprs.length !== names.length) return; // iota repetition and multi-value calls carry no string
  names.forEach((name, i) => into.set(name.text, goExpr(exprs[i])));
}

function addVar(spec: Node, symbols: GoFileSymbols, imports: GoImports): void {
  const names = spec.childrenForFieldName('name');
  const values = spec.childForFieldName('value');
  const exprs = values ? namedChildren(values) : [];
  names.forEach((name, i) => {
    const scope = tracerScope(exprs[i] ?? null, imports);
    if (scope) symbols.tracers.set(name.text, scope);
    else if (isTracerType(spec.childForFieldName('type'), imports)) symbols.tracers.set(name.text, { k: 'dynamic', source: '' });
    else if (isTracerFactoryType(spec.childForFieldName('type'), imports)) symbols.tracerFunctions.set(name.text, null);
    else if (isKeyCall(exprs[i])) symbols.constants.set(name.text, goExpr(exprs[i]));
  });
}

function isKeyCall(node: Node | undefined): boolean {
  return node?.type === 'call_expression' && /(^|\.)Key$/.test(node.childForFieldName('function')?.text ?? '');
}

const KEYED_ELEMENTS = new Set(['keyed_element']);
const ASSIGNMENTS = new Set(['assignment_statement']);

function collectFieldScopes(root: Node, into: Map<string, StaticExpr>, imports: GoImports): void {
  const nodes = new NodesByType(root, [...KEYED_ELEMENTS, ...ASSIGNMENTS]);
  for (const element of nodes.of(KEYED_ELEMENTS)) {
    if (!element.text.includes('Tracer(')) continue;
    const [key, value] = namedChildren(element);
    const scope = tracerScope(value?.namedChildren[0] ?? value ?? null, imports);
    if (key && scope) into.set(key.text, scope);
  }
  for (const assignment of nodes.of(ASSIGNMENTS)) {
    if (!assignment.text.includes('Tracer(')) continue;
    const left = assignment.childForFieldName('left')?.namedChildren[0];
    const scope = tracerScope(assignment.childForFieldName('right')?.namedChildren[0] ?? null, imports);
    const field = left?.type === 'selector_expression' ? left.childForFieldName('field')?.text : undefined;
    if (field && scope) into.set(field, scope);
  }
}

/** Go files by directory (a package), and import paths to those directories. */
export class PackageIndex {
  private readonly byDir = new Map<string, Set<string>>();
  /** packageDir answers, which scan every directory: kept until a directory comes or goes. */
  private readonly dirOf = new Map<string, string | undefined>();

  add(file: string): void {
    const dir = dirname(file);
    let files = this.byDir.get(dir);
    if (!files) {
      this.byDir.set(dir, (files = new Set()));
      this.dirOf.clear();
    }
    files.add(file);
  }

  remove(file: string): void {
    const dir = dirname(file);
    this.byDir.get(dir)?.delete(file);
    if (this.byDir.get(dir)?.size === 0) {
      this.byDir.delete(dir);
      this.dirOf.clear();
    }
  }

  filesOfPackage(file: string): string[] {
    return [...(this.byDir.get(dirname(file)) ?? [])];
  }

  /**
   * The workspace directory of an import path: the longest path suffix shared with a directory
   * (`example.com/shop/names` -> `<ws>/shop/names`), so the module root need not be the workspace.
   */
  packageDir(importPath: string): string | undefined {
    if (this.dirOf.has(importPath)) return this.dirOf.get(importPath);
    const dir = this.findDir(importPath);
    this.dirOf.set(importPath, dir);
    return dir;
  }

  private findDir(importPath: string): string | undefined {
    const segments = importPath.split('/');
    const minSegments = Math.min(2, segments.length);
    for (let start = 0; start <= segments.length - minSegments; start++) {
      const suffix = `/${segments.slice(start).join('/')}`;
      const matches = [...this.byDir.keys()].filter((dir) => dir.replace(/\\/g, '/').endsWith(suffix));
      if (matches.length === 1) return matches[0];
      if (matches.length > 1) return undefined;
    }
    return undefined;
  }

  filesOfDir(dir: string): string[] {
    return [...(this.byDir.get(dir) ?? [])];
  }
}
