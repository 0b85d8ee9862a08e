// Calls of a pass-through helper in one Python file (`traced("orders.get")`, `self._span(name)`,
// `@traced("x")`, `telemetry.traced(...)`), with the argument that flows into the span name judged
// like a name, so the rules can report an unbounded value where it is passed.

import type { Node } from 'web-tree-sitter';
import type { Callable, PassedArgument } from '../types';
import { FunctionIndex, NodesByType, namedChildren, rangeOf } from '../treeNodes';
import { Evaluator } from './pythonEvaluator';
import { LOCALS_NODE_TYPES, PythonLocals } from './pythonLocals';
import { keywordArgument } from './pythonModules';
import { callableOf } from './pythonParams';
import type { PyFileInput } from './pythonSites';

const FUNCTIONS = new Set(['function_definition', 'lambda']);

/** The calls of `callee` in the file, with the argument at `index` (or passed by keyword as `paramName`). */
export function pythonCallsTo(input: PyFileInput, callee: Callable, index: number, paramName?: string): PassedArgument[] {
  const nodes = new NodesByType(input.root, [...LOCALS_NODE_TYPES, 'call']);
  const locals = new PythonLocals(nodes);
  const values = new Evaluator(input, locals);
  const functions = new FunctionIndex(nodes.of(FUNCTIONS));
  const out: PassedArgument[] = [];
  for (const call of nodes.of(new Set(['call']))) {
    const fn = call.childForFieldName('function');
    if (!fn || !calls(fn, callee, input, locals)) continue;
    const args = call.childForFieldName('arguments');
    if (!args) continue;
    const positional = namedChildren(args).filter((a) => a.type !== 'keyword_argument' && a.type !== 'comment');
    // `f(*names)` hides which argument lands where.
    if (positional.slice(0, index + 1).some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) continue;
    const arg = positional[index] ?? (paramName ? keywordArgument(args, paramName) : null);
    if (!arg) continue;
    const { info, paramOf } = values.described(arg);
    const around = paramOf ?? functions.innermost(call);
    const enclosing = around ? callableOf(around) : undefined;
    out.push({ file: input.file, headRange: rangeOf(fn), value: info, ...(enclosing ? { enclosing } : {}) });
  }
  return out;
}

/** Whether `fn` (a call's callee) names the helper: `name(...)` / `module.name(...)` for functions, `x.name(...)` for methods. */
function calls(fn: Node, callee: Callable, input: PyFileInput, locals: PythonLocals): boolean {
  if (fn.type === 'identifier') return !callee.method && fn.text === callee.name;
  if (fn.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== callee.name) return false;
  if (callee.method) return true;
  const object = fn.childForFieldName('object');
  // A function reached through its module: `telemetry.traced("x")` after `from app import telemetry`.
  return object?.type === 'identifier' && !locals.lookup(fn, object.text) && input.resolver.importedFrom(object.text) !== undefined;
}
