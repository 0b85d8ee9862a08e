// The small static-value language the tree-sitter front-ends translate names and attribute values
// into (detached from the tree, so it can be cached per file), its evaluation with a language's
// resolver of references, and the IR values it yields.

import type { Node } from 'web-tree-sitter';
import { rangeOf } from './treeNodes';
import type { AttributeInfo, ValueInfo } from './types';

/** An expression as far as static analysis cares, detached from the tree (so it can be cached per file). */
export type StaticExpr =
  | { k: 'literal'; value: string | number | boolean }
  /** An identifier or dotted member chain, resolved by the language (constants, enums, imports). */
  | { k: 'ref'; path: string[]; source: string }
  /** String concatenation: `+`, implicit concatenation, f-string parts. */
  | { k: 'concat'; parts: StaticExpr[] }
  /** printf / `%` / `.format()`: dynamic once the template has a placeholder; `args` are the sources of the values. */
  | { k: 'format'; template: StaticExpr; style: 'percent' | 'brace'; args: string[] }
  /** Anything else; `source` is its text. */
  | { k: 'dynamic'; source: string };

/** How a grammar spells the expressions every language has: numbers, and names or member chains. */
export interface ExprGrammar {
  numberTypes: ReadonlySet<string>;
  refTypes: ReadonlySet<string>;
  /** `a.b.c` -> ['a', 'b', 'c']; null when the chain contains anything but names. */
  path(node: Node): string[] | null;
}

export type ExprTranslator = (node: Node | null | undefined) => StaticExpr;

/**
 * A language's node -> StaticExpr translation: the kinds every grammar has first, then `own`
 * (which gets the other nodes, and `translate` to recurse with).
 */
export function exprTranslator(grammar: ExprGrammar, own: (node: Node, translate: ExprTranslator) => StaticExpr): ExprTranslator {
  const translate: ExprTranslator = (node) => {
    if (!node) return { k: 'dynamic', source: '' };
    return commonExpr(node, grammar, translate) ?? own(node, translate);
  };
  return translate;
}

/** Numbers, booleans, parentheses and references (the grammars share the other node type names). */
function commonExpr(node: Node, grammar: ExprGrammar, translate: ExprTranslator): StaticExpr | undefined {
  if (grammar.numberTypes.has(node.type)) {
    const n = Number(node.text.replace(/_/g, ''));
    return Number.isFinite(n) ? { k: 'literal', value: n } : { k: 'dynamic', source: node.text };
  }
  if (grammar.refTypes.has(node.type)) {
    const path = grammar.path(node);
    return path ? { k: 'ref', path, source: node.text } : { k: 'dynamic', source: node.text };
  }
  if (node.type === 'true' || node.type === 'false') return { k: 'literal', value: node.type === 'true' };
  if (node.type === 'parenthesized_expression') return translate(node.namedChildren[0]);
  return undefined;
}

export type StaticValue = { constant: true; value: string | number | boolean } | { constant: false; prefix: string };

export const DYNAMIC: StaticValue = { constant: false, prefix: '' };

const PLACEHOLDER = { percent: /%[^%]/, brace: /\{[^{]/ } as const;

/** Evaluates an expression; `resolve` gives the value of a reference (DYNAMIC when unknown). */
export function evaluate(expr: StaticExpr, resolve: (path: string[]) => StaticValue): StaticValue {
  switch (expr.k) {
    case 'literal':
      return { constant: true, value: expr.value };
    case 'ref':
      return resolve(expr.path);
    case 'dynamic':
      return DYNAMIC;
    case 'concat': {
      if (expr.parts.length === 1) return evaluate(expr.parts[0], resolve);
      let text = '';
      for (const part of expr.parts) {
        const v = evaluate(part, resolve);
        if (!v.constant) return { constant: false, prefix: text + v.prefix };
        text += String(v.value);
      }
      return { constant: true, value: text };
    }
    case 'format': {
      const template = evaluate(expr.template, resolve);
      if (!template.constant) return template;
      const text = String(template.value);
      const at = text.search(PLACEHOLDER[expr.style]);
      return at < 0 ? template : { constant: false, prefix: text.slice(0, at) };
    }
  }
}

/** The IR shape of a name or attribute value. */
export function valueInfo(node: Node, expr: StaticExpr, value: StaticValue, resolve: (path: string[]) => StaticValue): ValueInfo {
  const info: ValueInfo = { constant: value.constant, text: node.text, range: rangeOf(node) };
  if (value.constant) info.value = value.value;
  else if (expr.k === 'concat' || expr.k === 'format') {
    info.constantPrefix = value.prefix;
    info.dynamicParts = dynamicParts(expr, resolve);
  }
  return info;
}

/**
 * Turns the nodes of one file into IR values, resolving references where they occur: the
 * language decides what a name means there (locals first, then its module or package).
 */
export abstract class ValueEvaluator {
  /** How deep the current chain of locals goes: languages bound it so cycles end. */
  protected depth = 0;

  protected constructor(private readonly translate: (node: Node) => StaticExpr) {}

  /** The value of reference `path` as seen at node `at`. */
  protected abstract resolve(at: Node, path: string[]): StaticValue;

  info(node: Node): ValueInfo {
    const expr = this.translate(node);
    const resolve = (path: string[]) => this.resolve(node, path);
    return valueInfo(node, expr, evaluate(expr, resolve), resolve);
  }

  /** An attribute from its key and value nodes; the key counts only as a constant string. */
  protected keyValue(key: Node, value: Node): AttributeInfo {
    const k = this.info(key);
    return { key: k.constant && typeof k.value === 'string' ? k.value : null, keyRange: k.range, value: this.info(value) };
  }

  protected evaluateAt(at: Node, expr: StaticExpr): StaticValue {
    return evaluate(expr, (path) => this.resolve(at, path));
  }

  /** Runs `run` one level deeper into a chain of locals. */
  protected nested<T>(run: () => T): T {
    this.depth++;
    try {
      return run();
    } finally {
      this.depth--;
    }
  }
}

/** Source texts of the parts of a built string that are not constant, in order. */
function dynamicParts(expr: StaticExpr, resolve: (path: string[]) => StaticValue): string[] {
  switch (expr.k) {
    case 'literal':
      return [];
    case 'ref':
      return resolve(expr.path).constant ? [] : [expr.source];
    case 'dynamic':
      return [expr.source];
    case 'concat':
      return expr.parts.flatMap((p) => dynamicParts(p, resolve));
    case 'format':
      return [...dynamicParts(expr.template, resolve), ...expr.args];
  }
}
