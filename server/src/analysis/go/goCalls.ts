// Calls of a pass-through helper in one Go file (`StartSpan(ctx, "orders.get")`,
// `telemetry.StartSpan(ctx, name)`, `t.startSpan(ctx, r.URL.Path)`), with the argument that flows
// into the span name judged like a name, so the rules can report an unbounded value where it is passed.

import type { Node } from 'web-tree-sitter';
import type { Callable, PassedArgument } from '../types';
import { ancestorOfType, namedChildren, rangeOf } from '../treeSitter';
import type { SiteInput } from '../treeSitterFrontEnd';
import type { GoEvaluator } from './goEvaluator';
import type { GoResolver } from './goResolver';
import { callableOf, goFileValues } from './goSites';
import { GoTracers } from './goTracers';

const CALLS = new Set(['call_expression']);
const DECLARATIONS = new Set(['function_declaration', 'method_declaration']);

/** The calls of `callee` in the file, with the argument at `index`. */
export function goCallsTo(input: SiteInput<GoResolver>, callee: Callable, index: number): PassedArgument[] {
  const { nodes, values } = goFileValues(input);
  const tracers = new GoTracers(values);
  const out: PassedArgument[] = [];
  for (const call of nodes.of(CALLS)) {
    const fn = call.childForFieldName('function');
    if (!fn || !calls(fn, callee, values)) continue;
    const args = namedChildren(call.childForFieldName('arguments') ?? call).filter((a) => a.type !== 'comment');
    // `f(ctx, names...)` hides which value lands where.
    if (args.slice(0, index + 1).some((a) => a.type === 'variadic_argument')) continue;
    const arg = args[index];
    if (!arg) continue;
    // A helper named like the tracer method (`Start`): the tracer's own Start calls are sites, judged there.
    if (callee.name === 'Start' && tracers.scopeOf(fn.childForFieldName('operand'), call) !== undefined) continue;
    const enclosing = callableOf(ancestorOfType(call, DECLARATIONS));
    out.push({ file: input.file, headRange: rangeOf(fn), value: values.info(arg), ...(enclosing ? { enclosing } : {}) });
  }
  return out;
}

/** Whether `fn` names the helper: `Name(...)` / `pkg.Name(...)` for functions, `x.Name(...)` for methods. */
function calls(fn: Node, callee: Callable, values: GoEvaluator): boolean {
  if (fn.type === 'identifier') return !callee.method && fn.text === callee.name && !values.locals.lookup(fn, fn.text);
  if (fn.type !== 'selector_expression' || fn.childForFieldName('field')?.text !== callee.name) return false;
  const operand = fn.childForFieldName('operand');
  const viaPackage = operand?.type === 'identifier' && values.resolver.imports.has(operand.text) && !values.locals.lookup(fn, operand.text);
  return callee.method ? !viaPackage : viaPackage;
}
