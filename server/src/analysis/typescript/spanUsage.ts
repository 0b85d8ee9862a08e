// Follows a span within its function: the variable a startSpan result is stored in, or the
// span parameter of a startActiveSpan callback, to collect setAttribute / setAttributes
// calls and end() calls, and to notice when the span escapes (returned, stored, passed on).

import { ts } from './tsApi';
import type { AttributeInfo, ValueInfo } from '../types';
import type { ConstantEvaluator } from './constants';
import { findBinding, propertyNameText } from './modules';
import { callReceiver, calleeName, indentAt, innermostNodeAt, memberAccess, occurrences, rangeOf, unwrap } from './syntax';
import { valueInfo } from './values';

/** Span methods that return the span, so calls can be chained. */
const CHAINABLE = new Set(['setAttribute', 'setAttributes', 'addEvent', 'setStatus', 'updateName', 'recordException', 'addLink', 'addLinks']);
/** Functions that take a span without taking over its end. */
const BORROWING = new Set(['isSpanContextValid', 'isRecording']);
/** Functions that put the span in a context: code reached through that context may end it. */
const INTO_CONTEXT = new Set(['setSpan', 'setSpanContext']);

export interface SpanUsage {
  attributes: AttributeInfo[];
  endCalls: ts.CallExpression[];
  /** `span.updateName(x)`: later names of the span, judged like its first. */
  renames: ValueInfo[];
  /** The span was handed to code we do not follow: whether it is ended is unknown. */
  escapes: boolean;
}

type Escape = 'no' | 'yes' | 'context';

/**
 * Collects what happens to the span variable `name` inside `body`. Only the places where the
 * name is written are looked at (walking every node of every span's function cost a fifth of a scan).
 */
export function followSpan(name: string, body: ts.Node, evaluator: ConstantEvaluator, sf: ts.SourceFile): SpanUsage {
  const usage: SpanUsage = { attributes: [], endCalls: [], renames: [], escapes: false };
  const calls = new Set<ts.CallExpression>();
  let inContext = false;
  for (const at of occurrences(sf.text, name, body.pos, body.end)) {
    const id = innermostNodeAt(body, at);
    if (!ts.isIdentifier(id) || id.text !== name || shadowedBelow(body, id, name)) continue;
    const escape = escapesVia(id);
    if (escape === 'yes') usage.escapes = true;
    else if (escape === 'context') inContext = true;
    for (const call of callsOn(id, body)) calls.add(call);
  }
  // In document order, outer calls of a chain first, as a walk of the body meets them.
  for (const node of [...calls].sort((a, b) => a.pos - b.pos || b.end - a.end)) {
    const method = memberAccess(unwrap(node.expression))?.[1];
    if (method === 'setAttribute') usage.attributes.push(...setAttributeCall(node, name, evaluator, sf));
    else if (method === 'setAttributes' && node.arguments[0]) usage.attributes.push(...objectAttributes(node.arguments[0], evaluator, sf));
    else if (method === 'end') usage.endCalls.push(node);
    else if (method === 'updateName' && node.arguments[0]) usage.renames.push(valueInfo(node.arguments[0], evaluator, sf));
  }
  // A span put in a context and never ended here is ended by code that reads it from the
  // context (an instrumentation hook); one this function ends itself is still judged here.
  if (inContext && usage.endCalls.length === 0) usage.escapes = true;
  return usage;
}

/** The calls made on the span `id` names: `id.m(...)`, and chained `id.setAttribute(...).m(...)`. */
function callsOn(id: ts.Identifier, body: ts.Node): ts.CallExpression[] {
  const calls: ts.CallExpression[] = [];
  let child: ts.Node = id;
  for (let p = id.parent; child !== body && p; child = p, p = p.parent) {
    const onCallee = (ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p) || ts.isCallExpression(p)) && p.expression === child;
    const wrapping = ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isSatisfiesExpression(p) || ts.isNonNullExpression(p) || ts.isTypeAssertionExpression(p);
    if (!onCallee && !wrapping) break;
    if (ts.isCallExpression(p) && callReceiver(p, CHAINABLE) === id) calls.push(p);
  }
  return calls;
}

/** Whether a function between `body` and `id` rebinds the name (its uses there are another span). */
function shadowedBelow(body: ts.Node, id: ts.Node, name: string): boolean {
  // From `id` itself: an arrow's expression body can be the identifier (`(span) => span`).
  for (let n: ts.Node | undefined = id; n && n !== body; n = n.parent) if (ts.isFunctionLike(n) && shadows(n, name)) return true;
  return false;
}

function setAttributeCall(call: ts.CallExpression, spanName: string, evaluator: ConstantEvaluator, sf: ts.SourceFile): AttributeInfo[] {
  const [k, v] = call.arguments;
  if (!k || !v) return [];
  const key = evaluator.evaluate(k);
  const attr: AttributeInfo = { key: key.constant ? String(key.value) : null, keyRange: rangeOf(k, sf), value: valueInfo(v, evaluator, sf) };
  // A plain `span.setAttribute(k, v);` statement: a sibling attribute goes on the next line.
  const stmt = call.parent;
  if (ts.isExpressionStatement(stmt) && ts.isIdentifier(unwrap(memberAccess(unwrap(call.expression))?.[0] ?? call))) {
    const indent = indentAt(sf.text, stmt.getStart(sf));
    attr.insertSibling = { position: rangeOf(stmt, sf).end, template: `\n${indent}${spanName}.setAttribute({key}, {value});` };
  }
  return [attr];
}

/** Attributes of an object literal (or a local variable holding one), including computed keys. */
export function objectAttributes(expr: ts.Expression, evaluator: ConstantEvaluator, sf: ts.SourceFile): AttributeInfo[] {
  const obj = objectLiteralOf(expr);
  if (!obj) return [];
  const out: AttributeInfo[] = [];
  const multiline = sf.getLineAndCharacterOfPosition(obj.getStart(sf)).line !== sf.getLineAndCharacterOfPosition(obj.end).line;
  for (const p of obj.properties) {
    let key: string | null;
    let value: ts.Expression;
    if (ts.isPropertyAssignment(p)) {
      key = ts.isComputedPropertyName(p.name) ? constantKey(p.name.expression, evaluator) : (propertyNameText(p.name) ?? null);
      value = p.initializer;
    } else if (ts.isShorthandPropertyAssignment(p)) {
      key = p.name.text;
      value = p.name;
    } else continue;
    const attr: AttributeInfo = { key, keyRange: rangeOf(p.name, sf), value: valueInfo(value, evaluator, sf) };
    if (obj.getSourceFile() === sf) {
      const indent = indentAt(sf.text, p.getStart(sf));
      attr.insertSibling = { position: rangeOf(p, sf).end, template: multiline ? `,\n${indent}{key}: {value}` : ', {key}: {value}' };
    }
    out.push(attr);
  }
  const e = unwrap(expr);
  if (ts.isIdentifier(e)) out.push(...assignedAttributes(e, evaluator, sf));
  return out;
}

/**
 * `attributes[ATTR_MESSAGING_DESTINATION] = namespace` after `const attributes = {...}`: keys a
 * local attributes object gets by assignment (often under a condition) before it is passed.
 */
function assignedAttributes(id: ts.Identifier, evaluator: ConstantEvaluator, sf: ts.SourceFile): AttributeInfo[] {
  const b = findBinding(id.text, id);
  if (b?.kind !== 'variable') return [];
  let scope: ts.Node = b.decl;
  while (scope.parent && !ts.isFunctionLike(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
  const out: AttributeInfo[] = [];
  for (const at of occurrences(sf.text, id.text, scope.getStart(sf), scope.end)) {
    const target = innermostNodeAt(scope, at);
    if (!ts.isIdentifier(target) || target.text !== id.text) continue;
    const access = target.parent;
    if (!(ts.isElementAccessExpression(access) || ts.isPropertyAccessExpression(access)) || access.expression !== target) continue;
    const assign = access.parent;
    if (!ts.isBinaryExpression(assign) || assign.left !== access || assign.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
    const found = findBinding(target.text, target);
    if (found?.kind !== 'variable' || found.decl !== b.decl) continue;
    const keyNode = ts.isElementAccessExpression(access) ? access.argumentExpression : access.name;
    const key = ts.isElementAccessExpression(access) ? constantKey(access.argumentExpression, evaluator) : access.name.text;
    out.push({ key, keyRange: rangeOf(keyNode, sf), value: valueInfo(assign.right, evaluator, sf) });
  }
  return out;
}

function constantKey(expr: ts.Expression, evaluator: ConstantEvaluator): string | null {
  const v = evaluator.evaluate(expr);
  return v.constant ? String(v.value) : null;
}

/** An object literal, or the object literal a local variable was initialized with. */
export function objectLiteralOf(expr: ts.Expression): ts.ObjectLiteralExpression | undefined {
  const e = unwrap(expr);
  if (ts.isObjectLiteralExpression(e)) return e;
  if (ts.isIdentifier(e)) {
    const b = findBinding(e.text, e);
    if (b?.kind === 'variable' && b.decl.initializer) {
      const init = unwrap(b.decl.initializer);
      if (ts.isObjectLiteralExpression(init)) return init;
    }
  }
  return undefined;
}

/** A nested function that rebinds the name (e.g. a child span's `span` parameter) is another span. */
function shadows(fn: ts.SignatureDeclaration, name: string): boolean {
  if (fn.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === name)) return true;
  const body = (fn as { body?: ts.Node }).body;
  if (!body || !ts.isBlock(body)) return false;
  return body.statements.some((s) => ts.isVariableStatement(s) && s.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name));
}

/** Whether this use of the span variable hands it to code we do not follow. */
function escapesVia(id: ts.Identifier): Escape {
  let child: ts.Node = id;
  let p = id.parent;
  // Through wrappers and value-choosing operators: `return ok ? span : undefined`, `cache ?? span`.
  while (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isNonNullExpression(p) || ts.isSatisfiesExpression(p)
    || (ts.isConditionalExpression(p) && p.condition !== child)
    || (ts.isBinaryExpression(p) && p.right === child && LOGICAL.has(p.operatorToken.kind))) {
    child = p;
    p = p.parent;
  }
  if (ts.isCallExpression(p) || ts.isNewExpression(p)) {
    if (!p.arguments?.includes(child as ts.Expression)) return 'no';
    const callee = ts.isCallExpression(p) ? calleeName(p) ?? '' : '';
    if (BORROWING.has(callee)) return 'no';
    return INTO_CONTEXT.has(callee) ? 'context' : 'yes';
  }
  if (ts.isReturnStatement(p) || ts.isArrayLiteralExpression(p) || ts.isShorthandPropertyAssignment(p) || ts.isSpreadElement(p) || ts.isYieldExpression(p)) return 'yes';
  if (ts.isPropertyAssignment(p) || ts.isVariableDeclaration(p)) return p.initializer === child ? 'yes' : 'no';
  if (ts.isBinaryExpression(p)) return p.operatorToken.kind === ts.SyntaxKind.EqualsToken && p.right === child ? 'yes' : 'no';
  if (ts.isArrowFunction(p)) return p.body === child ? 'yes' : 'no';
  return 'no';
}

const LOGICAL = new Set<ts.SyntaxKind>([ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.AmpersandAmpersandToken]);
