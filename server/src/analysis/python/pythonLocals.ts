// Names bound inside Python functions. A local assigned exactly once keeps that value
// (`name = "checkout.pay"` then `start_span(name)`); parameters and rebound names are dynamic.
// Each function, lambda and comprehension is its own scope: an assignment binds in the innermost
// one, and a name read there resolves in the innermost scope binding it (closures see their outer
// functions), as Python does. `global` names are not local; `nonlocal` ones rebind the outer name.

import type { Node } from 'web-tree-sitter';
import { FunctionIndex, namedChildren, type NodesByType } from '../treeNodes';
import { parametersOf, type PyParam } from './pythonParams';

/**
 * A local's binding: one assigned value, one element of an unpacked value (`name, attrs = f(x)`:
 * `value` is `f(x)`, `index` 0), a parameter never rebound (`scope` is its function), or anything else.
 */
export type LocalBinding =
  | { kind: 'value'; value: Node }
  | { kind: 'element'; value: Node; index: number }
  | { kind: 'param'; scope: Node; param: PyParam }
  | { kind: 'dynamic' };

const SCOPES = new Set(['function_definition', 'lambda', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);
const BINDERS = new Set(['assignment', 'augmented_assignment', 'for_statement', 'as_pattern_target', 'named_expression', 'for_in_clause']);
const DECLARATIONS = new Set(['global_statement', 'nonlocal_statement']);
/** Unpacking targets: `a, b = ...`, `(a, b) = ...`, `[a, b] = ...`, `for k, v in ...`. */
const PATTERNS = new Set(['pattern_list', 'tuple_pattern', 'list_pattern']);
const SEQUENCES = new Set(['expression_list', 'tuple', 'list']);
/** The node types PythonLocals needs from the file's one search (NodesByType). */
export const LOCALS_NODE_TYPES = [...SCOPES, ...BINDERS, ...DECLARATIONS];

/** A node found by the one search of the tree, with the innermost scope around it. */
interface Placed {
  node: Node;
  start: number;
  end: number;
  owner: Node | null;
}

export class PythonLocals {
  private readonly scopes = new Map<number, Map<string, LocalBinding>>();
  private readonly functions: FunctionIndex;
  /** Binders and global/nonlocal statements of the whole file, in document order: searched once, on first use. */
  private placed?: { binders: Placed[]; declarations: Placed[] };

  constructor(private readonly nodes: NodesByType) {
    this.functions = new FunctionIndex(nodes.of(SCOPES));
  }

  /** The binding of `name` in the innermost scope around `at` that binds it; undefined when not local. */
  lookup(at: Node, name: string): LocalBinding | undefined {
    for (const scope of this.functions.enclosing(at)) {
      const binding = this.bindingsOf(scope).get(name);
      if (binding) return binding;
    }
    return undefined;
  }

  /**
   * Every statement binding `name` in the innermost scope around `at` that binds it (assignments,
   * `for` targets, ...), for names bound more than once; undefined when `name` is not local there.
   */
  bindersOf(at: Node, name: string): Node[] | undefined {
    for (const scope of this.functions.enclosing(at)) {
      if (!this.bindingsOf(scope).has(name)) continue;
      return this.search().binders.filter(({ node, owner }) => {
        if (owner?.id !== scope.id) return false;
        return targetsOf(node).some((t) => t.name.text === name);
      }).map((b) => b.node);
    }
    return undefined;
  }

  private bindingsOf(scope: Node): Map<string, LocalBinding> {
    let bindings = this.scopes.get(scope.id);
    if (bindings) return bindings;
    bindings = new Map();
    const params = scope.childForFieldName('parameters');
    for (const p of params ? namedChildren(params) : []) {
      const name = p.type === 'identifier' ? p : (p.childForFieldName('name') ?? p.namedChildren[0]);
      if (name?.type === 'identifier') bindings.set(name.text, { kind: 'dynamic' });
    }
    for (const param of parametersOf(scope)) bindings.set(param.name, { kind: 'param', scope, param });
    const notLocal = this.declaredNames(scope, 'global_statement', 'nonlocal_statement');
    // A comprehension's `body` is its element expression: its clauses bind too.
    const body = (scope.type === 'function_definition' ? scope.childForFieldName('body') : null) ?? scope;
    const start = body.startIndex;
    const end = body.endIndex;
    for (const { node: binder, start: at, end: until, owner } of this.search().binders) {
      if (at < start || until > end || binder.id === body.id) continue;
      for (const { name: target, index } of targetsOf(binder)) {
        if (owner?.id !== scope.id) {
          // An inner function assigning a `nonlocal` name rebinds this scope's name.
          if (owner && bindings.has(target.text) && this.declaredNames(owner, 'nonlocal_statement').has(target.text)) bindings.set(target.text, { kind: 'dynamic' });
          continue;
        }
        if (notLocal.has(target.text)) continue;
        bindings.set(target.text, bindings.has(target.text) ? { kind: 'dynamic' } : bindingOf(binder, index));
      }
    }
    this.scopes.set(scope.id, bindings);
    return bindings;
  }

  /** Names a scope declares `global` / `nonlocal` (statements of nested scopes excluded). */
  private declaredNames(scope: Node, ...types: string[]): Set<string> {
    const names = new Set<string>();
    for (const { node: statement, owner } of this.search().declarations) {
      if (owner?.id !== scope.id || !types.includes(statement.type)) continue;
      for (const name of namedChildren(statement)) names.add(name.text);
    }
    return names;
  }

  private search(): { binders: Placed[]; declarations: Placed[] } {
    const place = (node: Node): Placed => ({ node, start: node.startIndex, end: node.endIndex, owner: this.functions.innermost(node) });
    this.placed ??= { binders: this.nodes.of(BINDERS).map(place), declarations: this.nodes.of(DECLARATIONS).map(place) };
    return this.placed;
  }
}

function leftOf(binder: Node): Node | null {
  return binder.type === 'as_pattern_target' ? binder.namedChildren[0] : (binder.childForFieldName('left') ?? binder.childForFieldName('name'));
}

/**
 * The names a binder binds: one identifier (no index), or the identifiers of an unpacking
 * pattern with their positions. Nested patterns and names after a starred target bind values
 * whose position is not known: they are bound without an index and read as dynamic.
 */
function targetsOf(binder: Node): { name: Node; index?: number }[] {
  const left = leftOf(binder);
  if (left?.type === 'identifier') return [{ name: left }];
  if (!left || !PATTERNS.has(left.type)) return [];
  const out: { name: Node; index?: number }[] = [];
  let known = true;
  for (const [index, element] of namedChildren(left).entries()) {
    if (element.type === 'list_splat_pattern') known = false;
    for (const name of element.type === 'identifier' ? [element] : element.descendantsOfType('identifier').filter((n): n is Node => !!n)) {
      out.push(known && name.id === element.id ? { name, index } : { name, index: -1 });
    }
  }
  return out;
}

/** The binding one assignment gives its target at `index` of an unpacking pattern (undefined for a plain `name = value`, -1 for an unknown position). */
function bindingOf(binder: Node, index: number | undefined): LocalBinding {
  const right = binder.childForFieldName('right');
  if (binder.type !== 'assignment' || !right || index === -1) return { kind: 'dynamic' };
  if (index === undefined) return { kind: 'value', value: right };
  // `a, b = "x", y`: each name gets its element; `a, b = f()`: an element of what `f` returns.
  const element = SEQUENCES.has(right.type) ? namedChildren(right)[index] : undefined;
  if (element) return element.type === 'list_splat' ? { kind: 'dynamic' } : { kind: 'value', value: element };
  return { kind: 'element', value: right, index };
}
