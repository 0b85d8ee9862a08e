// Python expressions -> StaticExpr: string literals (with escapes), f-strings, concatenation,
// `%` and `.format()` formatting, numbers, booleans, and dotted names to resolve later.

import type { Node } from 'web-tree-sitter';
import { exprTranslator, type StaticExpr } from '../staticValues';
import { namedChildren } from '../treeNodes';

export const pythonExpr = exprTranslator({ numberTypes: new Set(['integer', 'float']), refTypes: new Set(['identifier', 'attribute']), path: dottedPath }, (node) => {
  const DYNAMIC_EXPR: StaticExpr = { k: 'dynamic', source: node.text };
  switch (node.type) {
    case 'string':
      return stringExpr(node);
    case 'concatenated_string':
      return { k: 'concat', parts: namedChildren(node).map(stringExpr) };
    case 'binary_operator': {
      const op = node.childForFieldName('operator')?.text;
      const left = pythonExpr(node.childForFieldName('left'));
      if (op === '+') return { k: 'concat', parts: [left, pythonExpr(node.childForFieldName('right'))] };
      if (op === '%') return { k: 'format', template: left, style: 'percent', args: formatArgs(node.childForFieldName('right')) };
      return DYNAMIC_EXPR;
    }
    case 'call': {
      const fn = node.childForFieldName('function');
      if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'format') {
        const args = node.childForFieldName('arguments');
        return { k: 'format', template: pythonExpr(fn.childForFieldName('object')), style: 'brace', args: args ? namedChildren(args).map((a) => a.text) : [] };
      }
      return DYNAMIC_EXPR;
    }
    default:
      return DYNAMIC_EXPR;
  }
});

/** `"%s.%s" % (a, b)` -> ['a', 'b']. */
function formatArgs(node: Node | null): string[] {
  if (!node) return [];
  return node.type === 'tuple' ? namedChildren(node).map((a) => a.text) : [node.text];
}

/** `a.b.c` -> ['a', 'b', 'c']; null when the chain contains anything but names. */
export function dottedPath(node: Node): string[] | null {
  if (node.type === 'identifier') return [node.text];
  if (node.type !== 'attribute') return null;
  const object = node.childForFieldName('object');
  const attribute = node.childForFieldName('attribute');
  const head = object ? dottedPath(object) : null;
  return head && attribute ? [...head, attribute.text] : null;
}

function stringExpr(node: Node): StaticExpr {
  const DYNAMIC_EXPR: StaticExpr = { k: 'dynamic', source: node.text };
  const prefix = (node.firstChild?.text ?? '').replace(/['"]/g, '').toLowerCase();
  const raw = prefix.includes('r');
  if (prefix.includes('b')) return DYNAMIC_EXPR; // bytes are not names
  const parts: StaticExpr[] = [];
  for (const child of namedChildren(node)) {
    if (child.type === 'string_content') parts.push({ k: 'literal', value: raw ? child.text : unescape(child.text) });
    else if (child.type === 'interpolation') parts.push(interpolationExpr(child));
  }
  if (parts.length === 0) return { k: 'literal', value: '' };
  return parts.length === 1 && parts[0].k === 'literal' ? parts[0] : { k: 'concat', parts };
}

/** `{NAME}` counts as its value; conversions and format specs make the part dynamic. */
function interpolationExpr(node: Node): StaticExpr {
  const expression = node.childForFieldName('expression');
  const dynamic: StaticExpr = { k: 'dynamic', source: expression?.text ?? node.text };
  if (node.childForFieldName('type_conversion') || node.childForFieldName('format_specifier')) return dynamic;
  const inner = pythonExpr(expression);
  // Only strings interpolate to themselves; numbers and booleans print differently in Python.
  return inner.k === 'ref' || (inner.k === 'literal' && typeof inner.value === 'string') ? inner : dynamic;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"', '\n': '' };

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/g, (all, esc: string) => {
    if (esc.length > 1) return String.fromCharCode(parseInt(esc.slice(1), 16));
    return ESCAPES[esc] ?? all;
  });
}
