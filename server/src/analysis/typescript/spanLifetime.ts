// Follows a site's span to decide `ended`: the span parameter of a startActiveSpan callback, or
// the variable a startSpan result is stored in. A span that escapes (spanUsage.ts) is taken as
// ended elsewhere; otherwise a path that leaves without ending it is reported with its
// return/throw (or the closing brace of the span's block) and an idiomatic fix.

import { ts } from './tsApi';
import type { Range, SpanSite } from '../types';
import type { ConstantEvaluator } from './constants';
import { EndAnalysis, callbackEndsSpan, variableEndsSpan, wrapInTryFinally } from './endAnalysis';
import { followSpan, type SpanUsage } from './spanUsage';
import { rangeOf, spanRange } from './syntax';

export function followCallbackSpan(site: SpanSite, fn: ts.ArrowFunction | ts.FunctionExpression, evaluator: ConstantEvaluator, sf: ts.SourceFile): void {
  const param = fn.parameters[0];
  if (!param || !ts.isIdentifier(param.name)) {
    // No span parameter: only `trace.getActiveSpan()?.end()` could end it here. A callback that
    // reads the active span works with it through the context, as code that puts a span in a
    // context does (`trace.setSpan`): the code reading it from there ends it (LangSmith's exporter).
    site.ended = /getActiveSpan\(/.test(fn.body.getText(sf));
    if (!site.ended) site.leak = closingBrace(fn.body, sf);
    return;
  }
  const spanName = param.name.text;
  const usage = followSpan(spanName, fn.body, evaluator, sf);
  record(site, usage);
  if (usage.escapes) return;
  const analysis = new EndAnalysis(spanName);
  const r = callbackEndsSpan(analysis, fn.body);
  site.ended = r.ended;
  if (r.ended) return;
  site.leak = r.leak ? rangeOf(r.leak, sf) : closingBrace(fn.body, sf);
  if (ts.isBlock(fn.body)) site.endFix = wrapInTryFinally(analysis, fn.body.statements, sf, spanName);
}

/** What holds a call's result, past wrappers that keep the value (`await` too: a helper may be async). */
function holderOf(call: ts.CallExpression): ts.Node {
  let holder: ts.Node = call.parent;
  while (ts.isParenthesizedExpression(holder) || ts.isAsExpression(holder) || ts.isNonNullExpression(holder) || ts.isAwaitExpression(holder)) holder = holder.parent;
  return holder;
}

/** Whether the call's result is stored in a local name (`const span = f()`, `span = f()`). */
export function heldInVariable(call: ts.CallExpression): boolean {
  return spanVariable(holderOf(call)) !== undefined;
}

function spanVariable(holder: ts.Node): string | undefined {
  if (ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name)) return holder.name.text;
  if (ts.isBinaryExpression(holder) && holder.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(holder.left)) return holder.left.text;
  return undefined;
}

export function followVariableSpan(site: SpanSite, call: ts.CallExpression, evaluator: ConstantEvaluator, sf: ts.SourceFile): void {
  const holder = holderOf(call);
  if (ts.isExpressionStatement(holder)) {
    site.ended = false; // created and dropped
    site.leak = closingBrace(holder.parent, sf);
    return;
  }
  const spanName = spanVariable(holder);
  if (!spanName) return; // returned, stored in a property or passed on: ended elsewhere, if at all
  const statement = enclosingStatement(holder);
  const body = enclosingFunctionBody(holder);
  if (!statement || !body) return;
  const usage = followSpan(spanName, body, evaluator, sf);
  record(site, usage);
  if (usage.escapes) return;
  const analysis = new EndAnalysis(spanName);
  const r = variableEndsSpan(analysis, statement);
  site.ended = r.ended;
  if (r.ended) return;
  site.leak = r.leak ? rangeOf(r.leak, sf) : closingBrace(statement.parent, sf);
  const container = statement.parent;
  if (!ts.isBlock(container) && !ts.isSourceFile(container)) return;
  const rest = container.statements.slice(container.statements.indexOf(statement) + 1);
  site.endFix = wrapInTryFinally(analysis, rest, sf, spanName, statement);
}

function record(site: SpanSite, usage: SpanUsage): void {
  site.attributes.push(...usage.attributes);
  if (usage.renames.length) site.renames = usage.renames;
}

/** The `}` that closes a block (or the end of the file, or of an arrow's expression body): where a path falls off. */
function closingBrace(node: ts.Node, sf: ts.SourceFile): Range {
  if (ts.isBlock(node) || ts.isModuleBlock(node) || ts.isCaseBlock(node)) return spanRange(node.end - 1, node.end, sf);
  if (ts.isCaseClause(node) || ts.isDefaultClause(node)) return rangeOf(node, sf);
  if (ts.isSourceFile(node)) return spanRange(node.end, node.end, sf);
  return rangeOf(node, sf);
}

function enclosingStatement(node: ts.Node): ts.Statement | undefined {
  for (let n: ts.Node | undefined = node; n; n = n.parent) {
    const p = n.parent;
    if (p && (ts.isBlock(p) || ts.isSourceFile(p) || ts.isModuleBlock(p) || ts.isCaseClause(p) || ts.isDefaultClause(p))) return n as ts.Statement;
    if (ts.isFunctionLike(n)) return undefined;
  }
  return undefined;
}

function enclosingFunctionBody(node: ts.Node): ts.Node | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isFunctionLike(n)) return (n as { body?: ts.Node }).body;
    if (ts.isSourceFile(n)) return n;
  }
  return undefined;
}
