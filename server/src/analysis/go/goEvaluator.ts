// Values of a Go file at a position: function locals first, then the package and its imports;
// attributes from `attribute.String(...)`, `key.String(...)`, semconv helpers and KeyValue
// variables; name parts (goParts.ts) on every value that is not constant.

import type { Node } from 'web-tree-sitter';
import type { AttributeInfo, ValueInfo } from '../types';
import { DYNAMIC, ValueEvaluator, type StaticExpr, type StaticValue } from '../staticValues';
import { namedChildren, rangeOf } from '../treeNodes';
import { goExpr, selectorPath } from './goExpr';
import type { GoLocals } from './goLocals';
import { GoParts } from './goParts';
import type { GoResolver } from './goResolver';
import { semconvHelperKey, semconvKeyValue } from './semconv';

const VALUE_METHODS = new Set(['String', 'Int', 'Int64', 'Bool', 'Float64', 'StringSlice', 'IntSlice', 'Int64Slice', 'BoolSlice', 'Float64Slice']);

export class GoEvaluator extends ValueEvaluator {
  readonly parts: GoParts;

  constructor(
    readonly resolver: GoResolver,
    readonly locals: GoLocals,
  ) {
    super(goExpr);
    this.parts = new GoParts((node) => this.valueOf(node), locals, resolver);
  }

  /** The value with the parts of a dynamic name: what each part is, as far as the code tells. */
  override info(node: Node): ValueInfo {
    const info = super.info(node);
    if (!info.constant) {
      const parts = this.parts.of(node).parts;
      if (parts.length) info.parts = parts;
    }
    return info;
  }

  /** The static value of an expression where it is written (no parts). */
  valueOf(node: Node): StaticValue {
    return this.evaluateAt(node, goExpr(node));
  }

  /** Evaluates an expression as seen at `at` (a tracer's scope argument). */
  scopeAt(at: Node, expr: StaticExpr): StaticValue {
    return this.evaluateAt(at, expr);
  }

  /** The attributes an argument of SetAttributes / WithAttributes adds. */
  attributes(node: Node): AttributeInfo[] {
    if (node.type === 'selector_expression') {
      const path = selectorPath(node);
      const kv = path?.length === 2 && this.resolver.isSemconv(path[0]) ? semconvKeyValue(path[1]) : undefined;
      const range = rangeOf(node);
      return kv ? [{ key: kv.key, keyRange: range, value: { constant: true, value: kv.value, text: node.text, range } }] : [];
    }
    if (node.type === 'identifier' || node.type === 'variadic_argument') return this.localAttributes(node);
    if (node.type !== 'call_expression') return [];
    const fn = node.childForFieldName('function');
    const args = namedChildren(node.childForFieldName('arguments') ?? node).filter((a) => a.type !== 'comment');
    const operand = fn?.childForFieldName('operand');
    const method = fn?.childForFieldName('field')?.text;
    if (!operand || !method) return [];
    if (args.length === 2 && operand.type === 'identifier' && VALUE_METHODS.has(method)) return [this.attribute(args[0], args[1], node)];
    if (args.length !== 1) return [];
    if (VALUE_METHODS.has(method)) return [this.attribute(operand, args[0], node)];
    const helperKey = operand.type === 'identifier' && this.resolver.isSemconv(operand.text) ? semconvHelperKey(method) : undefined;
    return helperKey ? [{ key: helperKey, keyRange: rangeOf(fn ?? node), value: this.info(args[0]) }] : [];
  }

  /**
   * `kv` or `attrs...` naming a local bound once: `kv := attribute.String(...)`,
   * `attrs := []attribute.KeyValue{...}` (a slice appended to later is rebound, so unknown).
   */
  private localAttributes(node: Node): AttributeInfo[] {
    const variadic = node.type === 'variadic_argument';
    const name = variadic ? node.namedChildren[0] : node;
    const local = name?.type === 'identifier' && this.depth <= 8 ? this.locals.lookup(name, name.text) : undefined;
    if (local?.kind !== 'value') return [];
    const value = local.value;
    if (!variadic) return this.nested(() => this.attributes(value));
    if (value.type !== 'composite_literal' || value.childForFieldName('type')?.type !== 'slice_type') return [];
    const elements = namedChildren(value.childForFieldName('body') ?? value).filter((e) => e.type === 'literal_element');
    return this.nested(() => elements.flatMap((e) => (e.namedChildren[0] ? this.attributes(e.namedChildren[0]) : [])));
  }

  /** A key/value pair; siblings go after `kv` as `attribute.String(key, value)`. */
  private attribute(key: Node, value: Node, kv: Node): AttributeInfo {
    return {
      ...this.keyValue(key, value),
      insertSibling: { position: rangeOf(kv).end, template: `, ${this.resolver.attributePackage}.String({key}, {value})` },
    };
  }

  protected resolve(at: Node, path: string[]): StaticValue {
    const local = this.locals.lookup(at, path[0]);
    if (!local) return this.resolver.value(path);
    if (local.kind === 'dynamic' || path.length > 1 || this.depth > 16) return DYNAMIC;
    return this.nested(() => this.evaluateAt(local.value, goExpr(local.value)));
  }
}
