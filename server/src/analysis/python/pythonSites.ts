// Span sites in one parsed Python file: `tracer.start_as_current_span(...)` (with-statement,
// decorator or plain call), `tracer.start_span(...)` and configured wrappers, with their names,
// tracer scope, kind, attributes (keyword, set_attribute(s), get_current_span()) and whether
// the span is ended.

import type { Node } from 'web-tree-sitter';
import type { AttributeInfo, Fix, SpanSite } from '../types';
import {
  DYNAMIC, NodesByType, SPAN_KINDS, ValueEvaluator, ancestorOfType, descendants, identifiersNamed, indentationOf, namedChildren, rangeOf,
  type StaticValue,
} from '../treeSitter';
import type { SiteInput } from '../treeSitterFrontEnd';
import { dottedPath, pythonExpr } from './pythonExpr';
import { LOCALS_NODE_TYPES, PythonLocals } from './pythonLocals';
import { keywordArgument, tracerScope } from './pythonModules';

export const PYTHON_SPAN_METHODS = ['start_as_current_span', 'start_span'] as const;

/** What the file's sites need from the rest of the workspace. */
export interface PythonResolver {
  /** Value of a module-level reference (constants, class attributes, Enum members, imports). */
  value(path: string[]): StaticValue;
  /** Scope of a module-level or imported tracer variable; null when `name` is not one. */
  tracerScope(name: string): StaticValue | null;
}

type PyFileInput = SiteInput<PythonResolver>;

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
const NESTED_SCOPES = new Set(['function_definition', 'lambda', 'class_definition']);
const SPAN_CALL_METHODS = new Set(['set_attribute', 'set_attributes', 'end']);

export function pythonSites(input: PyFileInput): SpanSite[] {
  const nodes = new NodesByType(input.root, [...LOCALS_NODE_TYPES, 'call']);
  const locals = new PythonLocals(nodes);
  const values = new Evaluator(input, locals);
  const calls = nodes.of(CALLS);
  const tracked: Tracked[] = [];
  const spanCalls: Node[] = [];
  for (const call of calls) {
    const fn = call.childForFieldName('function');
    if (!fn) continue;
    const method = fn.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    if (method && SPAN_CALL_METHODS.has(method)) spanCalls.push(call);
    else if (method === 'start_as_current_span' || method === 'start_span') {
      tracked.push(siteOf(input, values, call, fn.childForFieldName('object'), method === 'start_span'));
    } else if (isWrapper(fn, input.wrappers)) {
      tracked.push(siteOf(input, values, call, null, false));
    }
  }
  for (const call of spanCalls) attachSpanCall(input, call, tracked, values, locals);
  return tracked.map((t) => t.site);
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
  if (nameNode) site.name = values.info(nameNode);
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
  if (plainSpan && receiver && usage.form !== 'with') site.ended = usage.form === 'dropped' ? false : null;
  if (plainSpan && receiver && usage.form === 'assigned') site.ended = endedLater(input.text, tracked);
  if (site.ended === false) {
    const fix = endFix(input.text, call, usage.variable);
    if (fix) site.endFix = fix;
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

/** True when the span variable is ended after the call, null when it escapes (returned, stored), else false. */
function endedLater(text: string, t: Tracked): boolean | null {
  const variable = t.variable;
  if (!variable) return null;
  let ended = false;
  for (const use of identifiersNamed(text, t.variableRegion, variable, t.call.endIndex)) {
    const parent = use.parent;
    if (!parent) continue;
    if (parent.type === 'attribute' && parent.childForFieldName('object')?.equals(use)) {
      if (parent.childForFieldName('attribute')?.text === 'end' && parent.parent?.type === 'call') ended = true;
    } else if (ancestorOfType(use, new Set(['return_statement', 'yield']))) {
      return null;
    } else if (parent.type === 'assignment' && parent.childForFieldName('right')?.equals(use)) {
      return null;
    } else if (parent.type === 'argument_list' && isEndingCall(parent.parent)) {
      ended = true;
    }
  }
  return ended;
}

/** `trace.use_span(span, end_on_exit=True)` ends the span. */
function isEndingCall(call: Node | null): boolean {
  const args = call?.childForFieldName('arguments');
  return !!args && keywordArgument(args, 'end_on_exit')?.text === 'True';
}

/** Adds `span.end()` after the last statement of the block, when no return/raise can skip it. */
function endFix(text: string, call: Node, variable: string | null): Fix | undefined {
  if (!variable) return undefined;
  const statement = call.parent?.parent;
  const block = statement?.parent;
  if (statement?.type !== 'expression_statement' || !block || (block.type !== 'block' && block.type !== 'module')) return undefined;
  const statements = namedChildren(block).filter((s) => s.type !== 'comment');
  const later = statements.filter((s) => s.startIndex >= statement.startIndex);
  const exits = new Set(['return_statement', 'raise_statement', 'yield', 'break_statement', 'continue_statement']);
  if (later.some((s) => exits.has(s.type) || descendants(s, exits, NESTED_SCOPES).length > 0)) return undefined;
  const last = later[later.length - 1];
  const end = rangeOf(last).end;
  return {
    title: `Add \`${variable}.end()\` at the end of the block`,
    edits: [{ range: { start: end, end }, newText: `\n${indentationOf(text, statement)}${variable}.end()` }],
    preferred: true,
  };
}

/** Routes `x.set_attribute(...)`, `x.set_attributes(...)` and `x.end()` to the site whose span `x` is. */
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
  return kind && SPAN_KINDS.has(kind) ? kind : null;
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

function enclosingClassName(fn: Node): string | null {
  const owner = fn.parent?.type === 'decorated_definition' ? fn.parent : fn;
  const cls = owner.parent?.parent;
  return cls?.type === 'class_definition' ? (cls.childForFieldName('name')?.text ?? null) : null;
}

/** Resolves values at a position: function locals first, then `self.` class attributes, then the module. */
class Evaluator extends ValueEvaluator {
  constructor(
    private readonly input: PyFileInput,
    private readonly locals: PythonLocals,
  ) {
    super(pythonExpr);
  }

  /** `insertAfter` is the node after which a sibling attribute goes, with `template` (see AttributeInfo.insertSibling). */
  attribute(key: Node, value: Node, insertAfter?: Node, template?: string): AttributeInfo {
    const info = this.keyValue(key, value);
    if (insertAfter && template) info.insertSibling = { position: rangeOf(insertAfter).end, template };
    return info;
  }

  dictAttributes(node: Node): AttributeInfo[] {
    const dict = this.localValueNode(node) ?? node;
    if (dict.type !== 'dictionary') return [];
    const out: AttributeInfo[] = [];
    for (const pair of namedChildren(dict)) {
      const key = pair.childForFieldName('key');
      const value = pair.childForFieldName('value');
      if (pair.type === 'pair' && key && value) out.push(this.attribute(key, value, pair, ', {key}: {value}'));
    }
    return out;
  }

  tracerScopeOf(receiver: Node): StaticValue | null {
    const direct = tracerScope(receiver);
    if (direct) return this.evaluateAt(receiver, direct);
    const path = dottedPath(receiver);
    if (!path) return null;
    if (path.length === 1) {
      const local = this.locals.lookup(receiver, path[0]);
      if (local) return local.kind === 'value' ? this.tracerScopeOf(local.value) : null;
      return this.input.resolver.tracerScope(path[0]);
    }
    if (path.length === 2 && path[0] === 'self') return this.selfTracerScope(receiver, path[1]);
    return null;
  }

  /** `self.tracer = trace.get_tracer("x")` anywhere in the class. */
  private selfTracerScope(at: Node, attribute: string): StaticValue | null {
    const cls = ancestorOfType(at, new Set(['class_definition']));
    if (!cls) return null;
    for (const assignment of descendants(cls, new Set(['assignment']))) {
      const left = assignment.childForFieldName('left');
      const right = assignment.childForFieldName('right');
      if (left?.text !== `self.${attribute}` || !right) continue;
      const scope = tracerScope(right);
      if (scope) return this.evaluateAt(right, scope);
    }
    return null;
  }

  private localValueNode(node: Node): Node | undefined {
    if (node.type !== 'identifier') return undefined;
    const local = this.locals.lookup(node, node.text);
    return local?.kind === 'value' ? local.value : undefined;
  }

  protected resolve(at: Node, path: string[]): StaticValue {
    if (this.depth > 20) return DYNAMIC;
    if ((path[0] === 'self' || path[0] === 'cls') && path.length > 1) {
      const fn = ancestorOfType(at, FUNCTION_TYPES);
      const cls = fn ? enclosingClassName(fn) : null;
      return cls ? this.input.resolver.value([cls, ...path.slice(1)]) : DYNAMIC;
    }
    const local = this.locals.lookup(at, path[0]);
    if (local) {
      if (local.kind === 'dynamic' || path.length > 1) return DYNAMIC;
      return this.nested(() => this.evaluateAt(local.value, pythonExpr(local.value)));
    }
    return this.input.resolver.value(path);
  }
}
