// Names bound inside Go functions (closures see their outer functions). A local bound once
// (`name := "checkout.pay"`, `const name = ...`) keeps its value; parameters and reassigned
// names are dynamic, remembering their declared type (a tracer, a tracer factory, another type),
// which parameter they are, and every value assigned to them when each assignment is plain.

import type { Node } from 'web-tree-sitter';
import { FunctionIndex, namedChildren, type NodesByType } from '../treeNodes';
import { typeKind, type GoImports, type GoTypeKind } from './goTypes';

/** A parameter of a function: its position (receiver not counted) and the function. */
export interface GoParam {
  index: number;
  name: string;
  owner: Node;
}

export type GoBinding =
  | { kind: 'value'; value: Node; owner: Node }
  | {
    kind: 'dynamic';
    owner: Node;
    type: GoTypeKind;
    /** The declared type as written (`string`, `Op`, `*http.Request`). */
    typeText?: string;
    param?: GoParam;
    /** Every value assigned, when each assignment gives this name one expression (`=`, `:=` or the piece a `+=` appends). */
    values?: Node[];
    /** Some of `values` are appended by `+=`: the name may grow on every pass, so it is never bounded by them. */
    grown?: boolean;
    /** The call whose first result this name holds (`tmpl, err := route.GetPathTemplate()`). */
    source?: Node;
  };

export const GO_FUNCTIONS = new Set(['function_declaration', 'method_declaration', 'func_literal']);
const BINDERS = new Set(['short_var_declaration', 'assignment_statement', 'const_spec', 'var_spec', 'range_clause', 'inc_statement', 'dec_statement']);
/** The node types GoLocals needs from the file's one search (NodesByType). */
export const LOCALS_NODE_TYPES = [...GO_FUNCTIONS, ...BINDERS];

export class GoLocals {
  private readonly scopes = new Map<number, Map<string, GoBinding>>();
  readonly functions: FunctionIndex;
  /** Binders grouped by their innermost function, in document order; found in one search of the tree on first use. */
  private bindersByFunction?: Map<number, Node[]>;

  constructor(
    private readonly nodes: NodesByType,
    private readonly imports: GoImports,
  ) {
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
      let index = 0;
      for (const param of list ? namedChildren(list) : []) {
        if (param.type === 'comment') continue;
        const typeNode = param.childForFieldName('type');
        const type = typeKind(typeNode, this.imports);
        const names = param.childrenForFieldName('name');
        for (const name of names) {
          const binding: GoBinding = { kind: 'dynamic', owner: fn, type, typeText: typeNode?.text };
          if (field === 'parameters') binding.param = { index, name: name.text, owner: fn };
          bindings.set(name.text, binding);
          index++;
        }
        if (names.length === 0) index++;
      }
    }
    const assigned = new Map<string, Node[] | null>();
    const grown = new Set<string>();
    for (const binder of this.bindersOf(fn)) bind(binder, bindings, assigned, grown, fn, this.imports);
      for (const [name, values] of assigned) {
      const binding = bindings.get(name);
      if (binding?.kind === 'dynamic' && !binding.param && values?.length) {
        binding.values = values;
        if (grown.has(name)) binding.grown = true;
      }
    }
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

function bind(binder: Node, bindings: Map<string, GoBinding>, assigned: Map<string, Node[] | null>, grown: Set<string>, owner: Node, imports: GoImports): void {
  const declared = binder.type === 'const_spec' || binder.type === 'var_spec';
  // `i++` changes `i` like an assignment whose value is unknown.
  const stepped = binder.type === 'inc_statement' || binder.type === 'dec_statement';
  const names = declared ? binder.childrenForFieldName('name') : stepped ? namedChildren(binder) : namedChildren(binder.childForFieldName('left') ?? binder);
  const valueList = binder.childForFieldName(declared ? 'value' : 'right');
  const values = valueList ? namedChildren(valueList) : [];
  const typeNode = declared ? binder.childForFieldName('type') : null;
  const type = typeKind(typeNode, imports);
  const single = binder.type !== 'assignment_statement' && binder.type !== 'range_clause' && !stepped && values.length === names.length;
  // `x <<= 1` builds on the old value: not a plain assignment; `name += "[" + idx + "]"` appends a piece.
  const operator = binder.childForFieldName('operator')?.text ?? '=';
  const appends = operator === '+=';
  const plain = binder.type !== 'range_clause' && !stepped && values.length === names.length && (appends || !/^[-+*/%&|^<>]+=$/.test(operator));
  const source = values.length === 1 && names.length > 1 && values[0].type === 'call_expression' ? values[0] : undefined;
  names.forEach((name, i) => {
    if (name.type !== 'identifier' || name.text === '_') return;
    const previous = bindings.get(name.text);
    const first = !previous;
    const seen = assigned.get(name.text);
    if (seen !== null) {
      if (plain) {
        assigned.set(name.text, [...(seen ?? []), values[i]]);
        if (appends) grown.add(name.text);
      } else if (!(declared && values.length === 0)) assigned.set(name.text, null);
    }
    if (first && single) {
      bindings.set(name.text, { kind: 'value', value: values[i], owner });
      return;
    }
    const binding: GoBinding = { kind: 'dynamic', owner, type: previous?.kind === 'dynamic' ? previous.type : type };
    const typeText = typeNode?.text ?? (previous?.kind === 'dynamic' ? previous.typeText : undefined);
    if (typeText) binding.typeText = typeText;
    if (previous?.kind === 'dynamic' && previous.param) binding.param = previous.param;
    if (first && source && i === 0) binding.source = source;
    bindings.set(name.text, binding);
  });
}
