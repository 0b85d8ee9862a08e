// Functions as their callers name them: the simple name and call shape (`withSpan(...)`,
// `this.startSpan(...)`) that a pass-through helper is called by, and the position of its
// parameters (what a caller's argument at that index is).

import { ts } from './tsApi';
import type { Callable, ParamRef } from '../types';
import { memberAccess } from './syntax';

/** How `fn` is called: undefined for anonymous callbacks (their callers cannot be found by name). */
export function callableOf(fn: ts.SignatureDeclaration): Callable | undefined {
  if (ts.isConstructorDeclaration(fn)) {
    const cls = fn.parent;
    return ts.isClassLike(cls) && cls.name ? { name: cls.name.text, method: false } : undefined;
  }
  if (ts.isFunctionDeclaration(fn)) return fn.name ? { name: fn.name.text, method: false } : undefined;
  if (ts.isMethodDeclaration(fn) || ts.isGetAccessor(fn) || ts.isSetAccessor(fn)) {
    return ts.isIdentifier(fn.name) || ts.isPrivateIdentifier(fn.name) || ts.isStringLiteral(fn.name) ? { name: fn.name.text, method: true } : undefined;
  }
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
  let holder: ts.Node = fn.parent;
  while (ts.isParenthesizedExpression(holder) || ts.isAsExpression(holder) || ts.isSatisfiesExpression(holder)) holder = holder.parent;
  if (ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name)) return { name: holder.name.text, method: false };
  if ((ts.isPropertyDeclaration(holder) || ts.isPropertyAssignment(holder)) && (ts.isIdentifier(holder.name) || ts.isPrivateIdentifier(holder.name) || ts.isStringLiteral(holder.name))) {
    return { name: holder.name.text, method: true };
  }
  if (ts.isBinaryExpression(holder) && holder.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    if (ts.isIdentifier(holder.left)) return { name: holder.left.text, method: false };
    const member = memberAccess(holder.left);
    if (!member) return undefined;
    // `exports.withSpan = function` and `module.exports.withSpan =` are imported and called as functions.
    const target = member[0].getText();
    return { name: member[1], method: !(target === 'exports' || target === 'module.exports') };
  }
  return fn.name ? { name: fn.name.text, method: false } : undefined;
}

/** A parameter's position as callers see it (a TypeScript `this` parameter is not passed). */
export function paramRef(param: ts.ParameterDeclaration): ParamRef | undefined {
  if (!ts.isIdentifier(param.name) || param.dotDotDotToken) return undefined;
  const fn = param.parent;
  let index = 0;
  for (const p of fn.parameters) {
    if (p === param) return { index, name: param.name.text };
    if (!(ts.isIdentifier(p.name) && p.name.text === 'this')) index++;
  }
  return undefined;
}

/** The nearest function around `node` that declares a parameter `ref` and that callers can name. */
export function callableDeclaring(node: ts.Node, ref: ParamRef): Callable | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (!ts.isFunctionLike(n)) continue;
    const param = n.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === ref.name);
    if (param) return paramRef(param)?.index === ref.index ? callableOf(n) : undefined;
  }
  return undefined;
}

/** The nearest function around `node` that callers can name. */
export function enclosingCallable(node: ts.Node): Callable | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isFunctionLike(n)) return callableOf(n);
  }
  return undefined;
}
