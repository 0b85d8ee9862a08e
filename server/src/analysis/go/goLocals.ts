// Names bound inside Go functions (closures see their outer functions). A local bound once
// (`name := "checkout.pay"`, `const name = ...`) keeps its value; parameters and reassigned
// names are dynamic, remembering whether they are typed `trace.Tracer` or `func(...) trace.Tracer`.

import type { Node } from 'web-tree-sitter';
import { FunctionIndex, descendants, namedChildren } from '../treeSitter';
import { isTracerFactoryType, isTracerType } from './goPackages';

/** A dynamic name's declared type, as far as spans care. */
export type GoLocalType = 'tracer' | 'tracerFactory' | null;

export type GoBinding = { kind: 'value'; value: Node } | { kind: 'dynamic'; type: GoLocalType };

export const GO_FUNCTIONS = new Set(['function_declaration', 'method_declaration', 'func_literal']);
const BINDERS = new Set(['short_var_declaration', 'assignment_statement', 'const_spec', 'var_spec', 'range_clause']);

export class GoLocals {
  private readonly scopes = new Map<number, Map<string, GoBinding>>();
  private readonly functions: FunctionIndex;

  constructor(root: Node) {
    this.functions = new FunctionIndex(root, GO_FUNCTIONS);
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
    const body = fn.childForFieldName('body');
    for (const binder of body ? descendants(body, BINDERS) : []) if (this.functions.isInnermost(fn, binder)) bind(binder, bindings);
    this.scopes.set(fn.id, bindings);
    return bindings;
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
