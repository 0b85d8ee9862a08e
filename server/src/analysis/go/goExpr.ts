// Go expressions -> StaticExpr: string literals, `+`, fmt.Sprintf, attribute.Key(...) and
// string(...) conversions, numbers, booleans, and identifiers / pkg.Name selectors to resolve.

import type { Node } from 'web-tree-sitter';
import { exprTranslator, type StaticExpr } from '../staticValues';
import { namedChildren } from '../treeNodes';

/** Calls that yield their argument's value: `attribute.Key("k")`, `string(name)`. */
const TRANSPARENT_CALLS = new Set(['Key', 'string']);

export const goExpr = exprTranslator({ numberTypes: new Set(['int_literal', 'float_literal']), refTypes: new Set(['identifier', 'selector_expression']), path: selectorPath }, (node) => {
  const DYNAMIC_EXPR: StaticExpr = { k: 'dynamic', source: node.text };
  switch (node.type) {
    case 'interpreted_string_literal':
      return { k: 'literal', value: unescape(node.text.slice(1, -1)) };
    case 'raw_string_literal':
      return { k: 'literal', value: node.text.slice(1, -1).replace(/\r/g, '') };
    case 'binary_expression':
      return node.childForFieldName('operator')?.text === '+'
        ? { k: 'concat', parts: [goExpr(node.childForFieldName('left')), goExpr(node.childForFieldName('right'))] }
        : DYNAMIC_EXPR;
    case 'call_expression':
      return callExpr(node);
    default:
      return DYNAMIC_EXPR;
  }
});

function callExpr(node: Node): StaticExpr {
  const fn = node.childForFieldName('function');
  const args = node.childForFieldName('arguments');
  const argList = args ? namedChildren(args).filter((a) => a.type !== 'comment') : [];
  const name = fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text : fn?.text;
  if (name && TRANSPARENT_CALLS.has(name) && argList.length === 1) return goExpr(argList[0]);
  if (fn?.text === 'fmt.Sprintf' && argList.length >= 1) {
    if (argList.length === 1) return goExpr(argList[0]);
    return { k: 'format', template: goExpr(argList[0]), style: 'percent', args: argList.slice(1).map((a) => a.text) };
  }
  return { k: 'dynamic', source: node.text };
}

/** `a.b.c` -> ['a', 'b', 'c']; null when the chain contains anything but names. */
export function selectorPath(node: Node): string[] | null {
  if (node.type === 'identifier' || node.type === 'package_identifier' || node.type === 'field_identifier') return [node.text];
  if (node.type !== 'selector_expression') return null;
  const operand = node.childForFieldName('operand');
  const field = node.childForFieldName('field');
  const head = operand ? selectorPath(operand) : null;
  return head && field ? [...head, field.text] : null;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|[\s\S])/g, (all, esc: string) => {
    if (esc.length > 1) return String.fromCodePoint(parseInt(esc.slice(1), 16));
    return ESCAPES[esc] ?? all;
  });
}
