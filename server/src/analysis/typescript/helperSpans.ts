// Spans a file gets from the project's own functions: `const span = startRequestSpan(req)` where
// `startRequestSpan` returns a span it started (`return tracer.startSpan(...)`, or a variable
// holding one). The helper's tracer call is the span site; the caller owns the span, so only
// whether the caller ends it is judged here (LanguageFrontEnd.helperSpansOf). The callee must
// resolve, through the file's bindings and the workspace's imports, to such a function: a name
// alone is not enough (`start()` of another module is not the helper).

import { ts } from './tsApi';
import type { Language } from '../../../../common/src/sites';
import type { SpanSite } from '../types';
import { callableOf } from './callables';
import type { ConstantEvaluator } from './constants';
import { findBinding, type Binding } from './modules';
import { heldInVariable, followVariableSpan } from './spanLifetime';
import { innermostNodeAt, memberAccess, occurrences, rangeOf, unwrap } from './syntax';

/** A function that returns a span it started, as callers name it and where it is declared. */
export interface SpanReturner {
  name: string;
  method: boolean;
  file: string;
  /** The declaration's `pos` in its file: tells it apart from other functions of the same name. */
  pos: number;
}

const MAX_HOPS = 6;

/**
 * The function that returns the span `call` starts: `return tracer.startSpan(...)`, an arrow whose
 * body is the call, or `const span = tracer.startSpan(...); ...; return span;`. Undefined when the
 * span is not returned or the function has no name callers could use.
 */
export function spanReturner(call: ts.CallExpression): SpanReturner | undefined {
  let holder: ts.Node = call;
  while (isWrapper(holder.parent)) holder = holder.parent;
  const p = holder.parent;
  let fn: ts.SignatureDeclaration | undefined;
  if (ts.isReturnStatement(p)) fn = enclosingFunction(p);
  else if (ts.isArrowFunction(p) && p.body === holder) fn = p;
  else if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) {
    const owner = enclosingFunction(p);
    const body = owner && (owner as { body?: ts.Node }).body;
    if (body && returnsName(body, p.name.text, owner)) fn = owner;
  }
  const callable = fn && callableOf(fn);
  return callable && fn ? { ...callable, file: fn.getSourceFile().fileName, pos: fn.pos } : undefined;
}

/** Spans of `sf` held in a variable from a call of one of `returners` (by name). */
export function findHelperSpans(sf: ts.SourceFile, language: Language, returners: ReadonlyMap<string, SpanReturner[]>, evaluator: ConstantEvaluator): SpanSite[] {
  const sites: SpanSite[] = [];
  const seen = new Set<ts.CallExpression>();
  for (const [name, candidates] of withLocalAliases(sf, returners)) {
    for (const at of occurrences(sf.text, name, 0, sf.end)) {
      const id = innermostNodeAt(sf, at);
      if (!(ts.isIdentifier(id) || ts.isPrivateIdentifier(id)) || id.text !== name) continue;
      const call = callNamedBy(id);
      if (!call || seen.has(call) || !heldInVariable(call)) continue;
      const target = new CalleeResolver(evaluator).resolve(call.expression);
      if (!target || !candidates.some((c) => c.file === target.getSourceFile().fileName && c.pos === target.pos)) continue;
      seen.add(call);
      const site: SpanSite = { file: sf.fileName, language, range: rangeOf(call, sf), headRange: rangeOf(call.expression, sf), scope: null, kind: null, attributes: [], ended: true };
      followVariableSpan(site, call, evaluator, sf);
      sites.push(site);
    }
  }
  return sites.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/** The helpers' names plus the local names they are imported under (`import { startDbSpan as dbSpan }`, `const { startDbSpan: dbSpan } = require(...)`). */
function withLocalAliases(sf: ts.SourceFile, returners: ReadonlyMap<string, SpanReturner[]>): Map<string, SpanReturner[]> {
  const out = new Map(returners);
  for (const [name, candidates] of returners) {
    for (const at of occurrences(sf.text, name, 0, sf.end)) {
      const id = innermostNodeAt(sf, at);
      const p = id.parent;
      const alias = p && (ts.isImportSpecifier(p) || ts.isBindingElement(p)) && p.propertyName === id && ts.isIdentifier(p.name) ? p.name.text : undefined;
      if (alias && !out.has(alias)) out.set(alias, candidates);
    }
  }
  return out;
}

/** The call `id` is the callee (or the callee's last member) of. */
function callNamedBy(id: ts.Identifier | ts.PrivateIdentifier): ts.CallExpression | undefined {
  let callee: ts.Node = id;
  if (ts.isPropertyAccessExpression(id.parent) && id.parent.name === id) callee = id.parent;
  // tsc's `(0, tracing_1.startSpan)(...)`.
  while (ts.isParenthesizedExpression(callee.parent) || (ts.isBinaryExpression(callee.parent) && callee.parent.operatorToken.kind === ts.SyntaxKind.CommaToken && callee.parent.right === callee)) callee = callee.parent;
  const call = callee.parent;
  return ts.isCallExpression(call) && call.expression === callee ? call : undefined;
}

/** Finds the function a callee names: a local or imported function, a module member, a method of `this`'s class. */
class CalleeResolver {
  constructor(private readonly evaluator: ConstantEvaluator) {}

  resolve(callee: ts.Expression, hops = 0): ts.Node | undefined {
    if (hops > MAX_HOPS) return undefined;
    const e = calleeOf(callee);
    if (ts.isIdentifier(e)) return this.binding(findBinding(e.text, e), hops);
    const member = memberAccess(e);
    if (!member) return undefined;
    const obj = unwrap(member[0]);
    if (obj.kind === ts.SyntaxKind.ThisKeyword) return classMethod(obj, member[1]);
    if (!ts.isIdentifier(obj)) return undefined;
    const b = findBinding(obj.text, obj);
    // `tracing.startSpan(...)` / `tracing_1.startSpan(...)` with `tracing` a whole imported module.
    if (b?.kind !== 'import' || b.name !== '*') return undefined;
    const file = this.evaluator.moduleOf(b.fromFile, b.specifier);
    return file ? this.binding(this.evaluator.exportOf(file, member[1]), hops + 1) : undefined;
  }

  private binding(b: Binding | undefined, hops: number): ts.Node | undefined {
    if (!b || hops > MAX_HOPS) return undefined;
    switch (b.kind) {
      case 'other':
        return ts.isFunctionDeclaration(b.decl) ? b.decl : undefined;
      case 'variable':
        return b.decl.initializer ? this.value(b.decl.initializer, hops) : undefined;
      case 'expression':
        return this.value(b.expr, hops);
      case 'import': {
        if (b.name === '*') return undefined;
        const file = this.evaluator.moduleOf(b.fromFile, b.specifier);
        return file ? this.binding(this.evaluator.exportOf(file, b.name), hops + 1) : undefined;
      }
      default:
        return undefined;
    }
  }

  /** A function written as a value (`const f = () => ...`, `exports.f = function ...`), or another name for one. */
  private value(expr: ts.Expression, hops: number): ts.Node | undefined {
    const e = unwrap(expr);
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return e;
    return ts.isIdentifier(e) || memberAccess(e) ? this.resolve(e, hops + 1) : undefined;
  }
}

/** `(0, m.f)` -> `m.f`; wrappers peeled. */
function calleeOf(callee: ts.Expression): ts.Expression {
  let e = unwrap(callee);
  while (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.CommaToken) e = unwrap(e.right);
  return e;
}

/** `this.name` inside a class: its method, or a property holding an arrow function. */
function classMethod(thisNode: ts.Node, name: string): ts.Node | undefined {
  let cls: ts.Node | undefined = thisNode.parent;
  while (cls && !ts.isClassLike(cls)) cls = cls.parent;
  if (!cls || !ts.isClassLike(cls)) return undefined;
  for (const m of cls.members) {
    if (!m.name || !(ts.isIdentifier(m.name) || ts.isPrivateIdentifier(m.name)) || m.name.text !== name) continue;
    if (ts.isMethodDeclaration(m)) return m;
    if (ts.isPropertyDeclaration(m) && m.initializer) {
      const init = unwrap(m.initializer);
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
    }
  }
  return undefined;
}

function isWrapper(n: ts.Node): boolean {
  return ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isNonNullExpression(n) || ts.isSatisfiesExpression(n) || ts.isAwaitExpression(n);
}

function enclosingFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return n;
  return undefined;
}

/** Whether `body` has `return name` (in `owner` itself, not a nested function). */
function returnsName(body: ts.Node, name: string, owner: ts.SignatureDeclaration): boolean {
  const sf = body.getSourceFile();
  for (const at of occurrences(sf.text, name, body.pos, body.end)) {
    const id = innermostNodeAt(body, at);
    if (!ts.isIdentifier(id) || id.text !== name) continue;
    let child: ts.Node = id;
    while (isWrapper(child.parent)) child = child.parent;
    if (ts.isReturnStatement(child.parent) && enclosingFunction(child.parent) === owner) return true;
  }
  return false;
}
