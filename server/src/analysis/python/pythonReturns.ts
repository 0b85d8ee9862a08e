// What a call of one of the project's own functions returns, for judging a name built from it:
// `get_default_span_name(environ)` is as bounded as the parts of its return expressions
// (`return f"{method} {path}"` with `path` the raw PATH_INFO makes it unbounded). The function is
// found in the same file (module-level `def`, a method of the enclosing class, or the function a
// class stores in `self.x = default or get_default`), or through imports by the front-end. Each
// function is summarised once; a returned parameter is judged at the call from its argument.

import type { Node } from 'web-tree-sitter';
import { textVerdict } from '../cardinality';
import { ancestorOfType, descendants, namedChildren } from '../treeNodes';
import type { Bound, ParamRef } from '../types';
import { dottedPath } from './pythonExpr';
import type { PythonLocals } from './pythonLocals';
import { keywordArgument } from './pythonModules';
import type { PythonResolver } from './pythonSites';

/** One dynamic part of what a function returns, judged where the function is written. */
export interface ReturnedPart {
  text: string;
  bound: Bound;
  reason?: string;
  /** Set when the part is one of the function's parameters: judged from the call's argument. */
  param?: ParamRef;
}

/** What the summary of a function needs from the part finder of the function's file. */
export interface PartSource {
  partsOf(node: Node): { part: { text: string; bound: Bound; reason?: string; param?: ParamRef } }[];
}

const NESTED = new Set(['function_definition', 'lambda', 'class_definition']);
const RETURNS = new Set(['return_statement']);
const CLASS = new Set(['class_definition']);
const ASSIGNMENTS = new Set(['assignment']);

/** The parts of every return expression of `fn` (element `index` of tuple returns); undefined when some return cannot be read. */
export function summarise(fn: Node, index: number | undefined, source: PartSource): ReturnedPart[] | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  const out: ReturnedPart[] = [];
  for (const statement of descendants(body, RETURNS, NESTED)) {
    let value: Node | null = statement.namedChildren[0] ?? null;
    if (!value || value.type === 'none') continue;
    if (index !== undefined) {
      const elements = value.type === 'expression_list' || value.type === 'tuple' ? namedChildren(value) : [];
      value = elements[index] ?? null;
      if (!value) return undefined;
    }
    for (const { part } of source.partsOf(value)) {
      // The function's own words count here: `path` in `return f"{method} {path}"` is a raw path.
      const verdict = part.bound === 'unknown' && !part.param ? textVerdict(part.text) : part;
      out.push({ text: part.text, bound: verdict.bound, ...(verdict.reason ? { reason: verdict.reason } : {}), ...(part.param ? { param: part.param } : {}) });
    }
  }
  return out;
}

/** The argument a call passes for `param` (by position, else by keyword); null when hidden behind `*args`. */
export function argumentFor(call: Node, param: ParamRef): Node | null {
  const args = call.childForFieldName('arguments');
  if (!args) return null;
  const positional = namedChildren(args).filter((a) => a.type !== 'keyword_argument' && a.type !== 'comment');
  if (positional.slice(0, param.index + 1).some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) return null;
  return positional[param.index] ?? keywordArgument(args, param.name);
}

/** A module-level `def name` of the file (decorated or not). */
export function moduleFunction(root: Node, name: string): Node | undefined {
  for (const statement of namedChildren(root)) {
    const fn = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    if (fn?.type === 'function_definition' && fn.childForFieldName('name')?.text === name) return fn;
  }
  return undefined;
}

/** A function found for a callee: in this file (a node), or elsewhere (a summary from the front-end). */
export type Callee = { fn: Node; name: string } | { summary: ReturnedPart[]; name: string };

/** Finds the project functions a call may run, as seen from one file. */
export class CallTargets {
  constructor(
    private readonly root: Node,
    private readonly locals: PythonLocals,
    private readonly resolver: PythonResolver,
  ) {}

  /** The functions `call` may run (several when a class stores a default next to a callback); empty when none is known. */
  calleesOf(call: Node, index: number | undefined): Callee[] {
    const fn = call.childForFieldName('function');
    const path = fn ? dottedPath(fn) : null;
    if (!fn || !path) return [];
    if (path[0] === 'self' && path.length === 2) return this.selfCallees(call, path[1], index);
    return this.namedCallees(fn, path, index);
  }

  /** `f(...)` / `module.f(...)`: a module-level function of this file, or one the front-end finds through imports. */
  private namedCallees(at: Node, path: string[], index: number | undefined): Callee[] {
    if (this.locals.lookup(at, path[0])) return [];
    const name = path[path.length - 1];
    const own = path.length === 1 ? moduleFunction(this.root, name) : undefined;
    if (own) return [{ fn: own, name }];
    const summary = this.resolver.returnsOf?.(path, index);
    return summary ? [{ summary, name }] : [];
  }

  /** `self.m(...)`: the class's method `m`, else the functions the class assigns to `self.m`. */
  private selfCallees(call: Node, attribute: string, index: number | undefined): Callee[] {
    const cls = ancestorOfType(call, CLASS);
    const body = cls?.childForFieldName('body');
    if (!cls || !body) return [];
    for (const statement of namedChildren(body)) {
      const fn = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
      if (fn?.type === 'function_definition' && fn.childForFieldName('name')?.text === attribute) return [{ fn, name: attribute }];
    }
    const out: Callee[] = [];
    for (const assignment of descendants(cls, ASSIGNMENTS, CLASS)) {
      if (assignment.childForFieldName('left')?.text !== `self.${attribute}`) continue;
      // `self.default_span_details = default_span_details or get_default_span_details`: the named functions among the choices.
      for (const choice of choices(assignment.childForFieldName('right'))) {
        const found = choice.type === 'identifier' ? this.namedCallees(choice, [choice.text], index) : [];
        // A callback the caller passed in may return anything: that choice stays unknown.
        out.push(...(found.length ? found : [{ summary: [{ text: choice.text, bound: 'unknown' as const }], name: choice.text }]));
      }
    }
    return out;
  }
}

/** The alternatives of `a or b`, `a if c else b`, `(a)`. */
function choices(node: Node | null): Node[] {
  if (!node) return [];
  if (node.type === 'parenthesized_expression') return choices(node.namedChildren[0] ?? null);
  if (node.type === 'boolean_operator') return [...choices(node.childForFieldName('left')), ...choices(node.childForFieldName('right'))];
  if (node.type === 'conditional_expression') return namedChildren(node).filter((_, i) => i !== 1).flatMap(choices);
  return [node];
}
