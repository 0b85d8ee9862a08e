// Names bound inside one Python function. A local assigned exactly once keeps that value
// (`name = "checkout.pay"` then `start_span(name)`); parameters and rebound names are dynamic.

import type { Node } from 'web-tree-sitter';
import { FunctionIndex, descendants, namedChildren } from '../treeSitter';

export type LocalBinding = { kind: 'value'; value: Node } | { kind: 'dynamic' };

const FUNCTIONS = new Set(['function_definition']);
const BINDERS = new Set(['assignment', 'augmented_assignment', 'for_statement', 'as_pattern_target', 'named_expression', 'for_in_clause']);

export class PythonLocals {
  private readonly scopes = new Map<number, Map<string, LocalBinding>>();
  private readonly functions: FunctionIndex;

  constructor(root: Node) {
    this.functions = new FunctionIndex(root, FUNCTIONS);
  }

  /** The binding of `name` in the innermost function around `at`; undefined when not local. */
  lookup(at: Node, name: string): LocalBinding | undefined {
    const fn = this.functions.enclosing(at)[0];
    return fn ? this.bindingsOf(fn).get(name) : undefined;
  }

  private bindingsOf(fn: Node): Map<string, LocalBinding> {
    let bindings = this.scopes.get(fn.id);
    if (bindings) return bindings;
    bindings = new Map();
    const params = fn.childForFieldName('parameters');
    for (const p of params ? namedChildren(params) : []) {
      const name = p.type === 'identifier' ? p : (p.childForFieldName('name') ?? p.namedChildren[0]);
      if (name?.type === 'identifier') bindings.set(name.text, { kind: 'dynamic' });
    }
    const body = fn.childForFieldName('body');
    for (const binder of body ? descendants(body, BINDERS) : []) {
      if (!this.functions.isInnermost(fn, binder)) continue;
      const left = binder.type === 'as_pattern_target' ? binder.namedChildren[0] : binder.childForFieldName('left') ?? binder.childForFieldName('name');
      if (left?.type !== 'identifier') continue;
      const right = binder.childForFieldName('right');
      const single = binder.type === 'assignment' && right && !bindings.has(left.text);
      bindings.set(left.text, single ? { kind: 'value', value: right } : { kind: 'dynamic' });
    }
    this.scopes.set(fn.id, bindings);
    return bindings;
  }
}
