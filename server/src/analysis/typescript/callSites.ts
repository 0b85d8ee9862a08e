// The calls of a pass-through helper in one file: `withSpan(name, ...)` (also through a namespace
// or CommonJS module object, `tracing.withSpan(...)`), `x.startSpan(name)` for methods, and
// `new Helper(name)` for constructors, each with the argument at the parameter's index described
// like a name (parts with `param` when the argument is itself a parameter of the caller).

import { ts } from './tsApi';
import type { Callable, PassedArgument } from '../types';
import type { ConstantEvaluator } from './constants';
import { callableDeclaring, enclosingCallable } from './callables';
import { words } from '../cardinality';
import { findBinding } from './modules';
import { innermostNodeAt, memberAccess, occurrences, rangeOf, unwrap } from './syntax';
import { valueInfo } from './values';

/**
 * Cheap text test before parsing: the name written as a call (`name(`, `name<T>(`, `.name(`).
 * Helpers with common names (`run`, `span`) would otherwise parse nearly every file.
 */
export function mayCall(text: string, callee: Callable): boolean {
  if (!text.includes(callee.name)) return false;
  const name = callee.name.replace(/[$]/g, '\\$&');
  const before = callee.method ? '[.#]\\s*' : '(?<![\\w$])';
  return new RegExp(`${before}${name}\\s*(?:<[^;(){}]*>\\s*)?\\(`).test(text);
}

export function findCallsTo(sf: ts.SourceFile, callee: Callable, index: number, evaluator: ConstantEvaluator): PassedArgument[] {
  const out: PassedArgument[] = [];
  for (const at of occurrences(sf.text, callee.name, 0, sf.end)) {
    const id = innermostNodeAt(sf, at);
    if (!(ts.isIdentifier(id) || ts.isPrivateIdentifier(id)) || id.text !== callee.name || id.getStart(sf) !== at) continue;
    const call = callOf(id, callee);
    if (!call?.arguments) continue;
    const args = call.arguments;
    if (args.length <= index || args.slice(0, index + 1).some((a) => ts.isSpreadElement(a))) continue;
    const value = valueInfo(args[index], evaluator, sf);
    const passed: PassedArgument = { file: sf.fileName, headRange: rangeOf(call.expression, sf), value };
    const param = value.parts?.find((p) => p.param)?.param;
    const enclosing = param ? callableDeclaring(call, param) : enclosingCallable(call);
    if (param && !enclosing) for (const p of value.parts ?? []) delete p.param;
    if (enclosing) passed.enclosing = enclosing;
    out.push(passed);
  }
  return out;
}

/** The call whose callee `id` names, in the shape `callee` is called by. */
function callOf(id: ts.Identifier | ts.PrivateIdentifier, callee: Callable): ts.CallExpression | ts.NewExpression | undefined {
  const p = id.parent;
  if (callee.method) {
    if (!(ts.isPropertyAccessExpression(p) && p.name === id) || isLogger(p.expression)) return undefined;
    const call = p.parent;
    return ts.isCallExpression(call) && call.expression === p ? call : undefined;
  }
  if (ts.isIdentifier(id) && (ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression === id) return p;
  // `tracing.withSpan(...)` where `tracing` is an imported module (ESM namespace or require).
  if (ts.isPropertyAccessExpression(p) && p.name === id && ts.isIdentifier(p.expression) && ts.isCallExpression(p.parent) && p.parent.expression === p) {
    const obj = p.expression;
    const b = obj.text === 'exports' ? undefined : findBinding(obj.text, obj);
    if (obj.text === 'exports' || b?.kind === 'import') return p.parent;
  }
  return undefined;
}

/**
 * `logger.trace(...)`, `console.debug(...)`, `this.log.info(...)`: a helper known only by its method
 * name (`Tracer.trace`) shares it with every logger, whose messages are free text by design.
 */
function isLogger(receiver: ts.Expression): boolean {
  const r = unwrap(receiver);
  const name = ts.isIdentifier(r) ? r.text : memberAccess(r)?.[1];
  const last = name ? words(name).pop() : undefined;
  return last === 'console' || last === 'log' || last === 'logger';
}
