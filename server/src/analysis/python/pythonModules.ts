// What a Python module exports to static analysis: module-level constants (assigned once),
// class attributes and Enum members, imports, and tracers. Extracted once per file version as
// plain data, so other files resolve through it without keeping its tree.

import type { Node } from 'web-tree-sitter';
import type { StaticExpr } from '../staticValues';
import { namedChildren } from '../treeNodes';
import { pythonExpr } from './pythonExpr';
import { creationOrigin, type TracerOrigin } from './pythonSdks';
import { mayDefineSpanHelper, spanHelpersOf, type SpanHelper } from './pythonHelperSpans';

export interface PyImport {
  /** Dotted module name; relative imports keep their leading dots (`.names`). */
  module: string;
  /** Imported name for `from m import name`; undefined for `import m [as alias]`. */
  name?: string;
}

export interface PyClass {
  isEnum: boolean;
  attributes: Map<string, StaticExpr>;
}

export interface PyModuleSymbols {
  /** Module-level names assigned exactly once. */
  constants: Map<string, StaticExpr>;
  classes: Map<string, PyClass>;
  imports: Map<string, PyImport>;
  /** Module-level tracer variables -> the instrumentation scope argument. */
  tracers: Map<string, StaticExpr>;
  /** Module-level names whose value is a tracer (or a look-alike SDK's), by origin. */
  tracerOrigins: Map<string, TracerOrigin>;
  /** Names of module-level functions (`def`), which other files may call for a name (pythonReturns.ts). */
  functions: Set<string>;
  /** Functions and methods that return a span they started (pythonHelperSpans.ts). */
  spanHelpers: SpanHelper[];
}

const ENUM_BASES = /(^|\.)(Enum|StrEnum|IntEnum)$/;

export function moduleSymbols(root: Node): PyModuleSymbols {
  const symbols: PyModuleSymbols = {
    constants: new Map(), classes: new Map(), imports: new Map(), tracers: new Map(), tracerOrigins: new Map(), functions: new Set(),
    spanHelpers: mayDefineSpanHelper(root.text) ? spanHelpersOf(root) : [],
  };
  const assignedTwice = new Set<string>();
  const values: [string, Node][] = [];
  for (const statement of namedChildren(root)) {
    const target = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    if (!target) continue;
    if (target.type === 'expression_statement') {
      const assignment = target.namedChildren[0];
      if (assignment?.type !== 'assignment') continue;
      const left = assignment.childForFieldName('left');
      const right = assignment.childForFieldName('right');
      if (left?.type !== 'identifier' || !right) continue;
      const name = left.text;
      if (symbols.constants.has(name)) assignedTwice.add(name);
      symbols.constants.set(name, pythonExpr(right));
      values.push([name, right]);
      const scope = tracerScope(right);
      if (scope) symbols.tracers.set(name, scope);
    } else if (target.type === 'function_definition') {
      const name = target.childForFieldName('name')?.text;
      if (name) symbols.functions.add(name);
    } else if (target.type === 'class_definition') {
      const name = target.childForFieldName('name')?.text;
      if (name) symbols.classes.set(name, classSymbols(target));
    } else if (target.type === 'import_statement' || target.type === 'import_from_statement') {
      addImports(target, symbols.imports);
    }
  }
  addNestedImports(root, symbols.imports, 0);
  for (const name of assignedTwice) symbols.constants.delete(name);
  // Imports are all known now (they may follow the assignment that uses them).
  const importedFrom = (name: string) => symbols.imports.get(name)?.module;
  for (const [name, right] of values) {
    const origin = creationOrigin(right, importedFrom);
    if (origin) symbols.tracerOrigins.set(name, origin);
  }
  return symbols;
}

/** The scope argument when `expr` creates a tracer (`trace.get_tracer("x")`, `provider.get_tracer(...)`). */
export function tracerScope(expr: Node): StaticExpr | null {
  if (expr.type !== 'call') return null;
  const fn = expr.childForFieldName('function');
  const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
  if (name !== 'get_tracer') return null;
  const args = expr.childForFieldName('arguments');
  const first = args ? namedChildren(args).find((a) => a.type !== 'keyword_argument') : undefined;
  const keyword = args ? keywordArgument(args, 'instrumenting_module_name') : null;
  return pythonExpr(first ?? keyword);
}

export function keywordArgument(args: Node, name: string): Node | null {
  for (const arg of namedChildren(args)) {
    if (arg.type === 'keyword_argument' && arg.childForFieldName('name')?.text === name) return arg.childForFieldName('value');
  }
  return null;
}

function classSymbols(node: Node): PyClass {
  const bases = node.childForFieldName('superclasses');
  const isEnum = !!bases && namedChildren(bases).some((b) => ENUM_BASES.test(b.text));
  const attributes = new Map<string, StaticExpr>();
  const body = node.childForFieldName('body');
  for (const statement of body ? namedChildren(body) : []) {
    const assignment = statement.type === 'expression_statement' ? statement.namedChildren[0] : null;
    if (assignment?.type !== 'assignment') continue;
    const left = assignment.childForFieldName('left');
    if (left?.type === 'identifier') attributes.set(left.text, pythonExpr(assignment.childForFieldName('right')));
  }
  return { isEnum, attributes };
}

/** Statements whose blocks hold more statements: where an import can sit below the module level. */
const COMPOUND = new Set(['if_statement', 'elif_clause', 'else_clause', 'try_statement', 'except_clause', 'except_group_clause', 'finally_clause', 'with_statement', 'for_statement', 'while_statement', 'function_definition', 'class_definition', 'decorated_definition', 'block']);

/**
 * Imports under `if TYPE_CHECKING:`, `try: ... except ImportError:` and inside functions
 * (`from ..telemetry.tracing import tracer` deferred to avoid an import cycle), for names the
 * module level does not import: the usual way such a name reaches the code that uses it.
 */
function addNestedImports(node: Node, imports: Map<string, PyImport>, depth: number): void {
  for (const child of namedChildren(node)) {
    if (depth > 0 && (child.type === 'import_statement' || child.type === 'import_from_statement')) {
      const found = new Map<string, PyImport>();
      addImports(child, found);
      for (const [name, imported] of found) if (!imports.has(name)) imports.set(name, imported);
    } else if (COMPOUND.has(child.type)) {
      addNestedImports(child, imports, depth + 1);
    }
  }
}

function addImports(node: Node, imports: Map<string, PyImport>): void {
  if (node.type === 'import_statement') {
    for (const item of node.childrenForFieldName('name')) {
      if (item.type === 'aliased_import') {
        const alias = item.childForFieldName('alias')?.text;
        const module = item.childForFieldName('name')?.text;
        if (alias && module) imports.set(alias, { module });
      } else {
        // `import a.b` binds `a`; `a.b.X` resolves through submodule lookup.
        const head = item.text.split('.')[0];
        imports.set(head, { module: head });
      }
    }
    return;
  }
  const module = node.childForFieldName('module_name')?.text.replace(/\s/g, '');
  if (!module) return;
  for (const item of node.childrenForFieldName('name')) {
    if (item.type === 'aliased_import') {
      const name = item.childForFieldName('name')?.text;
      const alias = item.childForFieldName('alias')?.text;
      if (name && alias) imports.set(alias, { module, name });
    } else {
      imports.set(item.text, { module, name: item.text });
    }
  }
}
