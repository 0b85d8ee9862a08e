// Is a span ended on every path? A structural check over statements (no full control-flow
// graph): an `end()` in a `finally` covers everything; otherwise every branch that
// completes or returns after the span starts must end it. An end() inside a nested callback
// (`promise.finally(() => span.end())`, `res.on('close', ...)`) counts as ending it.
// Reports the path that leaves without ending it. Also builds the "end the span in a finally"
// fix when the shape makes it clear.

import { ts } from './tsApi';
import type { Fix } from '../types';
import { callReceiver, indentAt, memberAccess, rangeOf, spanRange, unwrap } from './syntax';

const CHAIN = new Set(['setAttribute', 'setAttributes', 'addEvent', 'setStatus', 'updateName', 'recordException']);

interface PathState {
  /** Every path through the statement has ended the span or left. */
  done: boolean;
  /** The first return/throw/break/continue that leaves without ending the span. */
  leak?: ts.Node;
}

const OPEN: PathState = { done: false };

/** Whether the span is ended on every path and, when not, the statement of a path that leaves without ending it. */
export interface EndResult {
  ended: boolean;
  /** A return/throw/break/continue; undefined when the path falls off the end of the span's block. */
  leak?: ts.Node;
}

export class EndAnalysis {
  constructor(private readonly spanName: string) {}

  /** True when `node` contains `<span>.end()` (also inside nested callbacks). */
  containsEnd(node: ts.Node): boolean {
    if (ts.isCallExpression(node) && this.isEndCall(node)) return true;
    return ts.forEachChild(node, (c) => this.containsEnd(c) || undefined) ?? false;
  }

  isEndCall(call: ts.CallExpression): boolean {
    if (memberAccess(unwrap(call.expression))?.[1] !== 'end') return false;
    const recv = callReceiver(call, CHAIN);
    return recv !== undefined && ts.isIdentifier(recv) && recv.text === this.spanName;
  }

  /** Statements run in order, starting after the span exists. */
  sequence(stmts: readonly ts.Statement[]): PathState {
    let leak: ts.Node | undefined;
    for (const s of stmts) {
      const r = this.statement(s);
      leak ??= r.leak;
      if (r.done) return { done: true, leak };
    }
    return { done: false, leak };
  }

  private statement(s: ts.Statement): PathState {
    if (ts.isBlock(s)) return this.sequence(s.statements);
    if (ts.isReturnStatement(s) || ts.isThrowStatement(s)) return { done: true, leak: this.containsEnd(s) ? undefined : s };
    // Reached directly from the span's own statements, these leave the loop or switch the span was started in.
    if (ts.isBreakOrContinueStatement(s)) return { done: true, leak: s };
    if (ts.isIfStatement(s)) {
      const t = this.statement(s.thenStatement);
      const e = s.elseStatement ? this.statement(s.elseStatement) : OPEN;
      return { done: t.done && e.done, leak: t.leak ?? e.leak };
    }
    if (ts.isTryStatement(s)) {
      if (s.finallyBlock && this.containsEnd(s.finallyBlock)) return { done: true };
      const t = this.sequence(s.tryBlock.statements);
      const c = s.catchClause ? this.sequence(s.catchClause.block.statements) : { done: true };
      return { done: t.done && c.done, leak: t.leak ?? c.leak };
    }
    if (this.containsEnd(s)) return { done: true };
    return { done: false, leak: this.exitWithoutEnd(s) };
  }

  /** A return/throw in this statement (not in a nested function) that does not end the span. */
  private exitWithoutEnd(node: ts.Node): ts.Node | undefined {
    if (ts.isFunctionLike(node)) return undefined;
    if (ts.isReturnStatement(node) || ts.isThrowStatement(node)) return this.containsEnd(node) ? undefined : node;
    return ts.forEachChild(node, (c) => this.exitWithoutEnd(c));
  }
}

/** startActiveSpan callback: is the span ended on every path through the body? */
export function callbackEndsSpan(analysis: EndAnalysis, body: ts.ConciseBody): EndResult {
  if (!ts.isBlock(body)) return { ended: analysis.containsEnd(body) };
  const r = analysis.sequence(body.statements);
  return { ended: r.done && !r.leak, leak: r.leak };
}

/**
 * `const span = tracer.startSpan(...)`: walks outwards from the declaring statement through
 * the enclosing blocks up to the function, checking the statements that follow at each level.
 */
export function variableEndsSpan(analysis: EndAnalysis, declStatement: ts.Statement): EndResult {
  let stmt: ts.Node = declStatement;
  for (;;) {
    const container = stmt.parent;
    if (!container) return { ended: false };
    if (hasStatements(container)) {
      const after = container.statements.slice(container.statements.indexOf(stmt as ts.Statement) + 1);
      const r = analysis.sequence(after);
      if (r.leak) return { ended: false, leak: r.leak };
      if (r.done) return { ended: true };
    }
    if (ts.isSourceFile(container) || ts.isFunctionLike(container)) return { ended: false };
    const parent = container.parent;
    if (parent && ts.isTryStatement(parent) && parent.tryBlock === container && parent.finallyBlock && analysis.containsEnd(parent.finallyBlock)) return { ended: true };
    stmt = container;
  }
}

function hasStatements(node: ts.Node): node is ts.Block | ts.SourceFile | ts.ModuleBlock | ts.CaseClause | ts.DefaultClause {
  return ts.isBlock(node) || ts.isSourceFile(node) || ts.isModuleBlock(node) || ts.isCaseClause(node) || ts.isDefaultClause(node);
}

/**
 * Wraps `stmts` (the rest of the span's block) in `try { ... } finally { span.end(); }`,
 * dropping plain `span.end();` statements at their top level (the finally replaces them).
 */
export function wrapInTryFinally(analysis: EndAnalysis, stmts: readonly ts.Statement[], sf: ts.SourceFile, spanName: string, insertAfter?: ts.Node): Fix | undefined {
  if (stmts.length === 0) {
    if (!insertAfter) return undefined;
    const indent = indentAt(sf.text, insertAfter.getStart(sf));
    const end = rangeOf(insertAfter, sf).end;
    return { title: `End '${spanName}' right after it starts`, preferred: true, edits: [{ range: { start: end, end }, newText: `\n${indent}${spanName}.end();` }] };
  }
  const b = statementsText(analysis, stmts, sf);
  const newText = `${b.indent}try {\n${reindent(b.body, b.unit)}\n${b.indent}} finally {\n${b.indent}${b.unit}${spanName}.end();\n${b.indent}}`;
  return { title: `End '${spanName}' in a finally block`, preferred: true, edits: [{ range: spanRange(b.lineStart, b.end, sf), newText }] };
}

/** The text of whole lines holding `stmts`, without their top-level plain `span.end();` statements. */
export function statementsText(analysis: EndAnalysis, stmts: readonly ts.Statement[], sf: ts.SourceFile): { lineStart: number; end: number; indent: string; unit: string; body: string } {
  const text = sf.text;
  const first = stmts[0].getStart(sf);
  const lineStart = text.lastIndexOf('\n', first - 1) + 1;
  const last = stmts[stmts.length - 1].end;
  const indent = indentAt(text, first);
  const unit = indent.includes('\t') ? '\t' : '  ';
  // Cut the top-level `span.end();` statements (with their line), back to front.
  let body = text.slice(lineStart, last);
  const plainEnds = stmts.filter((s) => ts.isExpressionStatement(s) && ts.isCallExpression(s.expression) && analysis.isEndCall(s.expression));
  for (const s of [...plainEnds].reverse()) {
    const ownLine = text.lastIndexOf('\n', s.getStart(sf) - 1) + 1;
    if (text.slice(ownLine, s.getStart(sf)).trim()) continue; // shares its line: leave it
    const from = ownLine - lineStart;
    const to = s.end - lineStart;
    body = body.slice(0, Math.max(0, from - 1)) + body.slice(to);
  }
  return { lineStart, end: last, indent, unit, body: body.replace(/^\n+/, '') };
}

/** Indents every non-blank line by `unit`. */
export function reindent(body: string, unit: string): string {
  return body.split('\n').map((l) => (l.trim() ? unit + l : l)).join('\n');
}
