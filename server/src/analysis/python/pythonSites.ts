// Span sites in one parsed Python file: `tracer.start_as_current_span(...)` (with-statement,
// decorator or plain call), `tracer.start_span(...)` and configured wrappers, with their names,
// tracer scope, kind, attributes (keyword, set_attribute(s), get_current_span()), renames
// (update_name) and whether the span is ended. Only receivers that are OpenTelemetry tracers
// (pythonReceivers.ts) make sites: Sentry's, Datadog's and other look-alike `start_span`s do not.

import type { Node } from 'web-tree-sitter';
import { SPAN_KINDS, type SpanSite } from '../types';
import type { StaticValue } from '../staticValues';
import { NodesByType, ancestorOfType, indentationOf, namedChildren, rangeOf } from '../treeNodes';
import type { SiteInput } from '../treeSitterFrontEnd';
import { endFix } from './pythonEndFix';
import { endOfAssignedSpan, endOfUnassignedSpan } from './pythonEscape';
import { Evaluator, enclosingClassName } from './pythonEvaluator';
import { dottedPath } from './pythonExpr';
import { LOCALS_NODE_TYPES, PythonLocals } from './pythonLocals';
import { keywordArgument } from './pythonModules';
import { callableOf } from './pythonParams';
import { Receivers } from './pythonReceivers';
import type { ReturnedPart } from './pythonReturns';
import { importsOpenTelemetry, type TracerOrigin } from './pythonSdks';

export const PYTHON_SPAN_METHODS = ['start_as_current_span', 'start_span'] as const;

/** What the file's sites need from the rest of the workspace. */
export interface PythonResolver {
  /** Value of a module-level reference (constants, class attributes, Enum members, imports). */
  value(path: string[]): StaticValue;
  /** Scope of a module-level or imported tracer variable; null when `name` is not one. */
  tracerScope(name: string): StaticValue | null;
  /** Whether a module-level or imported name holds an OpenTelemetry tracer or a look-alike SDK's; undefined when unknown. */
  tracerOrigin(name: string): TracerOrigin | undefined;
  /** The module a module-level name was imported from (`from m import name`, `import m as name`). */
  importedFrom(name: string): string | undefined;
  /** Whether a module-level or imported dotted name is an Enum class. */
  isEnum(path: string[]): boolean;
  /**
   * The return parts (pythonReturns.ts) of the function an imported name or module member
   * (`helper`, `otel_wsgi.get_default_span_name`) names in another workspace file; element
   * `index` of tuple returns. Undefined when it names no such function.
   */
  returnsOf?(path: string[], index: number | undefined): ReturnedPart[] | undefined;
}

export type PyFileInput = SiteInput<PythonResolver>;

/** A site plus where its span can be reached for attributes and end calls. */
interface Tracked {
  site: SpanSite;
  call: Node;
  /** Variable holding the span (`as span`, `span = ...`). */
  variable: string | null;
  /** Code that runs while the span is current (with body, decorated function body). */
  currentRegion: Node | null;
  /** Code where `variable` refers to this span. */
  variableRegion: Node;
}

const CALLS = new Set(['call']);
const FUNCTION_TYPES = new Set(['function_definition']);
const SPAN_CALL_METHODS = new Set(['set_attribute', 'set_attributes', 'update_name', 'end']);

export function pythonSites(input: PyFileInput): SpanSite[] {
  const nodes = new NodesByType(input.root, [...LOCALS_NODE_TYPES, 'call']);
  const locals = new PythonLocals(nodes);
  const values = new Evaluator(input, locals);
  const receivers = new Receivers(locals, input.resolver, importsOpenTelemetry(input.text));
  const calls = nodes.of(CALLS);
  const tracked: Tracked[] = [];
  const spanCalls: Node[] = [];
  for (const call of calls) {
    const fn = call.childForFieldName('function');
    if (!fn) continue;
    const method = fn.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    if (method && SPAN_CALL_METHODS.has(method)) spanCalls.push(call);
    else if (method === 'start_as_current_span' || method === 'start_span') {
      const receiver = fn.childForFieldName('object');
      if (receiver && receivers.isOtel(receiver)) tracked.push(siteOf(input, values, call, receiver, method === 'start_span'));
    } else if (isWrapper(fn, input.wrappers)) {
      tracked.push(siteOf(input, values, call, null, false));
    }
  }
  for (const call of spanCalls) attachSpanCall(input, call, tracked, values, locals);
  for (const t of tracked) if (!t.site.enclosing) setEnclosing(t);
  return tracked.map((t) => t.site);
}

/** A helper whose parameter flows into a rename or an attribute (not the name) is judged at its call sites too. */
function setEnclosing(t: Tracked): void {
  const values = [...(t.site.renames ?? []), ...t.site.attributes.map((a) => a.value)];
  if (!values.some((v) => v.parts?.some((p) => p.param))) return;
  const fn = ancestorOfType(t.call, FUNCTION_TYPES);
  const enclosing = fn ? callableOf(fn) : undefined;
  if (enclosing) t.site.enclosing = enclosing;
}

function isWrapper(fn: Node, wrappers: readonly string[]): boolean {
  if (wrappers.length === 0) return false;
  const path = dottedPath(fn);
  if (!path) return false;
  const text = path.join('.');
  return wrappers.some((w) => w === text || w.endsWith(`.${text}`) || text.endsWith(`.${w}`));
}

function siteOf(input: PyFileInput, values: Evaluator, call: Node, receiver: Node | null, plainSpan: boolean): Tracked {
  const args = call.childForFieldName('arguments');
  const positional = args ? namedChildren(args).filter((a) => a.type !== 'keyword_argument' && a.type !== 'comment') : [];
  const nameNode = (args && keywordArgument(args, 'name')) ?? (receiver ? positional[0] : firstStringy(positional));
  const site: SpanSite = {
    file: input.file,
    language: 'python',
    range: rangeOf(call),
    headRange: rangeOf(call.childForFieldName('function') ?? call),
    scope: receiver ? constantString(values.tracerScopeOf(receiver)) : null,
    kind: args ? spanKind(keywordArgument(args, 'kind')) : null,
    attributes: [],
    ended: null,
  };
  if (nameNode) {
    const { info, paramOf } = values.described(nameNode);
    site.name = info;
    const enclosing = paramOf && callableOf(paramOf);
    if (enclosing) site.enclosing = enclosing;
  }
  const enclosing = enclosingFunctionName(call);
  if (enclosing) site.enclosingFunction = enclosing;
  const attributes = args ? keywordArgument(args, 'attributes') : null;
  if (attributes) site.attributes.push(...values.dictAttributes(attributes));

  const usage = usageOf(call);
  const tracked: Tracked = { site, call, variable: usage.variable, currentRegion: usage.currentRegion, variableRegion: usage.variableRegion };
  if (usage.form === 'decorator') {
    const fnName = usage.currentRegion?.parent?.childForFieldName('name')?.text;
    const cls = usage.currentRegion?.parent ? enclosingClassName(usage.currentRegion.parent) : null;
    if (fnName) site.enclosingFunction = cls ? `${cls}.${fnName}` : fnName;
  }
  // Only a plain span outside a with-block must be ended by hand; context managers end themselves.
  if (plainSpan && receiver && usage.form !== 'with' && usage.form !== 'decorator') {
    if (usage.form === 'assigned' && usage.variable) {
      const statement = call.parent?.parent ?? call;
      const verdict = endOfAssignedSpan(input.text, call, statement, usage.variable, usage.variableRegion);
      site.ended = verdict.ended;
      if (verdict.leak) site.leak = verdict.leak;
      const fix = verdict.ended ? undefined : endFix(input.text, call, usage.variable, usage.variableRegion);
      if (fix) site.endFix = fix;
    } else {
      site.ended = endOfUnassignedSpan(call);
    }
  }
  return tracked;
}

type Usage = {
  form: 'with' | 'decorator' | 'assigned' | 'dropped' | 'other';
  variable: string | null;
  currentRegion: Node | null;
  variableRegion: Node;
};

function usageOf(call: Node): Usage {
  const parent = call.parent;
  const fallbackRegion = functionBodyAround(call);
  if (parent?.type === 'decorator') {
    const definition = parent.parent?.childForFieldName('definition');
    const body = definition?.childForFieldName('body') ?? null;
    return { form: 'decorator', variable: null, currentRegion: body, variableRegion: body ?? fallbackRegion };
  }
  const withItem = parent?.type === 'as_pattern' ? parent.parent : parent;
  if (withItem?.type === 'with_item') {
    const alias = parent?.type === 'as_pattern' ? parent.childForFieldName('alias')?.namedChildren[0] : null;
    const body = withItem.parent?.parent?.childForFieldName('body') ?? null;
    return { form: 'with', variable: alias?.type === 'identifier' ? alias.text : null, currentRegion: body, variableRegion: body ?? fallbackRegion };
  }
  if (parent?.type === 'assignment' && parent.childForFieldName('right')?.equals(call)) {
    const left = parent.childForFieldName('left');
    const variable = left?.type === 'identifier' ? left.text : null;
    return { form: variable ? 'assigned' : 'other', variable, currentRegion: null, variableRegion: fallbackRegion };
  }
  const form = parent?.type === 'expression_statement' ? 'dropped' : 'other';
  return { form, variable: null, currentRegion: null, variableRegion: fallbackRegion };
}

/** Routes `x.set_attribute(...)`, `x.set_attributes(...)` and `x.update_name(...)` to the site whose span `x` is. */
function attachSpanCall(input: PyFileInput, call: Node, tracked: Tracked[], values: Evaluator, locals: PythonLocals): void {
  const fn = call.childForFieldName('function');
  const receiver = fn?.childForFieldName('object');
  const method = fn?.childForFieldName('attribute')?.text;
  if (!receiver || method === 'end') return;
  const owner = ownerOf(receiver, call, tracked, locals);
  const args = call.childForFieldName('arguments');
  if (!owner || !args) return;
  const positional = namedChildren(args).filter((a) => a.type !== 'keyword_argument');
  if (method === 'set_attributes') {
    if (positional[0]) owner.site.attributes.push(...values.dictAttributes(positional[0]));
  } else if (method === 'update_name') {
    const name = positional[0] ?? keywordArgument(args, 'name');
    if (name) (owner.site.renames ??= []).push(values.info(name));
  } else if (positional.length >= 2) {
    const statement = call.parent?.type === 'expression_statement' ? call.parent : undefined;
    const template = statement && `\n${indentationOf(input.text, statement)}${receiver.text}.set_attribute({key}, {value})`;
    owner.site.attributes.push(values.attribute(positional[0], positional[1], statement, template));
  }
}

function ownerOf(receiver: Node, call: Node, tracked: Tracked[], locals: PythonLocals): Tracked | undefined {
  const inside = (region: Node | null) => !!region && region.startIndex <= call.startIndex && call.endIndex <= region.endIndex;
  const innermost = (candidates: Tracked[]) => candidates.sort((a, b) => b.call.startIndex - a.call.startIndex)[0];
  let current = isCurrentSpanCall(receiver);
  if (receiver.type === 'identifier') {
    const byVariable = tracked.filter((t) => t.variable === receiver.text && t.call.startIndex < call.startIndex && inside(t.variableRegion));
    if (byVariable.length) return innermost(byVariable);
    const binding = locals.lookup(call, receiver.text);
    current = binding?.kind === 'value' && isCurrentSpanCall(binding.value);
  }
  return current ? innermost(tracked.filter((t) => inside(t.currentRegion))) : undefined;
}

function isCurrentSpanCall(node: Node): boolean {
  if (node.type !== 'call') return false;
  const path = dottedPath(node.childForFieldName('function') ?? node);
  return path?.[path.length - 1] === 'get_current_span';
}

function spanKind(node: Node | null): string | null {
  const path = node ? dottedPath(node) : null;
  const kind = path?.[path.length - 1].toLowerCase();
  return kind && SPAN_KINDS.includes(kind) ? kind : null;
}

function firstStringy(args: Node[]): Node | undefined {
  return args.find((a) => /^(string|concatenated_string|binary_operator)$/.test(a.type)) ?? args[0];
}

function constantString(value: StaticValue | null): string | null {
  return value?.constant && typeof value.value === 'string' ? value.value : null;
}

function functionBodyAround(node: Node): Node {
  const fn = ancestorOfType(node, FUNCTION_TYPES);
  return fn?.childForFieldName('body') ?? node.tree.rootNode;
}

function enclosingFunctionName(node: Node): string | undefined {
  const fn = ancestorOfType(node, FUNCTION_TYPES);
  const name = fn?.childForFieldName('name')?.text;
  if (!fn || !name) return undefined;
  const cls = enclosingClassName(fn);
  return cls ? `${cls}.${name}` : name;
}

