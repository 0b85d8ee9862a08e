// Span sites in one parsed Go file: `tracer.Start(ctx, name, opts...)` on values known to be
// tracers (otel.Tracer(...), tp.Tracer(...), trace.Tracer-typed params, fields and vars, what
// tracer factories return (`func() trace.Tracer` values, functions returning one), or named like one) and
// configured wrappers, with name, scope, kind, attributes (WithAttributes, SetAttributes) and
// whether `span.End()` is called.

import type { Node } from 'web-tree-sitter';
import type { AttributeInfo, Fix, SpanSite } from '../types';
import {
  DYNAMIC, NodesByType, SPAN_KINDS, ValueEvaluator, ancestorOfType, descendants, indentationOf, namedChildren, rangeOf,
  type StaticValue,
} from '../treeSitter';
import type { SiteInput } from '../treeSitterFrontEnd';
import { goExpr, selectorPath } from './goExpr';
import { GO_FUNCTIONS, GoLocals, LOCALS_NODE_TYPES } from './goLocals';
import { isTracerType, returnsTracer, tracerScope } from './goPackages';
import { semconvHelperKey, semconvKeyValue } from './semconv';

/** What the file's sites need from its package and imported packages. */
export interface GoResolver {
  packageName: string;
  /** Value of a package-level or imported constant (`Name`, `pkg.Name`, `semconv.XKey`). */
  value(path: string[]): StaticValue;
  /** Scope of a package-level tracer variable; undefined when `name` is not one. */
  tracerVariable(name: string): StaticValue | null | undefined;
  /**
   * The scope of the tracer a package function (`newTracer()`) or, with `member`, a method or
   * func-typed field (`h.factory()`) returns: null when unknown, undefined when it is no tracer factory.
   */
  tracerFactory(name: string, member: boolean): StaticValue | null | undefined;
  /** Whether a struct field of the package holds a tracer, and its scope when known. */
  tracerField(name: string): { scope: StaticValue | null } | undefined;
  /** Whether a local package name is a semantic-conventions import. */
  isSemconv(packageName: string): boolean;
  /** Local name of go.opentelemetry.io/otel/attribute. */
  attributePackage: string;
}

type GoFileInput = SiteInput<GoResolver>;

interface Tracked {
  site: SpanSite;
  call: Node;
  variable: string | null;
  region: Node;
}

const CALLS = new Set(['call_expression']);
const VALUE_METHODS = new Set(['String', 'Int', 'Int64', 'Bool', 'Float64', 'StringSlice', 'IntSlice', 'Int64Slice', 'BoolSlice', 'Float64Slice']);
const LOOKS_LIKE_TRACER = /tracer/i;

export function goSites(input: GoFileInput): SpanSite[] {
  const nodes = new NodesByType(input.root, [...LOCALS_NODE_TYPES, ...CALLS]);
  const locals = new GoLocals(nodes);
  const values = new GoEvaluator(input.resolver, locals);
  const tracked: Tracked[] = [];
  const spanCalls: Node[] = [];
  for (const call of nodes.of(CALLS)) {
    const fn = call.childForFieldName('function');
    const args = call.childForFieldName('arguments');
    if (!fn || !args) continue;
    const argList = namedChildren(args).filter((a) => a.type !== 'comment');
    const method = fn.type === 'selector_expression' ? fn.childForFieldName('field')?.text : undefined;
    if (method === 'SetAttributes' || method === 'End') spanCalls.push(call);
    else if (method === 'Start' && argList.length >= 2) {
      const scope = values.tracerScopeOf(fn.childForFieldName('operand'), call);
      if (scope !== undefined) tracked.push(siteOf(input, values, call, argList, argList[1], scope, true));
    } else if (isWrapper(fn, input.wrappers, input.resolver.packageName)) {
      const later = argList.slice(1);
      const name = later.find((a) => goExpr(a).k !== 'dynamic' && a.type !== 'identifier') ?? later[0] ?? argList[0];
      tracked.push(siteOf(input, values, call, argList, name, null, false));
    }
  }
  for (const call of spanCalls) attachSpanCall(call, tracked, values);
  for (const t of tracked) if (t.site.ended === false) markEscapes(t, tracked);
  for (const t of tracked) if (t.site.ended === false) addEndFix(input.text, t);
  return tracked.map((t) => t.site);
}

function isWrapper(fn: Node, wrappers: readonly string[], packageName: string): boolean {
  const text = fn.text;
  return wrappers.some((w) => w === text || (fn.type === 'identifier' && (w === `${packageName}.${text}`)));
}

function siteOf(
  input: GoFileInput, values: GoEvaluator, call: Node, args: Node[], nameNode: Node | undefined,
  scope: StaticValue | null, tracerStart: boolean,
): Tracked {
  const region = ancestorOfType(call, GO_FUNCTIONS)?.childForFieldName('body') ?? input.root;
  const site: SpanSite = {
    file: input.file,
    language: 'go',
    range: rangeOf(call),
    headRange: rangeOf(call.childForFieldName('function') ?? call),
    scope: scope?.constant && typeof scope.value === 'string' ? scope.value : null,
    kind: null,
    attributes: [],
    ended: null,
  };
  if (nameNode) site.name = values.info(nameNode);
  const enclosing = enclosingFunctionName(call);
  if (enclosing) site.enclosingFunction = enclosing;
  for (const option of args.slice(2)) applyOption(option, site, values);

  // What a wrapper returns (a span, an end func, a context) is unknown, so only Start is checked.
  const assigned = assignedSpan(call);
  // Starts false; the uses found later make it true (End) or null (the span escapes).
  if (tracerStart && assigned.form !== 'other') site.ended = false;
  return { site, call, variable: assigned.variable, region };
}

/** `trace.WithSpanKind(trace.SpanKindClient)`, `trace.WithAttributes(...)`. */
function applyOption(option: Node, site: SpanSite, values: GoEvaluator): void {
  if (option.type !== 'call_expression') return;
  const name = option.childForFieldName('function')?.childForFieldName('field')?.text;
  const args = namedChildren(option.childForFieldName('arguments') ?? option).filter((a) => a.type !== 'comment');
  if (name === 'WithSpanKind' && args[0]) {
    const path = selectorPath(args[0]);
    const kind = path?.[path.length - 1].replace(/^SpanKind/, '').toLowerCase();
    if (kind && SPAN_KINDS.has(kind)) site.kind = kind;
  } else if (name === 'WithAttributes') {
    for (const arg of args) site.attributes.push(...values.attributes(arg));
  }
}

type Assigned = { form: 'assigned' | 'dropped' | 'other'; variable: string | null };

function assignedSpan(call: Node): Assigned {
  const list = call.parent;
  if (list?.type === 'expression_statement') return { form: 'dropped', variable: null };
  const statement = list?.parent;
  if (list?.type !== 'expression_list' || !statement || !/^(short_var_declaration|assignment_statement)$/.test(statement.type)) {
    return { form: 'other', variable: null };
  }
  const left = namedChildren(statement.childForFieldName('left') ?? statement);
  const target = left.length === 2 ? left[1] : undefined;
  return target?.type === 'identifier' ? { form: 'assigned', variable: target.text } : { form: 'other', variable: null };
}

/** Routes `span.SetAttributes(...)` and `span.End()` to the latest site that assigned `span` before it. */
function attachSpanCall(call: Node, tracked: Tracked[], values: GoEvaluator): void {
  const fn = call.childForFieldName('function');
  const receiver = fn?.childForFieldName('operand');
  if (receiver?.type !== 'identifier') return;
  const owner = ownerOf(receiver.text, call, tracked);
  if (!owner) return;
  if (fn?.childForFieldName('field')?.text === 'End') {
    if (owner.site.ended === false) owner.site.ended = true;
    return;
  }
  for (const arg of namedChildren(call.childForFieldName('arguments') ?? call)) owner.site.attributes.push(...values.attributes(arg));
}

function ownerOf(variable: string, at: Node, tracked: Tracked[]): Tracked | undefined {
  let owner: Tracked | undefined;
  for (const t of tracked) {
    if (t.variable !== variable || t.call.startIndex >= at.startIndex) continue;
    if (t.region.startIndex > at.startIndex || at.endIndex > t.region.endIndex) continue;
    if (!owner || t.call.startIndex > owner.call.startIndex) owner = t;
  }
  return owner;
}

/** A span returned, stored or handed to a deferred helper is ended elsewhere: unknown. */
function markEscapes(owner: Tracked, tracked: Tracked[]): void {
  if (owner.site.ended !== false || !owner.variable) return;
  for (const use of descendants(owner.region, new Set(['identifier']))) {
    if (use.text !== owner.variable || use.startIndex < owner.call.endIndex || ownerOf(owner.variable, use, tracked) !== owner) continue;
    const parent = use.parent;
    if (parent?.type === 'selector_expression') continue;
    if (parent?.type === 'expression_list' && parent.parent?.type === 'return_statement') owner.site.ended = null;
    else if (parent?.type === 'expression_list' && parent.parent?.type === 'assignment_statement' && parent.equals(parent.parent.childForFieldName('right') ?? parent)) owner.site.ended = null;
    else if (parent?.type === 'literal_element' || parent?.type === 'keyed_element') owner.site.ended = null;
    else if (parent?.type === 'argument_list' && ancestorOfType(parent, new Set(['defer_statement', 'go_statement']))) owner.site.ended = null;
    if (owner.site.ended !== false) return;
  }
}

/** `defer span.End()` on the line after `ctx, span := tracer.Start(...)`, at the same indentation. */
function addEndFix(text: string, t: Tracked): void {
  const statement = t.call.parent?.parent;
  if (!t.variable || t.variable === '_' || !statement || statement.parent?.type !== 'statement_list') return;
  const end = rangeOf(statement).end;
  const fix: Fix = {
    title: `Add \`defer ${t.variable}.End()\``,
    edits: [{ range: { start: end, end }, newText: `\n${indentationOf(text, statement)}defer ${t.variable}.End()` }],
    preferred: true,
  };
  t.site.endFix = fix;
}

function enclosingFunctionName(node: Node): string | undefined {
  for (let n: Node | null = node.parent; n; n = n.parent) {
    if (n.type === 'function_declaration') return n.childForFieldName('name')?.text;
    if (n.type === 'method_declaration') {
      const name = n.childForFieldName('name')?.text;
      const receiverType = n.childForFieldName('receiver')?.descendantsOfType('type_identifier')[0]?.text;
      return receiverType && name ? `${receiverType}.${name}` : name;
    }
  }
  return undefined;
}

/** Values at a position: function locals first, then the package and its imports. */
class GoEvaluator extends ValueEvaluator {
  constructor(
    private readonly resolver: GoResolver,
    private readonly locals: GoLocals,
  ) {
    super(goExpr);
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

  /** The tracer's scope when `receiver` is a tracer (null when unknown), undefined when it is not one. */
  tracerScopeOf(receiver: Node | null, at: Node): StaticValue | null | undefined {
    if (!receiver || this.depth > 8) return undefined;
    const direct = tracerScope(receiver);
    if (direct) return this.evaluateAt(at, direct);
    if (receiver.type === 'identifier') {
      const local = this.locals.lookup(at, receiver.text);
      if (local?.kind === 'value') return this.nested(() => this.tracerScopeOf(local.value, local.value));
      if (local?.type === 'tracer') return null;
      const variable = local ? undefined : this.resolver.tracerVariable(receiver.text);
      if (variable !== undefined) return variable;
    } else if (receiver.type === 'selector_expression') {
      const field = receiver.childForFieldName('field')?.text ?? '';
      const known = this.resolver.tracerField(field);
      if (known) return known.scope;
      return LOOKS_LIKE_TRACER.test(field) ? null : undefined;
    }
    if (receiver.type === 'type_assertion_expression') return isTracerType(receiver.childForFieldName('type')) ? null : undefined;
    if (receiver.type === 'call_expression') return this.factoryScope(receiver);
    return LOOKS_LIKE_TRACER.test(receiver.text) && receiver.type === 'identifier' ? null : undefined;
  }

  /**
   * `factory()` / `x.factory()` as a tracer: a func-typed local or parameter, a function literal,
   * package function, method or func-typed field returning `trace.Tracer`, or a call named like a tracer source.
   */
  private factoryScope(call: Node): StaticValue | null | undefined {
    const fn = call.childForFieldName('function');
    if (!fn) return undefined;
    const known = this.functionScope(fn);
    return known !== undefined ? known : LOOKS_LIKE_TRACER.test(fn.text) ? null : undefined;
  }

  /** What calling `fn` gives, when it is known to make tracers; undefined otherwise. */
  private functionScope(fn: Node): StaticValue | null | undefined {
    if (fn.type === 'func_literal') return returnsTracer(fn) ? null : undefined;
    if (fn.type === 'selector_expression') return this.resolver.tracerFactory(fn.childForFieldName('field')?.text ?? '', true);
    if (fn.type !== 'identifier') return undefined;
    const local = this.locals.lookup(fn, fn.text);
    if (local?.kind === 'value') return this.depth > 8 ? undefined : this.nested(() => this.functionScope(local.value));
    if (local) return local.type === 'tracerFactory' ? null : undefined;
    return this.resolver.tracerFactory(fn.text, false);
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
