// Spans that come from the project's own helpers: `def _start(...): span = tracer.start_span(...);
// return span` (or `return span, token`) hands a started span to its caller, who must end it.
// The helper holds the span site; its callers hold the span. A caller that assigns the span
// (`span, token = _start_internal_or_server_span(...)`) is judged like a `start_span` of its own
// for span-not-ended only (LanguageFrontEnd.helperSpansOf), with the same escape analysis and fix.
// Helpers are found once per file version (module symbols); a caller file is parsed only when its
// text calls one of them by name.

import type { Node } from 'web-tree-sitter';
import { NodesByType, ancestorOfType, descendants, namedChildren, rangeOf } from '../treeNodes';
import type { Pos, SpanSite } from '../types';
import { endFix } from './pythonEndFix';
import { endOfAssignedSpan } from './pythonEscape';
import { dottedPath } from './pythonExpr';
import { LOCALS_NODE_TYPES, PythonLocals } from './pythonLocals';
import { callableOf } from './pythonParams';

/** A function that returns a span it started: how callers name it and where the span is in what it returns. */
export interface SpanHelper {
  name: string;
  method: boolean;
  /** Position of the span in a returned tuple (`return span, token` -> 0); undefined when the span itself is returned. */
  index?: number;
  /** Where the helper's `start_span` call starts: only a span site there (an OpenTelemetry tracer's) makes it a helper. */
  start: Pos;
}

const NESTED = new Set(['function_definition', 'lambda', 'class_definition']);
const RETURNS = new Set(['return_statement']);
const ASSIGNMENTS = new Set(['assignment']);
const FUNCTIONS = new Set(['function_definition']);
/** A tracer's own method names: calls of those are span sites (or not) by their receiver, never helper calls. */
const TRACER_METHODS = new Set(['start_span', 'start_as_current_span']);

/**
 * Cheap text test before any parse: some name is assigned from a `.start_span(` call and returned
 * on a `return` line, or a `.start_span(` call is returned directly.
 */
export function mayDefineSpanHelper(text: string): boolean {
  if (!text.includes('.start_span(')) return false;
  if (/\breturn[ \t(]+[\w.]+(?:\([^()\n]*\))?\.start_span\(/.test(text)) return true;
  for (const m of text.matchAll(/\b(\w+)[ \t]*=[ \t]*(?:await[ \t]+)?[\w.]+(?:\([^()\n]*\))?\.start_span\(/g)) {
    if (new RegExp(`\\breturn\\b[^\\n]*\\b${m[1]}\\b`).test(text)) return true;
  }
  return false;
}

/** The functions of a parsed module (module level and class members) that return a span they started with `start_span`. */
export function spanHelpersOf(root: Node): SpanHelper[] {
  const out: SpanHelper[] = [];
  for (const fn of descendants(root, FUNCTIONS)) {
    const callable = callableOf(fn);
    if (!callable || TRACER_METHODS.has(callable.name)) continue;
    const returned = returnedSpan(fn);
    if (returned) out.push({ ...callable, ...(returned.index !== undefined ? { index: returned.index } : {}), start: rangeOf(returned.call).start });
  }
  return out;
}

/** Where `fn` returns a span it started: its `start_span` call, and its position in a returned tuple. */
function returnedSpan(fn: Node): { call: Node; index?: number } | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  const spans = new Map<string, Node>();
  for (const assignment of descendants(body, ASSIGNMENTS, NESTED)) {
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type === 'identifier' && right && isStartSpan(right)) spans.set(left.text, right);
  }
  const started = (e: Node) => (isStartSpan(e) ? e : e.type === 'identifier' ? spans.get(e.text) : undefined);
  for (const statement of descendants(body, RETURNS, NESTED)) {
    const value = statement.namedChildren[0];
    if (!value) continue;
    const whole = started(value);
    if (whole) return { call: whole };
    const elements = value.type === 'expression_list' || value.type === 'tuple' ? namedChildren(value) : [];
    const index = elements.findIndex((e) => started(e));
    if (index >= 0) return { call: started(elements[index])!, index };
  }
  return undefined;
}

function isStartSpan(node: Node): boolean {
  const fn = node.type === 'call' ? node.childForFieldName('function') : null;
  return fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'start_span';
}

/** Whether a file's text calls one of the helpers by name (the test before parsing a caller). */
export function mayCallHelper(text: string, names: Iterable<string>): boolean {
  for (const name of names) if (text.includes(`${name}(`)) return true;
  return false;
}

/**
 * The spans a file receives from helpers and keeps in a variable: `span = helper(...)` and
 * `span, token = helper(...)` at the helper's span position, judged by the escape analysis.
 * `helpers` maps a helper's name to its definitions (any file of the workspace).
 */
export function helperSpans(file: string, text: string, root: Node, helpers: ReadonlyMap<string, SpanHelper[]>): SpanSite[] {
  const nodes = new NodesByType(root, [...LOCALS_NODE_TYPES, 'call']);
  const locals = new PythonLocals(nodes);
  const out: SpanSite[] = [];
  for (const call of nodes.of(new Set(['call']))) {
    const fn = call.childForFieldName('function');
    const path = fn ? dottedPath(fn) : null;
    const assignment = call.parent;
    if (!fn || !path || assignment?.type !== 'assignment' || !assignment.childForFieldName('right')?.equals(call)) continue;
    const candidates = helpers.get(path[path.length - 1]) ?? [];
    // `helper(...)` / `module.helper(...)` for functions (not shadowed by a local), `x.helper(...)` for methods.
    const helper = candidates.find((h) => (h.method ? path.length > 1 : path.length === 1 ? !locals.lookup(call, path[0]) : true));
    const variable = helper && spanVariable(assignment.childForFieldName('left'), helper.index);
    const statement = assignment.parent;
    if (!helper || !variable || statement?.type !== 'expression_statement') continue;
    const region = ancestorOfType(call, FUNCTIONS)?.childForFieldName('body') ?? root;
    const verdict = endOfAssignedSpan(text, call, statement, variable, region);
    const site: SpanSite = { file, language: 'python', range: rangeOf(call), headRange: rangeOf(fn), scope: null, kind: null, attributes: [], ended: verdict.ended };
    if (verdict.leak) site.leak = verdict.leak;
    const fix = verdict.ended ? undefined : endFix(text, call, variable, region);
    if (fix) site.endFix = fix;
    out.push(site);
  }
  return out;
}

/** The name the span lands in: `span = ...`, or the element at the helper's position of `span, token = ...`. */
function spanVariable(left: Node | null, index: number | undefined): string | undefined {
  if (!left) return undefined;
  if (index === undefined) return left.type === 'identifier' ? left.text : undefined;
  if (left.type !== 'pattern_list' && left.type !== 'tuple_pattern') return undefined;
  const target = namedChildren(left)[index];
  return target?.type === 'identifier' ? target.text : undefined;
}
