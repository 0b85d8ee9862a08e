// Small helpers over the TypeScript compiler AST (ts-morph's bundled `ts`), shared by the
// TS front-end's modules. The hot path walks compiler nodes, never ts-morph wrappers.

import { ts } from './tsApi';
import type { Range } from '../types';

export function rangeOf(node: ts.Node, sf: ts.SourceFile): Range {
  return spanRange(node.getStart(sf), node.getEnd(), sf);
}

export function spanRange(start: number, end: number, sf: ts.SourceFile): Range {
  // Each call returns a fresh { line, character }: used as is rather than copied (sites make many ranges).
  return { start: sf.getLineAndCharacterOfPosition(start), end: sf.getLineAndCharacterOfPosition(end) };
}

/** Strips wrappers that do not change a value: parentheses, `as`, `satisfies`, `!`, `<T>x`. */
export function unwrap(expr: ts.Expression): ts.Expression {
  let e = expr;
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
    else return e;
  }
}

/** `a.b`, `a?.b`, `a['b']` and `this.#b` (named `#b`) as [object, member name]; undefined for other shapes. */
export function memberAccess(expr: ts.Expression): [ts.Expression, string] | undefined {
  if (ts.isPropertyAccessExpression(expr)) return [expr.expression, expr.name.text];
  if (ts.isElementAccessExpression(expr)) {
    const arg = unwrap(expr.argumentExpression);
    if (ts.isStringLiteralLike(arg)) return [expr.expression, arg.text];
  }
  return undefined;
}

/** The called member's name: `x.startSpan(...)` -> 'startSpan', `f(...)` -> 'f'. */
export function calleeName(call: ts.CallExpression): string | undefined {
  const callee = unwrap(call.expression);
  if (ts.isIdentifier(callee)) return callee.text;
  return memberAccess(callee)?.[1];
}

/** Receiver of a method call with chained span calls peeled off: `span.setAttribute(..).end()` -> `span`. */
export function callReceiver(call: ts.CallExpression, chainable: ReadonlySet<string>): ts.Expression | undefined {
  const member = memberAccess(unwrap(call.expression));
  if (!member) return undefined;
  let recv = unwrap(member[0]);
  while (ts.isCallExpression(recv)) {
    const inner = memberAccess(unwrap(recv.expression));
    if (!inner || !chainable.has(inner[1])) break;
    recv = unwrap(inner[0]);
  }
  return recv;
}

/** Leading whitespace of the line containing `pos`. */
export function indentAt(text: string, pos: number): string {
  const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
}

export function hasExportModifier(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false);
}

/** The deepest node under `from` whose range (leading trivia included) holds `pos`. */
export function innermostNodeAt(from: ts.Node, pos: number): ts.Node {
  let node = from;
  for (;;) {
    const child: ts.Node | undefined = ts.forEachChild(node, (c) => (c.pos <= pos && pos < c.end ? c : undefined));
    if (!child) return node;
    node = child;
  }
}

/** Where `word` occurs in `text` between `start` and `end`, as part of any token, comment or string. */
export function* occurrences(text: string, word: string, start: number, end: number): Generator<number> {
  for (let at = text.indexOf(word, start); at !== -1 && at + word.length <= end; at = text.indexOf(word, at + word.length)) yield at;
}
