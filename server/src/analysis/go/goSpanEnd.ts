// Is a span from `tracer.Start` (or from a project helper that starts one) ended on every path?
// The statements after the Start are walked: `span.End()` and `defer span.End()` (or a deferred
// closure calling it) end the span on their path; so does a statement where the span escapes
// (returned, stored in a field, map, slice or context, sent on a channel, passed to any call,
// captured by a closure that ends it or by a goroutine): from there on it is another function's
// business. A path that returns before any of these (`if err != nil { return err }` ahead of the
// hook that ends the span) leaks it. `if span != nil { ... }` has nothing to end on its other
// path. A `return` reached with the span still open, or the end of the function (or, for a span
// declared in a block, of that block), is the leak reported.

import type { Node } from 'web-tree-sitter';
import type { Range } from '../types';
import { namedChildren, rangeOf } from '../treeNodes';
import { GO_FUNCTIONS } from './goLocals';

export interface SpanEndInput {
  /** The `Start` call. */
  call: Node;
  /** The span's variable as written; null or `_` when the span is dropped. */
  variable: string | null;
  /** The body of the function holding the call. */
  body: Node;
  /** The uses of the variable after the call that refer to this span (not to a later Start's). */
  uses(): Node[];
  /** Whether the variable outlives the function: a named result, or declared in an outer function or the package. */
  outlives(): boolean;
  /** The context variable the Start assigns (`ctx` of `ctx, span := ...`): it carries the span too. */
  context: string | null;
  /** The uses of a variable after the call, in the function. */
  usesOf(name: string): Node[];
  /**
   * The error result assigned with the span (`env, span, err := pubsub.Envelope(...)`): Go's
   * convention is that the other results mean nothing when it is set, so the `if err != nil`
   * right after the call has no span to end.
   */
  error?: string | null;
}

export interface SpanEnd {
  ended: boolean;
  /** Where a path leaves without ending the span, when one does. */
  leak?: Range;
}

/** Calls after which the goroutine or the process does not go on (a path that leaks nothing). */
const NO_RETURN = /^(?:panic|os\.Exit|runtime\.Goexit|log\.(?:Fatal|Panic)\w*)$|\.(?:Fatal|Fatalf|Fatalln|FailNow|SkipNow|Skip|Skipf|Panic|Panicf)$/;
const CASES = new Set(['expression_case', 'default_case', 'type_case', 'communication_case']);

export function spanEnd(input: SpanEndInput): SpanEnd {
  const statement = startStatement(input.call);
  if (!statement || statement.parent?.type !== 'statement_list') return { ended: true };
  // `_, req.queueSpan = tracer.Start(...)`, `hooks[name], _ = tracer.Start(...)`: the span, or the
  // context that carries it, is stored in a field, map or slice from the start.
  if (statement.type !== 'expression_statement' && namedChildren(statement.childForFieldName('left') ?? statement).some((t) => t.type !== 'identifier')) return { ended: true };
  const v = input.variable && input.variable !== '_' ? input.variable : null;
  const guard = input.error && input.error !== '_' ? { after: statement, error: input.error } : undefined;
  // The walk first: most spans are deferred-ended right away, and then their uses need no look.
  let leak = new PathWalker(v, [], guard).leakAfter(statement, input.body);
  if (!leak) return { ended: true };
  const uses = v ? input.uses() : [];
  if (v && input.outlives()) return { ended: true };
  const escaping = v ? uses.filter((use) => escapes(use, v)) : [];
  if (escaping.length) {
    leak = new PathWalker(v, escaping, guard).leakAfter(statement, input.body);
    if (!leak) return { ended: true };
  }
  // Instrumentation hooks start a span, hand on the context that carries it, and end it in the
  // matching hook (`trace.SpanFromContext(ctx).End()`): a span this function never ends itself
  // escapes with its context.
  const endsItself = uses.some((use) => use.parent?.type === 'selector_expression' && use.parent.childForFieldName('field')?.text === 'End');
  if (!endsItself && input.context && contextEscapes(input.context, input, 0)) return { ended: true };
  return { ended: false, leak };
}

/** Whether a context (or one derived from it) is returned, stored in a field, map, struct or channel. */
function contextEscapes(name: string, input: SpanEndInput, depth: number): boolean {
  for (const use of input.usesOf(name)) {
    for (let n = use.parent; n && n.id !== input.body.id; n = n.parent) {
      if (n.type === 'return_statement' || n.type === 'keyed_element' || n.type === 'literal_element' || n.type === 'send_statement') return true;
      if (n.type !== 'assignment_statement' && n.type !== 'short_var_declaration') continue;
      const right = n.childForFieldName('right');
      if (!right || use.startIndex < right.startIndex) break;
      const targets = namedChildren(n.childForFieldName('left') ?? n);
      if (targets.some((t) => t.type !== 'identifier')) return true;
      if (depth < 2 && targets.some((t) => t.text !== name && t.text !== '_' && contextEscapes(t.text, input, depth + 1))) return true;
      break;
    }
  }
  return false;
}

/** The statement holding the Start call: `ctx, span := ...`, `ctx, span = ...` or the dropped call itself. */
export function startStatement(call: Node): Node | null {
  const parent = call.parent;
  if (parent?.type === 'expression_statement') return parent;
  const statement = parent?.type === 'expression_list' ? parent.parent : null;
  return statement && (statement.type === 'short_var_declaration' || statement.type === 'assignment_statement') ? statement : null;
}

/** Whether a use of the span hands it to other code. */
function escapes(use: Node, v: string): boolean {
  const parent = use.parent;
  if (!parent) return false;
  const closure = enclosingClosure(use);
  if (closure && !isDeferredCall(closure) && new RegExp(`\\b${v}\\s*\\.\\s*End\\s*\\(`).test(closure.text)) return true;
  switch (parent.type) {
    case 'selector_expression':
      // `span.End` as a value (`t.Cleanup(span.End)`) ends it elsewhere; `span.SetAttributes(...)` does not.
      return parent.childForFieldName('field')?.text === 'End' && parent.parent?.type !== 'call_expression';
    case 'expression_list': {
      const holder = parent.parent;
      if (holder?.type === 'return_statement') return true;
      if (holder?.type === 'short_var_declaration' || holder?.type === 'assignment_statement' || holder?.type === 'var_spec') {
        return holder.childForFieldName(holder.type === 'var_spec' ? 'value' : 'right')?.id === parent.id;
      }
      return false;
    }
    case 'return_statement':
    case 'argument_list':
    case 'literal_element':
    case 'keyed_element':
      return true;
    case 'send_statement':
      return parent.childForFieldName('value')?.id === use.id;
    case 'unary_expression':
      return parent.text.startsWith('&');
    default:
      return false;
  }
}

/** The function literal around a use, when the use is inside one nested in the Start's function. */
function enclosingClosure(use: Node): Node | null {
  for (let n = use.parent; n; n = n.parent) {
    if (n.type === 'func_literal') return n;
    if (GO_FUNCTIONS.has(n.type)) return null;
  }
  return null;
}

/** `defer func() { ... }()`: walked as part of the path, not an escape. */
function isDeferredCall(literal: Node): boolean {
  const call = literal.parent;
  return call?.type === 'call_expression' && call.parent?.type === 'defer_statement';
}

interface Flow {
  /** Some path completes the statement(s) with the span open. */
  open: boolean;
  leak?: Node;
  /** A `break` / `continue` (or `fallthrough`) reached with the span open. */
  breakAt?: Node;
  continueAt?: Node;
}

const CLOSED: Flow = { open: false };

/** `if err != nil` right after `after`, the statement that assigned `error` with the span. */
interface ErrorGuard {
  after: Node;
  error: string;
}

class PathWalker {
  constructor(
    private readonly v: string | null,
    /** Uses of the span that hand it on: a statement holding one closes its path. */
    private readonly escaping: readonly Node[] = [],
    private readonly guard?: ErrorGuard,
  ) {}

  /** Whether an escaping use lies in `node`, outside the `inner` parts (an if's branches, a switch's cases). */
  private escapesIn(node: Node, inner: (Node | null)[] = []): boolean {
    return this.escaping.some((use) => within(use, node) && !inner.some((part) => part && within(use, part)));
  }

  /** Where the first leaking path after `statement` leaves, walking out to the function body. */
  leakAfter(statement: Node, body: Node): Range | undefined {
    let at = statement;
    let flow = this.list(followingStatements(at));
    let declaredHere = statement.type === 'short_var_declaration';
    for (;;) {
      if (flow.leak) return rangeOf(flow.leak);
      const container = at.parent?.parent;
      if (!container) return undefined;
      const exit = flow.breakAt ?? flow.continueAt;
      if (container.id === body.id) return flow.open ? closingOf(container) : undefined;
      if (!flow.open && !exit) return undefined;
      // A span declared in this block is out of reach once the block is left.
      if (declaredHere) return exit && !flow.open ? rangeOf(exit) : closingOf(container);
      const holder = holderOf(container);
      if (!holder) return undefined;
      const loop = holder.type === 'for_statement';
      const openAfter = loop || flow.open || (CASES.has(container.type) && !!flow.breakAt);
      const next = openAfter ? this.list(followingStatements(holder)) : { ...CLOSED };
      if (!loop && !CASES.has(container.type)) {
        next.breakAt ??= flow.breakAt;
        next.continueAt ??= flow.continueAt;
      }
      if (!next.open && !next.leak && !next.breakAt && !next.continueAt && !openAfter) return undefined;
      flow = next;
      at = holder;
      declaredHere = false;
    }
  }

  private list(statements: Node[]): Flow {
    const flow: Flow = { open: true };
    for (const s of statements) {
      const r = this.statement(s);
      flow.leak ??= r.leak;
      flow.breakAt ??= r.breakAt;
      flow.continueAt ??= r.continueAt;
      if (flow.leak) return { ...flow, open: false };
      if (!r.open) return { ...flow, open: false };
    }
    return flow;
  }

  private statement(s: Node): Flow {
    if (this.escaping.length && this.escapesIn(s, this.branchesOf(s))) return CLOSED;
    switch (s.type) {
      case 'expression_statement': {
        const call = s.namedChildren[0];
        return call && (this.isEnd(call) || NO_RETURN.test(call.childForFieldName('function')?.text ?? '')) ? CLOSED : { open: true };
      }
      case 'defer_statement':
        return this.deferEnds(s) ? CLOSED : { open: true };
      case 'return_statement':
        return { open: false, leak: s };
      case 'goto_statement':
        return CLOSED;
      case 'break_statement':
      case 'fallthrough_statement':
        return { open: false, breakAt: s };
      case 'continue_statement':
        return { open: false, continueAt: s };
      case 'block':
        return this.list(statementsOf(s));
      case 'labeled_statement': {
        const inner = namedChildren(s).filter((c) => c.type !== 'label_name' && c.type !== 'comment');
        return inner.length ? this.list(inner) : { open: true };
      }
      case 'if_statement':
        return this.ifStatement(s);
      case 'for_statement':
        return this.forStatement(s);
      case 'expression_switch_statement':
      case 'type_switch_statement':
      case 'select_statement':
        return this.switchStatement(s);
      case 'assignment_statement':
        // The span is overwritten before it was ended.
        return this.v && namedChildren(s.childForFieldName('left') ?? s).some((n) => n.type === 'identifier' && n.text === this.v) ? { open: false, leak: s } : { open: true };
      default:
        return { open: true };
    }
  }

  /** The parts of a compound statement walked on their own (an escape elsewhere in it, such as its header, closes it whole). */
  private branchesOf(s: Node): Node[] {
    switch (s.type) {
      case 'block':
      case 'labeled_statement':
        return [s];
      case 'if_statement':
        return [s.childForFieldName('consequence'), s.childForFieldName('alternative')].filter((n): n is Node => !!n);
      case 'expression_switch_statement':
      case 'type_switch_statement':
      case 'select_statement':
        return namedChildren(s).filter((c) => CASES.has(c.type));
      default:
        // A loop may run zero or many times: an escape in it is taken for the whole loop, as before paths were told apart.
        return [];
    }
  }

  private ifStatement(s: Node): Flow {
    const consequence = s.childForFieldName('consequence');
    const alternative = s.childForFieldName('alternative');
    const noSpan = this.noSpanBranch(s);
    const a = consequence && noSpan !== 'consequence' ? this.statement(consequence) : { open: noSpan !== 'consequence' };
    const b = alternative && noSpan !== 'alternative' ? this.statement(alternative) : { open: noSpan !== 'alternative' };
    return { open: a.open || b.open, leak: a.leak ?? b.leak, breakAt: a.breakAt ?? b.breakAt, continueAt: a.continueAt ?? b.continueAt };
  }

  /**
   * The branch of `if span != nil` / `if span == nil` where there is no span to end, and the
   * `if err != nil` right after a helper call whose error says the span is not there either.
   */
  private noSpanBranch(s: Node): 'consequence' | 'alternative' | undefined {
    const condition = s.childForFieldName('condition')?.text.replace(/\s+/g, '');
    if (!condition || s.childForFieldName('initializer')) return undefined;
    const compares = (name: string, op: string) => condition === `${name}${op}nil` || condition === `nil${op}${name}`;
    if (this.v && compares(this.v, '!=')) return 'alternative';
    if (this.v && compares(this.v, '==')) return 'consequence';
    if (this.guard && compares(this.guard.error, '!=') && previousStatement(s)?.id === this.guard.after.id) return 'consequence';
    return undefined;
  }

  private forStatement(s: Node): Flow {
    const body = s.childForFieldName('body');
    const flow = body ? this.statement(body) : { open: true };
    // `for { ... }` only ends through a break (or a return, already walked).
    const forever = namedChildren(s).every((c) => c.id === body?.id || c.type === 'comment');
    return { open: forever ? !!flow.breakAt : true, leak: flow.leak };
  }

  private switchStatement(s: Node): Flow {
    const cases = namedChildren(s).filter((c) => CASES.has(c.type));
    const flows = cases.map((c) => this.list(statementsOf(c)));
    const hasDefault = cases.some((c) => c.type === 'default_case');
    // A select without default waits for one of its cases; a switch without default may match none.
    const open = flows.some((f) => f.open || !!f.breakAt) || (s.type !== 'select_statement' && !hasDefault);
    return { open, leak: flows.find((f) => f.leak)?.leak, continueAt: flows.find((f) => f.continueAt)?.continueAt };
  }

  private isEnd(call: Node): boolean {
    if (call.type !== 'call_expression' || !this.v) return false;
    const fn = call.childForFieldName('function');
    return fn?.type === 'selector_expression' && fn.childForFieldName('field')?.text === 'End' && fn.childForFieldName('operand')?.text === this.v;
  }

  /** `defer span.End()`, or a deferred closure that calls it. */
  private deferEnds(s: Node): boolean {
    const call = s.namedChildren[0];
    if (!call || !this.v) return false;
    if (this.isEnd(call)) return true;
    const fn = call.childForFieldName('function');
    return fn?.type === 'func_literal' && new RegExp(`\\b${this.v}\\s*\\.\\s*End\\s*\\(`).test(fn.text);
  }
}

function within(node: Node, container: Node): boolean {
  return container.startIndex <= node.startIndex && node.endIndex <= container.endIndex;
}

function previousStatement(s: Node): Node | null {
  let n = s.previousNamedSibling;
  while (n?.type === 'comment') n = n.previousNamedSibling;
  return n;
}

function statementsOf(container: Node): Node[] {
  const list = namedChildren(container).find((c) => c.type === 'statement_list');
  return list ? namedChildren(list).filter((c) => c.type !== 'comment') : [];
}

function followingStatements(statement: Node): Node[] {
  const out: Node[] = [];
  for (let n = statement.nextNamedSibling; n; n = n.nextNamedSibling) if (n.type !== 'comment') out.push(n);
  return out;
}

/** The statement a block or case belongs to, as a member of its statement list (the outermost `if` of an else-if chain). */
function holderOf(container: Node): Node | null {
  let holder: Node | null = container.type === 'block' && container.parent?.type === 'statement_list' ? container : container.parent;
  while (holder?.parent?.type === 'if_statement') holder = holder.parent;
  if (holder?.parent?.type === 'labeled_statement') holder = holder.parent;
  return holder?.parent?.type === 'statement_list' ? holder : null;
}

/** The closing brace of a block; the last line of a case clause. */
function closingOf(container: Node): Range {
  const end = rangeOf(container).end;
  if (container.type !== 'block') return { start: { line: end.line, character: 0 }, end };
  return { start: { line: end.line, character: Math.max(0, end.character - 1) }, end };
}
