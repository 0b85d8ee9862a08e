// Span sites in one parsed Go file: `tracer.Start(ctx, name, opts...)` on OpenTelemetry tracers
// (goTracers.ts) and configured wrappers, with name and its parts, scope, kind, attributes
// (WithAttributes, SetAttributes), renames (SetName), whether the span is ended on every path
// (goSpanEnd.ts) and the `defer span.End()` fix. On request, also the spans the file gets from
// project helpers (goHelperSpans.ts), judged only for their end: they share the sites' variables.

import { dirname } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { SPAN_KINDS, type Callable, type Fix, type SpanSite, type ValueInfo } from '../types';
import type { StaticValue } from '../staticValues';
import { NodesByType, ancestorOfType, identifiersNamed, indentationOf, namedChildren, rangeOf } from '../treeNodes';
import type { SiteInput } from '../treeSitterFrontEnd';
import { GoEvaluator } from './goEvaluator';
import { goExpr, selectorPath } from './goExpr';
import { helperCall } from './goHelperSpans';
import { GO_FUNCTIONS, GoLocals, LOCALS_NODE_TYPES } from './goLocals';
import type { GoResolver } from './goResolver';
import { spanEnd, startStatement } from './goSpanEnd';
import { GoTracers } from './goTracers';

export type { GoResolver } from './goResolver';

type GoFileInput = SiteInput<GoResolver>;

interface Tracked {
  site: SpanSite;
  call: Node;
  variable: string | null;
  /** The context variable assigned with the span (`ctx` of `ctx, span := ...`): it carries the span too. */
  context: string | null;
  /** The error result assigned with a helper's span. */
  error: string | null;
  region: Node;
  /** The statements after the Start that see its assignment (its statement list): a later Start there replaces it. */
  block: { start: number; end: number };
  /** A tracer's Start or a helper's span (judged for span-not-ended); wrappers return what they like. */
  tracerStart: boolean;
  /** A span from a project helper: not a site. */
  helper: boolean;
}

const CALLS = new Set(['call_expression']);
const DECLARATIONS = new Set(['function_declaration', 'method_declaration']);
/** Methods of a span that the site's findings read. */
const SPAN_METHODS = new Set(['SetAttributes', 'End', 'SetName']);

/** The file's locals and values, for the sites and for the calls of pass-through helpers (goCalls.ts). */
export function goFileValues(input: GoFileInput, nodeTypes: Iterable<string> = []): { nodes: NodesByType; values: GoEvaluator } {
  const nodes = new NodesByType(input.root, [...LOCALS_NODE_TYPES, ...CALLS, ...nodeTypes]);
  const locals = new GoLocals(nodes, input.resolver.imports);
  return { nodes, values: new GoEvaluator(input.resolver, locals) };
}

export function goSites(input: GoFileInput): SpanSite[] {
  return goSpans(input, false).sites;
}

/**
 * The file's span sites and, with `withHelpers`, the spans it gets from project helpers instead:
 * then the sites are only tracked for the variables they share with those spans (no names,
 * attributes or end of their own), which keeps the second pass over a file cheap.
 */
export function goSpans(input: GoFileInput, withHelpers: boolean): { sites: SpanSite[]; helperSpans: SpanSite[] } {
  const { nodes, values } = goFileValues(input);
  const tracers = new GoTracers(values);
  const tracked: Tracked[] = [];
  const spanCalls: Node[] = [];
  for (const call of nodes.of(CALLS)) {
    const fn = call.childForFieldName('function');
    const args = call.childForFieldName('arguments');
    if (!fn || !args) continue;
    const argList = namedChildren(args).filter((a) => a.type !== 'comment');
    const method = fn.type === 'selector_expression' ? fn.childForFieldName('field')?.text : undefined;
    const scope = method === 'Start' && argList.length >= 2 ? tracers.scopeOf(fn.childForFieldName('operand'), call) : undefined;
    if (method && SPAN_METHODS.has(method)) {
      if (!withHelpers) spanCalls.push(call);
    } else if (scope !== undefined) tracked.push(withHelpers ? startOf(input, call, scope, false) : siteOf(input, values, call, argList, argList[1], scope));
    else if (isWrapper(fn, input.wrappers, input.resolver.packageName)) {
      const later = argList.slice(1);
      const name = later.find((a) => goExpr(a).k !== 'dynamic' && a.type !== 'identifier') ?? later[0] ?? argList[0];
      tracked.push(withHelpers ? { ...startOf(input, call, null, false), tracerStart: false } : siteOf(input, values, call, argList, name, null, false));
    } else if (withHelpers) {
      const helper = helperCall(call, values);
      if (helper) tracked.push({ ...startOf(input, call, null, true), ...helper });
    }
  }
  for (const call of spanCalls) attachSpanCall(call, tracked, values);
  for (const t of tracked) {
    if (t.tracerStart && (!withHelpers || t.helper)) judgeEnd(input.text, t, tracked, values);
    const enclosing = hasParameterParts(t.site) ? callableOf(ancestorOfType(t.call, DECLARATIONS), input.file) : undefined;
    if (enclosing) t.site.enclosing = enclosing;
  }
  return { sites: tracked.filter((t) => !t.helper).map((t) => t.site), helperSpans: tracked.filter((t) => t.helper).map((t) => t.site) };
}

function isWrapper(fn: Node, wrappers: readonly string[], packageName: string): boolean {
  const text = fn.text;
  return wrappers.some((w) => w === text || (fn.type === 'identifier' && (w === `${packageName}.${text}`)));
}

function siteOf(
  input: GoFileInput, values: GoEvaluator, call: Node, args: Node[], nameNode: Node | undefined,
  scope: StaticValue | null, tracerStart = true,
): Tracked {
  const t = startOf(input, call, scope, false);
  t.tracerStart = tracerStart;
  if (nameNode) t.site.name = values.info(nameNode);
  for (const option of args.slice(2)) applyOption(option, t.site, values);
  return t;
}

/**
 * A span-creating call with its variables (`ctx, span := ...`) and where it sits, before any name
 * or attribute is read. A helper's span (`helper`) is at the helper call, its variables set by the caller.
 */
function startOf(input: GoFileInput, call: Node, scope: StaticValue | null, helper: boolean): Tracked {
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
  const enclosing = enclosingFunctionName(call);
  if (enclosing) site.enclosingFunction = enclosing;
  const list = startStatement(call)?.parent ?? region;
  return {
    site, call, variable: spanVariable(call), context: contextVariable(call), error: null,
    region, block: { start: list.startIndex, end: list.endIndex }, tracerStart: true, helper,
  };
}

/** `trace.WithSpanKind(trace.SpanKindClient)`, `trace.WithAttributes(...)`. */
function applyOption(option: Node, site: SpanSite, values: GoEvaluator): void {
  if (option.type !== 'call_expression') return;
  const name = option.childForFieldName('function')?.childForFieldName('field')?.text;
  const args = namedChildren(option.childForFieldName('arguments') ?? option).filter((a) => a.type !== 'comment');
  if (name === 'WithSpanKind' && args[0]) {
    const path = selectorPath(args[0]);
    const kind = path?.[path.length - 1].replace(/^SpanKind/, '').toLowerCase();
    if (kind && SPAN_KINDS.includes(kind)) site.kind = kind;
  } else if (name === 'WithAttributes') {
    for (const arg of args) site.attributes.push(...values.attributes(arg));
  }
}

/** The variable `ctx, span := tracer.Start(...)` assigns the span to; null when dropped or stored elsewhere. */
function spanVariable(call: Node): string | null {
  const statement = startStatement(call);
  if (!statement || statement.type === 'expression_statement') return null;
  const left = namedChildren(statement.childForFieldName('left') ?? statement);
  const target = left.length === 2 ? left[1] : undefined;
  return target?.type === 'identifier' ? target.text : null;
}

/** Routes `span.SetAttributes(...)` and `span.SetName(...)` to the sites whose span `span` may hold there. */
function attachSpanCall(call: Node, tracked: Tracked[], values: GoEvaluator): void {
  const fn = call.childForFieldName('function');
  const receiver = fn?.childForFieldName('operand');
  const method = fn?.childForFieldName('field')?.text;
  if (receiver?.type !== 'identifier' || method === 'End') return;
  const owners = ownersOf(receiver.text, call, tracked);
  if (!owners.length) return;
  const args = namedChildren(call.childForFieldName('arguments') ?? call).filter((a) => a.type !== 'comment');
  if (method === 'SetName') {
    const rename = args[0] ? values.info(args[0]) : undefined;
    if (rename) for (const owner of owners) (owner.site.renames ??= []).push(rename);
    return;
  }
  const attributes = args.flatMap((arg) => values.attributes(arg));
  for (const owner of owners) owner.site.attributes.push(...attributes);
}

/**
 * The sites whose span `variable` may hold at `at`: each Start before it in the same function,
 * unless a later Start to the same variable, in a statement list that holds `at`, replaced it on
 * every way there. Starts in the branches of an `if` (`ctx, span = tracer.Start(...)` in each) all own a use after it.
 */
function ownersOf(variable: string, at: Node, tracked: Tracked[]): Tracked[] {
  const before = tracked.filter((t) => t.variable === variable && t.call.startIndex < at.startIndex
    && t.region.startIndex <= at.startIndex && at.endIndex <= t.region.endIndex);
  return before.filter((s) => !before.some((t) => t !== s && t.call.startIndex > s.call.startIndex && t.block.start <= at.startIndex && at.endIndex <= t.block.end));
}

/** Sets `ended` (and `leak`, and the fix) of a tracer's Start. */
function judgeEnd(text: string, t: Tracked, tracked: Tracked[], values: GoEvaluator): void {
  const fn = ancestorOfType(t.call, GO_FUNCTIONS);
  const body = fn?.childForFieldName('body');
  if (!fn || !body || t.region.id !== body.id) {
    t.site.ended = true;
    return;
  }
  const v = t.variable;
  const result = spanEnd({
    call: t.call,
    variable: v,
    body,
    uses: () => (v ? identifiersNamed(text, body, v, t.call.endIndex).filter((use) => ownersOf(v, use, tracked).includes(t)) : []),
    outlives: () => outlivesFunction(t, fn, values),
    context: t.context, error: t.error, usesOf: (name) => identifiersNamed(text, body, name, t.call.endIndex),
  });
  t.site.ended = result.ended;
  if (result.leak) t.site.leak = result.leak;
  if (!result.ended) addEndFix(text, t);
}

/** `ctx` of `ctx, span := tracer.Start(...)`; null when dropped. */
function contextVariable(call: Node): string | null {
  const statement = startStatement(call);
  const first = statement && statement.type !== 'expression_statement' ? namedChildren(statement.childForFieldName('left') ?? statement)[0] : undefined;
  return first?.type === 'identifier' && first.text !== '_' ? first.text : null;
}

/** A named result (returned by a bare `return`), or a variable of an outer function or the package. */
function outlivesFunction(t: Tracked, fn: Node, values: GoEvaluator): boolean {
  const v = t.variable ?? '';
  const results = fn.childForFieldName('result');
  if (results?.type === 'parameter_list' && namedChildren(results).some((p) => p.childrenForFieldName('name').some((n) => n.text === v))) return true;
  if (startStatement(t.call)?.type !== 'assignment_statement') return false;
  const binding = values.locals.lookup(t.call, v);
  return !binding || binding.owner.id !== fn.id;
}

/** `defer span.End()` on the line after `ctx, span := tracer.Start(...)`, at the same indentation. */
function addEndFix(text: string, t: Tracked): void {
  const statement = startStatement(t.call);
  if (!t.variable || t.variable === '_' || !statement || statement.type === 'expression_statement' || statement.parent?.type !== 'statement_list') return;
  // A defer in a loop runs when the function returns, not per iteration: no clear fix there.
  for (let n: Node | null = statement.parent; n && n.id !== t.region.id; n = n.parent) if (n.type === 'for_statement') return;
  const end = rangeOf(statement).end;
  const fix: Fix = {
    title: `Add 'defer ${t.variable}.End()' after Start`,
    edits: [{ range: { start: end, end }, newText: `\n${indentationOf(text, statement)}defer ${t.variable}.End()` }],
    preferred: true,
  };
  t.site.endFix = fix;
}

function hasParameterParts(site: SpanSite): boolean {
  const values: (ValueInfo | undefined)[] = [site.name, ...(site.renames ?? []), ...site.attributes.map((a) => a.value)];
  return values.some((v) => v?.parts?.some((p) => p.param !== undefined));
}

/**
 * A Go function as its callers name it, with the directory (= package) of the file declaring it,
 * so that its calls are told from those of a same-named function of another package (goCalls.ts).
 * The field is Go's own: the rules pass the callable back to this front-end untouched.
 */
export interface GoCallable extends Callable {
  dir?: string;
}

/** How callers name a function or method declaration of `file`. */
export function callableOf(decl: Node | null, file: string): GoCallable | undefined {
  const name = decl?.childForFieldName('name')?.text;
  return decl && name ? { name, method: decl.type === 'method_declaration', dir: dirname(file) } : undefined;
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
