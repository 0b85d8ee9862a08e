// Names bound inside Go functions (closures see their outer functions). A local bound once
// (`name := "checkout.pay"`, `const name = ...`) keeps its value; parameters and reassigned
// names are dynamic, remembering whether they are typed `trace.Tracer` or `func(...) trace.Tracer`.

import type { Node } from 'web-tree-sitter';
import { FunctionIndex, namedChildren, type NodesByType } from '../treeSitter';
import { isTracerFactoryType, isTracerType } from './goPackages';

/** A dynamic name's declared type, as far as spans care. */
export type GoLocalType = 'tracer' | 'tracerFactory' | null;

export type GoBinding = { kind: 'value'; value: Node } | { kind: 'dynamic'; type: GoLocalType };

export const GO_FUNCTIONS = new Set(['function_declaration', 'method_declaration', 'func_literal']);
const BINDERS = new Set(['short_var_declaration', 'assignment_statement', 'const_spec', 'var_spec', 'range_clause']);
/** The node types GoLocals needs from the file's one search (NodesByType). */
export const LOCALS_NODE_TYPES = [...GO_FUNCTIONS, ...BINDERS];

export class GoLocals {
  private readonly scopes = new Map<number, Map<string, GoBinding>>();
  private readonly functions: FunctionIndex;
  /** Binders grouped by their innermost function, in document order; found in one search of the tree on first use. */
  private bindersByFunction?: Map<number, Node[]>;

  constructor(private readonly nodes: NodesByType) {
    this.functions = new FunctionIndex(nodes.of(GO_FUNCTIONS));
  }

  /** The binding of `name` in the functions around `at`, innermost first; undefined when not local. */
  lookup(at: Node, name: string): GoBinding | undefined {
    for (const fn of this.functions.enclosing(at)) {
      const binding = this.bindingsOf(fn).get(name);
      if (binding) return binding;
    }
    return undefined;
  }

  private bindingsOf(fn: Node): Map<string, GoBinding> {
    let bindings = this.scopes.get(fn.id);
    if (bindings) return bindings;
    bindings = new Map();
    for (const field of ['receiver', 'parameters', 'result']) {
      const list = fn.childForFieldName(field);
      for (const param of list ? namedChildren(list) : []) {
        const type = localType(param.childForFieldName('type'));
        for (const name of param.childrenForFieldName('name')) bindings.set(name.text, { kind: 'dynamic', type });
      }
    }
    for (const binder of this.bindersOf(fn)) bind(binder, bindings);
    this.scopes.set(fn.id, bindings);
    return bindings;
  }

  /** The binders in the body of `fn` and not in a function nested in it. */
  private bindersOf(fn: Node): Node[] {
    if (!this.bindersByFunction) {
      this.bindersByFunction = new Map();
      for (const binder of this.nodes.of(BINDERS)) {
        const owner = this.functions.innermost(binder);
        if (!owner) continue;
        const list = this.bindersByFunction.get(owner.id);
        if (list) list.push(binder);
        else this.bindersByFunction.set(owner.id, [binder]);
      }
    }
    const body = fn.childForFieldName('body');
    if (!body) return [];
    const start = body.startIndex;
    const end = body.endIndex;
    return (this.bindersByFunction.get(fn.id) ?? []).filter((b) => b.startIndex >= start && b.endIndex <= end && b.id !== body.id);
  }
}

function bind(binder: Node, bindings: Map<string, GoBinding>): void {
  const declared = binder.type === 'const_spec' || binder.type === 'var_spec';
  const names = declared ? binder.childrenForFieldName('name') : namedChildren(binder.childForFieldName('left') ?? binder);
  const valueList = binder.childForFieldName(declared ? 'value' : 'right');
  const values = valueList ? namedChildren(valueList) : [];
  const type = declared ? localType(binder.childForFieldName('type')) : null;
  const single = binder.type !== 'assignment_statement' && binder.type !== 'range_clause' && values.length === names.length;
  names.forEach((name, i) => {
    if (name.type !== 'identifier' || name.text === '_') return;
    const first = !bindings.has(name.text);
    bindings.set(name.text, first && single ? { kind: 'value', value: values[i] } : { kind: 'dynamic', type });
  });
}

function localType(type: Node | null): GoLocalType {
  if (isTracerType(type)) return 'tracer';
  return isTracerFactoryType(type) ? 'tracerFactory' : null;
}
