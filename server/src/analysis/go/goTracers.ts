// Is the receiver of a `.Start(ctx, name)` an OpenTelemetry tracer? Resolved through locals,
// parameters, package variables, struct fields and tracer factories (`otel.Tracer(...)`,
// `tp.Tracer(...)`, functions returning `trace.Tracer`). A receiver that resolves to nothing counts
// only when its name says tracer and the file imports OpenTelemetry; one that resolves to another
// SDK or a non-tracer type (`timer.Start()`, `server.Start(ctx)`, `cmd.Start()`) never does.

import type { Node } from 'web-tree-sitter';
import type { StaticValue } from '../staticValues';
import type { GoEvaluator } from './goEvaluator';
import { tracerScope } from './goPackages';
import { isForeignPackage, isOtelPackage, isTracerType, returnsTracer } from './goTypes';

const LOOKS_LIKE_TRACER = /tracer/i;
const MAX_DEPTH = 8;

/** A tracer's scope (null when unknown); undefined when the value is not a tracer. */
export type TracerScope = StaticValue | null | undefined;

export class GoTracers {
  constructor(private readonly values: GoEvaluator) {}

  /** The tracer's scope when `receiver` (used at `at`) is an OTel tracer. */
  scopeOf(receiver: Node | null, at: Node, depth = 0): TracerScope {
    if (!receiver || depth > MAX_DEPTH) return undefined;
    const { resolver, locals } = this.values;
    const direct = tracerScope(receiver, resolver.imports);
    if (direct) return this.values.scopeAt(at, direct);
    switch (receiver.type) {
      case 'parenthesized_expression':
        return this.scopeOf(receiver.namedChildren[0], at, depth + 1);
      case 'identifier': {
        const local = locals.lookup(at, receiver.text);
        if (local?.kind === 'value') return this.scopeOf(local.value, local.value, depth + 1);
        if (local?.kind === 'dynamic' && local.values?.some((v) => this.scopeOf(v, v, depth + 1) !== undefined)) return null;
        const struct = local?.kind === 'dynamic' && local.type === null && local.typeText ? resolver.structKind(local.typeText.replace(/^\*/, '')) : undefined;
        if (struct) return struct === 'tracer' ? null : undefined;
        if (local) return local.type === 'tracer' ? null : local.type === null ? this.unresolved(receiver.text) : undefined;
        if (resolver.imports.has(receiver.text)) return undefined;
        const variable = resolver.tracerVariable(receiver.text);
        return variable !== undefined ? variable : this.unresolved(receiver.text);
      }
      case 'selector_expression': {
        const field = receiver.childForFieldName('field')?.text ?? '';
        const operand = receiver.childForFieldName('operand');
        if (operand?.type === 'identifier' && resolver.imports.has(operand.text)) {
          if (isForeignPackage(operand.text, resolver.imports)) return undefined;
          const variable = resolver.tracerVariable(field, operand.text);
          return variable !== undefined ? variable : this.unresolved(field);
        }
        const known = resolver.tracerField(field);
        if (known) return known.scope;
        return resolver.otherField(field) ? undefined : this.unresolved(field);
      }
      case 'type_assertion_expression':
        return isTracerType(receiver.childForFieldName('type'), resolver.imports) ? null : undefined;
      case 'call_expression':
        return this.factoryScope(receiver, depth);
      default:
        return undefined;
    }
  }

  /** A name that resolves to nothing: a tracer only when named like one in a file that imports OpenTelemetry. */
  private unresolved(name: string): TracerScope {
    return LOOKS_LIKE_TRACER.test(name) && this.values.resolver.importsOtel ? null : undefined;
  }

  /**
   * `factory()` / `x.factory()` / `pkg.Factory()` as a tracer: a func-typed local or parameter, a
   * function literal, package function, method or func-typed field returning `trace.Tracer`, or a
   * call named like a tracer source that resolves to nothing else.
   */
  private factoryScope(call: Node, depth: number): TracerScope {
    const fn = call.childForFieldName('function');
    if (!fn) return undefined;
    const known = this.functionScope(fn, depth);
    if (known !== undefined) return known;
    const operand = fn.type === 'selector_expression' ? fn.childForFieldName('operand') : null;
    const { imports } = this.values.resolver;
    if (operand?.type === 'identifier' && isForeignPackage(operand.text, imports)) return undefined;
    if (operand?.type === 'identifier' && isOtelPackage(operand.text, imports)) return undefined;
    if (fn.type === 'identifier' && this.values.locals.lookup(fn, fn.text)) return undefined;
    return this.unresolved(fn.type === 'selector_expression' ? fn.childForFieldName('field')?.text ?? '' : fn.text);
  }

  /** What calling `fn` gives, when it is known to make tracers; undefined otherwise. */
  private functionScope(fn: Node, depth: number): TracerScope {
    const { resolver, locals } = this.values;
    if (fn.type === 'func_literal') return returnsTracer(fn, resolver.imports) ? null : undefined;
    if (fn.type === 'selector_expression') {
      const operand = fn.childForFieldName('operand');
      const name = fn.childForFieldName('field')?.text ?? '';
      if (operand?.type === 'identifier' && resolver.imports.has(operand.text)) return resolver.tracerFactory(name, false, operand.text);
      return resolver.tracerFactory(name, true);
    }
    if (fn.type !== 'identifier') return undefined;
    const local = locals.lookup(fn, fn.text);
    if (local?.kind === 'value') return depth > MAX_DEPTH ? undefined : this.functionScope(local.value, depth + 1);
    if (local) return local.type === 'tracerFactory' ? null : undefined;
    return resolver.tracerFactory(fn.text, false);
  }
}
