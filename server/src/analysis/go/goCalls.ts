// Calls of a pass-through helper in one Go file (`StartSpan(ctx, "orders.get")`,
// `telemetry.StartSpan(ctx, name)`, `t.startSpan(ctx, r.URL.Path)`), with the argument that flows
// into the span name judged like a name, so the rules can report an unbounded value where it is passed.
// When the helper's package is known, `pkg.Fn(...)` counts only where `pkg` is that package and a
// plain `Fn(...)` only inside it: another package's function of the same name is not the helper.

import { basename, dirname } from 'node:path';
import type { Node } from 'web-tree-sitter';
import type { PassedArgument } from '../types';
import { ancestorOfType, namedChildren, rangeOf } from '../treeNodes';
import type { SiteInput } from '../treeSitterFrontEnd';
import type { GoEvaluator } from './goEvaluator';
import type { GoResolver } from './goResolver';
import { callableOf, goFileValues, type GoCallable } from './goSites';
import { GoTracers } from './goTracers';

const CALLS = new Set(['call_expression']);
const DECLARATIONS = new Set(['function_declaration', 'method_declaration']);

/** The calls of `callee` in the file, with the argument at `index`. */
export function goCallsTo(input: SiteInput<GoResolver>, callee: GoCallable, index: number): PassedArgument[] {
  const { nodes, values } = goFileValues(input);
  const tracers = new GoTracers(values);
  const out: PassedArgument[] = [];
  for (const call of nodes.of(CALLS)) {
    const fn = call.childForFieldName('function');
    if (!fn || !calls(fn, callee, values, input.file)) continue;
    const args = namedChildren(call.childForFieldName('arguments') ?? call).filter((a) => a.type !== 'comment');
    // `f(ctx, names...)` hides which value lands where.
    if (args.slice(0, index + 1).some((a) => a.type === 'variadic_argument')) continue;
    const arg = args[index];
    if (!arg) continue;
    // A helper named like the tracer method (`Start`): the tracer's own Start calls are sites, judged there.
    if (callee.name === 'Start' && tracers.scopeOf(fn.childForFieldName('operand'), call) !== undefined) continue;
    const enclosing = callableOf(ancestorOfType(call, DECLARATIONS), input.file);
    out.push({ file: input.file, headRange: rangeOf(fn), value: values.info(arg), ...(enclosing ? { enclosing } : {}) });
  }
  return out;
}

/** Whether `fn` names the helper: `Name(...)` / `pkg.Name(...)` for functions, `x.Name(...)` for methods. */
function calls(fn: Node, callee: GoCallable, values: GoEvaluator, file: string): boolean {
  if (fn.type === 'identifier') {
    return !callee.method && fn.text === callee.name && !values.locals.lookup(fn, fn.text) && (callee.dir === undefined || dirname(file) === callee.dir);
  }
  if (fn.type !== 'selector_expression' || fn.childForFieldName('field')?.text !== callee.name) return false;
  const operand = fn.childForFieldName('operand');
  const viaPackage = operand?.type === 'identifier' && values.resolver.imports.has(operand.text) && !values.locals.lookup(fn, operand.text);
  if (callee.method) return !viaPackage;
  return viaPackage && (callee.dir === undefined || importsDir(operand.text, callee.dir, values.resolver));
}

/**
 * Whether the package imported as `alias` is the one in `dir`: the workspace directory its import
 * path resolves to, or, when that is ambiguous or missing, a directory named like the path's last segment.
 */
function importsDir(alias: string, dir: string, resolver: GoResolver): boolean {
  const resolved = resolver.importedDir(alias);
  if (resolved !== undefined) return resolved === dir;
  const segments = (resolver.imports.get(alias) ?? '').split('/');
  const last = /^v\d/.test(segments[segments.length - 1]) && segments.length > 1 ? segments[segments.length - 2] : segments[segments.length - 1];
  return basename(dir) === last;
}
