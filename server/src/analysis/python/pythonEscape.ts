// Is a span from `span = tracer.start_span(...)` ended on every path? Each use of the variable
// either ends it (`span.end()`, `trace.use_span(span, end_on_exit=True)`), lets it escape (returned,
// yielded, stored, passed to a call, captured by a nested function: other code then owns it) or is
// the span's own business (`span.set_attribute(...)`, `if span is None`). A walk over the
// statements after the assignment then looks for a `return`, `raise` or the end of the function
// reached with the span neither ended nor escaped. Exceptions raised by calls are not paths here:
// every `span.end()` without `finally` would be flagged otherwise.

import type { Node } from 'web-tree-sitter';
import { identifiersNamed, namedChildren, rangeOf } from '../treeNodes';
import type { Range } from '../types';
import { keywordArgument } from './pythonModules';

export interface EndVerdict {
  ended: boolean;
  /** The return/raise (or the last line of the function) a leaking path leaves through. */
  leak?: Range;
}

const NESTED_SCOPES = new Set(['function_definition', 'lambda', 'class_definition']);
const NEUTRAL_PARENTS = new Set(['comparison_operator', 'not_operator', 'boolean_operator', 'delete_statement']);
const COMPOUND = new Set(['if_statement', 'for_statement', 'while_statement', 'try_statement', 'with_statement', 'match_statement']);

/** How a span made by `call` and bound to `variable` (the statement `statement` assigns it) is ended. */
export function endOfAssignedSpan(text: string, call: Node, statement: Node, variable: string, region: Node): EndVerdict {
  // `nonlocal sleep_span` / `global span`: the span is stored in a variable that outlives this function.
  if (declaresOuter(region, variable)) return { ended: true };
  const uses = identifiersNamed(text, region, variable, call.endIndex);
  const walk = new Walk(uses.filter((use) => isEvent(use, region)), uses);
  return walk.from(statement);
}

/** Whether `name` is declared `nonlocal` or `global` in the function `region` (not in a function nested in it). */
function declaresOuter(region: Node, name: string): boolean {
  const visit = (node: Node): boolean => namedChildren(node).some((child) => {
    if (child.type === 'nonlocal_statement' || child.type === 'global_statement') return namedChildren(child).some((n) => n.text === name);
    return !NESTED_SCOPES.has(child.type) && visit(child);
  });
  return visit(region.type === 'function_definition' ? (region.childForFieldName('body') ?? region) : region);
}

/** Whether a span used as an expression (not assigned to a name) escapes or is ended on the spot. */
export function endOfUnassignedSpan(call: Node): boolean | null {
  const parent = call.parent;
  if (parent?.type === 'expression_statement') return false;
  // `tracer.start_span("x").end()`, `return tracer.start_span(...)`, `self._span = ...`, `f(tracer.start_span(...))`.
  return true;
}

function isEvent(use: Node, region: Node): boolean {
  for (let p = use.parent; p && p.id !== region.id; p = p.parent) if (NESTED_SCOPES.has(p.type)) return true; // captured
  const parent = use.parent;
  if (!parent) return false;
  if (parent.type === 'attribute' && parent.childForFieldName('object')?.equals(use)) {
    // `span.end()` ends it, a bare `span.end` hands it over as a callback; other members are the span's own.
    return parent.childForFieldName('attribute')?.text === 'end';
  }
  if (parent.type === 'argument_list') {
    const call = parent.parent;
    const callee = call?.childForFieldName('function');
    const name = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : callee?.text;
    if (name === 'use_span') {
      // `use_span(span, end_on_exit=flag)`: only a literal False (or no flag) is known to leave it open.
      const flag = keywordArgument(parent, 'end_on_exit') ?? namedChildren(parent).filter((a) => a.type !== 'keyword_argument')[1];
      return flag !== undefined && flag !== null && flag.text !== 'False';
    }
    return true;
  }
  if (parent.type === 'keyword_argument') return true;
  if (NEUTRAL_PARENTS.has(parent.type)) return false;
  if ((parent.type === 'if_statement' || parent.type === 'while_statement' || parent.type === 'elif_clause') && parent.childForFieldName('condition')?.equals(use)) return false;
  if (parent.type === 'assignment' && parent.childForFieldName('left')?.equals(use)) return false;
  return true;
}

/** The walk over statements, with the events that end the span or let it escape. */
class Walk {
  private readonly leaks: Node[] = [];

  constructor(
    private readonly events: Node[],
    private readonly uses: Node[],
  ) {}

  from(statement: Node): EndVerdict {
    let live = true;
    let current = statement;
    for (;;) {
      const block = current.parent;
      if (!block) break;
      live = this.rest(block, current, live);
      if (!live) break;
      const owner = block.type === 'module' ? null : block.parent;
      if (!owner || owner.type === 'function_definition') {
        this.leaks.push(lastLine(block));
        break;
      }
      const compound = compoundAround(owner);
      if (!compound) break;
      if (compound.type === 'try_statement') {
        const finallyBlock = finallyOf(compound);
        if (finallyBlock && !this.block(finallyBlock, true, [])) {
          // The finally ends it on every way out of the try.
          this.dropLeaksIn(compound);
          live = false;
          break;
        }
        const inBody = compound.childForFieldName('body')?.equals(block);
        const elseClause = namedChildren(compound).find((c) => c.type === 'else_clause');
        if (inBody && elseClause) live = this.block(elseClause.childForFieldName('body'), live);
        if (finallyBlock && live) live = this.block(finallyBlock, live);
        if (!live) break;
      }
      current = compound;
    }
    if (this.leaks.length === 0) return { ended: true };
    const first = this.leaks.sort((a, b) => a.startIndex - b.startIndex)[0];
    return { ended: false, leak: rangeOf(first) };
  }

  /** Statements of `block` after `after`. */
  private rest(block: Node, after: Node, live: boolean): boolean {
    for (const statement of namedChildren(block)) {
      if (statement.startIndex <= after.startIndex) continue;
      live = this.statement(statement, live, this.leaks);
      if (!live) return false;
    }
    return live;
  }

  /** Walks a block; returns whether the span is still live where it falls through. */
  private block(block: Node | null, live: boolean, leaks: Node[] = this.leaks): boolean {
    if (!block) return live;
    for (const statement of namedChildren(block)) {
      if (!live) return false;
      live = this.statement(statement, live, leaks);
    }
    return live;
  }

  private statement(s: Node, live: boolean, leaks: Node[]): boolean {
    if (!live || s.type === 'comment') return live;
    if (!COMPOUND.has(s.type)) {
      if (this.hasEvent(s)) return false;
      if (s.type === 'return_statement' || s.type === 'raise_statement') {
        leaks.push(s);
        return false;
      }
      return !(s.type === 'break_statement' || s.type === 'continue_statement');
    }
    if (this.headerEvent(s)) return false;
    switch (s.type) {
      case 'if_statement': {
        // A branch that runs without a span (`if not span: return ...` after a helper that may return None) leaks nothing.
        const spanless = this.spanlessBranch(s.childForFieldName('condition'));
        let out = spanless === 'consequence' ? false : this.block(s.childForFieldName('consequence'), true, leaks);
        let exhaustive = false;
        for (const clause of s.childrenForFieldName('alternative')) {
          const body = clause.childForFieldName('consequence') ?? clause.childForFieldName('body');
          if (spanless !== 'alternative') out = this.block(body, true, leaks) || out;
          if (clause.type === 'else_clause') exhaustive = true;
        }
        // `if span is not None: span.end()` / `if span: span.end()`: the other branch has no span to end.
        return out || (!exhaustive && !this.mentions(s.childForFieldName('condition')));
      }
      case 'for_statement': case 'while_statement': {
        const body = s.childForFieldName('body');
        this.block(body, true, leaks);
        const elseClause = s.childForFieldName('alternative');
        if (elseClause) this.block(elseClause.childForFieldName('body'), true, leaks);
        const forever = s.type === 'while_statement' && s.childForFieldName('condition')?.type === 'true';
        return !forever || (!!body && body.descendantsOfType('break_statement').length > 0);
      }
      case 'with_statement':
        return this.block(s.childForFieldName('body'), live, leaks);
      case 'match_statement': {
        const cases = namedChildren(s.childForFieldName('body') ?? s).filter((c) => c.type === 'case_clause');
        let out = false;
        for (const c of cases) out = this.block(c.childForFieldName('consequence') ?? c.namedChildren[c.namedChildren.length - 1], true, leaks) || out;
        const wildcard = cases.some((c) => /^case\s+_\s*:/.test(c.text));
        return out || !wildcard;
      }
      case 'try_statement':
        return this.tryStatement(s, live, leaks);
    }
    return live;
  }

  private tryStatement(s: Node, live: boolean, leaks: Node[]): boolean {
    const finallyBlock = finallyOf(s);
    if (finallyBlock && !this.block(finallyBlock, true, [])) return false;
    let out = this.block(s.childForFieldName('body'), live, leaks);
    for (const clause of namedChildren(s)) {
      if (clause.type === 'else_clause') out = this.block(clause.childForFieldName('body'), out, leaks);
    }
    for (const clause of namedChildren(s)) {
      // A call in the body may raise before the span is ended: the handler starts with it live.
      if (clause.type === 'except_clause' || clause.type === 'except_group_clause') out = this.block(blockOf(clause), true, leaks) || out;
    }
    return finallyBlock ? this.block(finallyBlock, out, leaks) : out;
  }

  /** Which branches of an `if` have no span: `if not span:` / `if span is None:` the first, `if span:` / `if span is not None:` the others. */
  private spanlessBranch(condition: Node | null): 'consequence' | 'alternative' | undefined {
    const isUse = (n: Node | null | undefined) => !!n && n.type === 'identifier' && this.uses.some((u) => u.startIndex === n.startIndex);
    if (!condition) return undefined;
    if (isUse(condition)) return 'alternative';
    if (condition.type === 'not_operator') return isUse(condition.childForFieldName('argument')) ? 'consequence' : undefined;
    if (condition.type !== 'comparison_operator') return undefined;
    const [left, right, extra] = namedChildren(condition);
    if (extra || !isUse(left) || right?.type !== 'none') return undefined;
    return /\bis\s+not\b|!=/.test(condition.text) ? 'alternative' : 'consequence';
  }

  private mentions(node: Node | null): boolean {
    return !!node && this.uses.some((u) => u.startIndex >= node.startIndex && u.endIndex <= node.endIndex);
  }

  private hasEvent(s: Node): boolean {
    return this.events.some((e) => e.startIndex >= s.startIndex && e.endIndex <= s.endIndex);
  }

  /** An event in a compound statement's header, before its first block (`with trace.use_span(span, end_on_exit=True):`). */
  private headerEvent(s: Node): boolean {
    if (!this.hasEvent(s)) return false;
    const body = s.childForFieldName('body') ?? s.childForFieldName('consequence');
    const headerEnd = body?.startIndex ?? s.startIndex;
    return this.events.some((e) => e.startIndex >= s.startIndex && e.endIndex <= headerEnd);
  }

  private dropLeaksIn(node: Node): void {
    for (let i = this.leaks.length - 1; i >= 0; i--) {
      if (this.leaks[i].startIndex >= node.startIndex && this.leaks[i].endIndex <= node.endIndex) this.leaks.splice(i, 1);
    }
  }
}

function finallyOf(tryStatement: Node): Node | null {
  const clause = namedChildren(tryStatement).find((c) => c.type === 'finally_clause');
  return clause ? blockOf(clause) : null;
}

function blockOf(clause: Node): Node | null {
  return clause.childForFieldName('body') ?? namedChildren(clause).find((c) => c.type === 'block') ?? null;
}

/** The statement whose block `owner` (a clause or the statement itself) is. */
function compoundAround(owner: Node): Node | null {
  // Clauses (`elif`, `except`, `case`) sit between a block and its statement; a match's cases sit in a block too.
  for (let n: Node | null = owner; n; n = n.parent) {
    if (COMPOUND.has(n.type)) return n;
    if (n.type === 'module' || n.type === 'function_definition' || n.type === 'class_definition') return null;
  }
  return null;
}

/** The last simple statement of a block, inside compound statements (falling off the end of a function leaves there). */
function lastLine(block: Node): Node {
  let node = block;
  for (let i = 0; i < 64; i++) {
    const children = namedChildren(node).filter((c) => c.type !== 'comment');
    const last = children[children.length - 1];
    if (!last) break;
    node = last;
    if (!COMPOUND.has(node.type) && node.type !== 'block' && !/clause$/.test(node.type)) break;
  }
  return node;
}
