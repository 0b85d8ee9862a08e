// The dynamic parts of a Go name and what the code says of each: bounded (HTTP method, route
// pattern, gRPC full method, typed constants of an enum type, a type or function name, a local
// assigned only constants), unbounded (raw request path or URL, clock, random value), or unknown
// (then the rules read the part's words). A part that is a parameter of the enclosing function
// is marked so the function's callers can be judged instead (pass-through helpers).

import type { Node } from 'web-tree-sitter';
import type { Bound, NamePart } from '../types';
import type { StaticValue } from '../staticValues';
import { namedChildren } from '../treeNodes';
import type { GoLocals } from './goLocals';
import type { GoResolver } from './goResolver';
import { isPredeclaredType } from './goTypes';
import { textVerdict } from '../cardinality';

export interface GoPartsResult {
  parts: NamePart[];
  /** The function declaration whose parameters appear among the parts (its callers decide). */
  owner?: Node;
}

interface Verdict {
  bound: Bound;
  reason: string;
}

/** Expressions whose meaning Go code makes plain, tried on the whole (whitespace-free) text of a part. */
const VERDICTS: [RegExp, Verdict][] = [
  [/\.URL\.(?:Path|RawPath|RawQuery|String\(\)|EscapedPath\(\)|RequestURI\(\)|Redacted\(\))$|\.RequestURI(?:\(\))?$|^(?:r|req|request|\w+\.Request)\.URL$/, { bound: 'unbounded', reason: 'a raw request path or URL' }],
  [/^time\.(?:Now|Since|Until|Unix\w*)\(/, { bound: 'unbounded', reason: 'a clock reading' }],
  [/^(?:uuid|xid|ulid|ksuid|shortid|rand|cryptorand)\.\w+\(/, { bound: 'unbounded', reason: 'a random value' }],
  [/\.FullMethod$|^grpc\.Method\(/, { bound: 'bounded', reason: 'a gRPC full method (service/method)' }],
  [/(?:^|\.)Method(?:\(\))?$/, { bound: 'bounded', reason: 'an HTTP method' }],
  [/\.Pattern$|\.(?:FullPath|GetPathTemplate|RoutePattern|GetName)\(\)$|\.Route\(\)\.Path$/, { bound: 'bounded', reason: 'a route template' }],
  [/^reflect\.(?:TypeOf|ValueOf)\(.*\)(?:\.(?:Elem|Type)\(\))*\.(?:Name|String)\(\)$/s, { bound: 'bounded', reason: 'a type name' }],
  [/^runtime\.FuncForPC\(.*\)\.Name\(\)$/s, { bound: 'bounded', reason: 'a function name' }],
];

/** Calls that keep their argument's cardinality: `string(op)`, `strings.ToLower(method)`, `strconv.Itoa(n)`. */
const TRANSPARENT = new Set([
  'string', 'strings.ToLower', 'strings.ToUpper', 'strings.TrimSpace', 'strings.Title', 'strconv.Itoa', 'strconv.FormatInt',
  'strconv.Quote', 'fmt.Sprint', 'attribute.Key',
]);
const FORMAT_VERB = /%[-+# 0-9.*[\]]*([a-zA-Z%])/g;
const MAX_DEPTH = 8;

export class GoParts {
  private readonly cache = new Map<number, GoPartsResult>();

  constructor(
    private readonly valueOf: (node: Node) => StaticValue,
    private readonly locals: GoLocals,
    private readonly resolver: GoResolver,
  ) {}

  /** The parts of a value that is not constant, in order. */
  of(node: Node): GoPartsResult {
    let result = this.cache.get(node.id);
    if (!result) {
      const found: { owner?: Node } = {};
      result = { parts: this.split(node, 0, found) };
      if (found.owner) result.owner = found.owner;
      this.cache.set(node.id, result);
    }
    return result;
  }

  private split(node: Node, depth: number, found: { owner?: Node }): NamePart[] {
    if (depth > MAX_DEPTH) return [{ text: node.text, bound: 'unknown' }];
    const sub = (n: Node | null | undefined): NamePart[] => (!n || this.valueOf(n).constant ? [] : this.split(n, depth + 1, found));
    switch (node.type) {
      case 'parenthesized_expression':
        return sub(node.namedChildren[0]);
      case 'binary_expression':
        if (node.childForFieldName('operator')?.text !== '+') break;
        return [...sub(node.childForFieldName('left')), ...sub(node.childForFieldName('right'))];
      case 'call_expression':
        return this.call(node, depth, found) ?? [this.leaf(node)];
      case 'identifier':
        return this.identifier(node, depth, found);
    }
    return [this.leaf(node)];
  }

  /** Formatting and conversions, split into their own parts; undefined for other calls. */
  private call(node: Node, depth: number, found: { owner?: Node }): NamePart[] | undefined {
    const fn = node.childForFieldName('function')?.text ?? '';
    const args = namedChildren(node.childForFieldName('arguments') ?? node).filter((a) => a.type !== 'comment');
    const known = verdictOf(node.text);
    if (known) return [{ text: node.text, ...known }];
    if (fn === 'fmt.Sprintf' && args.length > 0) return this.sprintf(args, depth, found);
    if (TRANSPARENT.has(fn) && args.length >= 1) return this.valueOf(args[0]).constant ? [] : this.split(args[0], depth + 1, found);
    if (fn === 'strings.Join' && args[0]?.type === 'composite_literal') {
      const elements = namedChildren(args[0].childForFieldName('body') ?? args[0]).map((e) => e.namedChildren[0]).filter((e): e is Node => !!e);
      return elements.flatMap((e) => (this.valueOf(e).constant ? [] : this.split(e, depth + 1, found)));
    }
    // `op.String()` of an enum, `method.String()`: the receiver's parts.
    const operand = node.childForFieldName('function')?.childForFieldName('operand');
    if (fn.endsWith('.String') && args.length === 0 && operand) return this.split(operand, depth + 1, found);
    return undefined;
  }

  /** `fmt.Sprintf("%s %s", method, route)`: one part per argument (constants bounded), `%T` a type name. */
  private sprintf(args: Node[], depth: number, found: { owner?: Node }): NamePart[] {
    const template = this.valueOf(args[0]);
    const parts: NamePart[] = template.constant ? [] : this.split(args[0], depth + 1, found);
    const verbs = template.constant ? [...String(template.value).matchAll(FORMAT_VERB)].map((m) => m[1]).filter((v) => v !== '%') : [];
    args.slice(1).forEach((arg, i) => {
      if (this.valueOf(arg).constant) parts.push({ text: arg.text, bound: 'bounded', reason: 'a constant' });
      else if (verbs[i] === 'T') parts.push({ text: arg.text, bound: 'bounded', reason: 'a type name' });
      else parts.push(...this.split(arg, depth + 1, found));
    });
    return parts;
  }

  private identifier(node: Node, depth: number, found: { owner?: Node }): NamePart[] {
    const binding = this.locals.lookup(node, node.text);
    if (!binding) return [this.leaf(node)];
    if (binding.kind === 'value') return this.split(binding.value, depth + 1, found);
    const part: NamePart = { text: node.text, bound: 'unknown' };
    if (binding.typeText) part.type = binding.typeText;
    // Only a named type can be an enum; the package lookup is skipped for `string` and friends.
    if (binding.typeText && !isPredeclaredType(binding.typeText) && this.resolver.isEnumType(binding.typeText.replace(/^\*/, ''))) {
      return [{ ...part, bound: 'bounded', reason: `a constant of type ${binding.typeText}` }];
    }
    const owner = binding.param?.owner;
    if (binding.param && owner && owner.type !== 'func_literal') {
      part.param = { index: binding.param.index, name: binding.param.name };
      found.owner = owner;
      return [part];
    }
    if (binding.values) return [{ ...part, ...this.valuesVerdict(binding.values, depth, binding.grown ?? false) }];
    const source = binding.source ? verdictOf(binding.source.text) : undefined;
    return [source ? { ...part, ...source } : part];
  }

  /**
   * A local assigned on several paths: bounded when every value is (`switch` over literals), unless
   * it grows by `+=`; unbounded when a piece of a value is, by the code or else by its words (a
   * parameter's name counts, as it does for a part of the name itself).
   */
  private valuesVerdict(values: Node[], depth: number, grown: boolean): { bound: Bound; reason?: string } {
    let allBounded = !grown;
    for (const value of values) {
      if (this.valueOf(value).constant) continue;
      // Parameters among the values are not this part's: their owner is not recorded.
      for (const p of this.split(value, depth + 1, {})) {
        const verdict = p.bound === 'unknown' ? textVerdict(p.text, p.type) : p;
        if (verdict.bound === 'unbounded') return { bound: 'unbounded', reason: verdict.reason };
        if (p.bound !== 'bounded') allBounded = false;
      }
    }
    return allBounded ? { bound: 'bounded', reason: 'assigned only bounded values' } : { bound: 'unknown' };
  }

  private leaf(node: Node): NamePart {
    const verdict = verdictOf(node.text);
    return verdict ? { text: node.text, ...verdict } : { text: node.text, bound: 'unknown' };
  }
}

function verdictOf(text: string): Verdict | undefined {
  const compact = text.replace(/\s+/g, '');
  return VERDICTS.find(([re]) => re.test(compact))?.[1];
}
