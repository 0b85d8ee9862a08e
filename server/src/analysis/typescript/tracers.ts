// Decides whether `x.startSpan(...)` is called on an OpenTelemetry tracer, without a type
// checker: the receiver comes from `getTracer(...)`, is typed `Tracer`, or is named like a
// tracer — unless it is an instance of a local class with its own startSpan (a decoy).
// Also finds the tracer's instrumentation-scope name when it is constant.

import { ts } from './tsApi';
import type { ConstantEvaluator } from './constants';
import { findBinding } from './modules';
import { calleeName, memberAccess, unwrap } from './syntax';

export interface TracerInfo {
  isTracer: boolean;
  /** Constant first argument of the getTracer call that produced the tracer. */
  scope: string | null;
}

/** `tracer`, `_tracer`, `otelTracer`, `getTracer`, but not `_tracerMetrics` or `tracerProvider`. */
const TRACER_NAME = /tracer$/i;
const NOT_A_TRACER: TracerInfo = { isTracer: false, scope: null };

export function classifyReceiver(receiver: ts.Expression, evaluator: ConstantEvaluator): TracerInfo {
  const r = unwrap(receiver);
  if (ts.isCallExpression(r)) {
    if (calleeName(r) === 'getTracer') return { isTracer: true, scope: getTracerScope(r, evaluator) };
    return { isTracer: TRACER_NAME.test(calleeName(r) ?? ''), scope: null };
  }
  if (r.kind === ts.SyntaxKind.ThisKeyword) {
    // `this.startSpan(...)` inside a class: only a tracer implementation (implements Tracer, or
    // a class named like one, e.g. untyped JS `class NoopTracer`) creates spans that way.
    const cls = enclosingClass(r);
    if (cls) return { isTracer: implementsTracer(cls) || TRACER_NAME.test(cls.name?.text ?? ''), scope: null };
    return { isTracer: TRACER_NAME.test(prototypeOwner(r) ?? ''), scope: null };
  }
  if (ts.isIdentifier(r)) {
    const b = findBinding(r.text, r);
    const declared = b && (b.kind === 'variable' || b.kind === 'other') ? b.decl : undefined;
    return fromDeclaration(r.text, declared, evaluator);
  }
  const member = memberAccess(r);
  if (member) {
    const [obj, name] = member;
    if (unwrap(obj).kind === ts.SyntaxKind.ThisKeyword) {
      const cls = enclosingClass(r);
      return fromClassMember(name, cls, evaluator);
    }
    return { isTracer: TRACER_NAME.test(name), scope: null };
  }
  return NOT_A_TRACER;
}

/** A variable or parameter: its initializer and type annotation, then its name. */
function fromDeclaration(name: string, decl: ts.Node | undefined, evaluator: ConstantEvaluator): TracerInfo {
  if (decl && (ts.isVariableDeclaration(decl) || ts.isParameter(decl) || ts.isPropertyDeclaration(decl))) {
    if (decl.type && isTracerType(decl.type)) return { isTracer: true, scope: null };
    const init = decl.initializer ? unwrap(decl.initializer) : undefined;
    if (init) {
      const fromInit = fromInitializer(init, evaluator);
      if (fromInit) return fromInit;
    }
  }
  return { isTracer: TRACER_NAME.test(name), scope: null };
}

function fromInitializer(init: ts.Expression, evaluator: ConstantEvaluator): TracerInfo | undefined {
  const call = ts.isAwaitExpression(init) ? unwrap(init.expression) : init;
  if (ts.isCallExpression(call) && calleeName(call) === 'getTracer') return { isTracer: true, scope: getTracerScope(call, evaluator) };
  if (ts.isNewExpression(call) && ts.isIdentifier(call.expression)) {
    const b = findBinding(call.expression.text, call.expression);
    if (b?.kind === 'class' && !implementsTracer(b.decl)) return NOT_A_TRACER;
  }
  return undefined;
}

/** `this.tracer`: the class's property declaration, constructor parameter property or `this.x = ...` assignment. */
function fromClassMember(name: string, cls: ts.ClassLikeDeclaration | undefined, evaluator: ConstantEvaluator): TracerInfo {
  if (cls) {
    for (const m of cls.members) {
      if (ts.isPropertyDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === name) return fromDeclaration(name, m, evaluator);
      if (ts.isConstructorDeclaration(m)) {
        const param = m.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === name && ts.getModifiers(p)?.length);
        if (param) return fromDeclaration(name, param, evaluator);
        const assigned = m.body ? thisAssignment(m.body, name) : undefined;
        const fromInit = assigned ? fromInitializer(unwrap(assigned), evaluator) : undefined;
        if (fromInit) return fromInit;
      }
    }
  }
  return { isTracer: TRACER_NAME.test(name), scope: null };
}

function thisAssignment(body: ts.Block, name: string): ts.Expression | undefined {
  for (const stmt of body.statements) {
    if (!ts.isExpressionStatement(stmt) || !ts.isBinaryExpression(stmt.expression)) continue;
    const { left, operatorToken, right } = stmt.expression;
    if (operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
    const m = memberAccess(left);
    if (m && m[0].kind === ts.SyntaxKind.ThisKeyword && m[1] === name) return right;
  }
  return undefined;
}

function getTracerScope(call: ts.CallExpression, evaluator: ConstantEvaluator): string | null {
  const arg = call.arguments[0];
  if (!arg) return null;
  const v = evaluator.evaluate(arg);
  return v.constant ? String(v.value) : null;
}

function isTracerType(type: ts.TypeNode): boolean {
  if (!ts.isTypeReferenceNode(type)) return false;
  const n = type.typeName;
  return (ts.isIdentifier(n) ? n.text : n.right.text) === 'Tracer';
}

function implementsTracer(cls: ts.ClassLikeDeclaration): boolean {
  return (cls.heritageClauses ?? []).some((h) => h.types.some((t) => /(^|\.)Tracer$/.test(t.expression.getText())));
}

/** ES5 classes: `NoopTracer.prototype.startActiveSpan = function () { this... }` -> 'NoopTracer'. */
function prototypeOwner(node: ts.Node): string | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (!ts.isFunctionExpression(n)) continue;
    const assign = n.parent;
    if (!ts.isBinaryExpression(assign) || assign.right !== n) return undefined;
    const target = memberAccess(assign.left)?.[0];
    const proto = target && memberAccess(target);
    return proto && proto[1] === 'prototype' && ts.isIdentifier(proto[0]) ? proto[0].text : undefined;
  }
  return undefined;
}

function enclosingClass(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isClassLike(n)) return n;
  }
  return undefined;
}
