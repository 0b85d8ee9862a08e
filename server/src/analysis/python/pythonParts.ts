// The dynamic parts of a Python name or attribute value, each judged by what the code means:
// Enum members, `Literal[...]` parameters, constants, conditionals over literals, `__name__`,
// HTTP methods and route templates of the web frameworks are bounded; clocks, random values and
// raw request paths are not; parameters are judged at the function's call sites.

import type { Node } from 'web-tree-sitter';
import { textVerdict } from '../cardinality';
import type { NamePart } from '../types';
import { namedChildren } from '../treeNodes';
import { dottedPath } from './pythonExpr';
import type { PythonLocals } from './pythonLocals';
import { CallTargets, argumentFor, summarise, type ReturnedPart } from './pythonReturns';
import type { PythonResolver } from './pythonSites';

/** A part, and the function whose parameter it is (for SpanSite.enclosing). */
export interface FoundPart {
  part: NamePart;
  paramOf?: Node;
}

type Judgement = Omit<NamePart, 'text'> & { paramOf?: Node };

const UNKNOWN: Judgement = { bound: 'unknown' };
const MAX_DEPTH = 8;

/** Request members that hold the matched route or the method, per framework (Flask, Django, Starlette, Pyramid, Falcon, aiohttp). */
const BOUNDED_MEMBERS: [RegExp, string][] = [
  [/(?:^|\.)(?:method|request_method|REQUEST_METHOD)$/, 'an HTTP method'],
  [/(?:^|\.)(?:url_rule(?:\.rule)?|endpoint|blueprint|resolver_match\.(?:route|view_name|url_name)|uri_template|matched_route(?:\.(?:pattern|name))?|route\.(?:path|path_format|name)|path_format|resource\.canonical)$/, 'a route template'],
];

/** Request members that hold the requested path or URL: one value per request. */
const RAW_REQUEST = /^(?:self\.)?(?:request|req|r|http_request|flask\.request|environ|scope|message)\.(?:path|url|full_path|base_url|url\.path|path_info|raw_path|query_string|url\.query|rel_url|path_qs|raw_uri|uri|host_url|remote_addr)$/;

/** Subscript keys of ASGI scopes / WSGI environs, with their verdicts. */
const KEYS: Record<string, Judgement> = {
  route: { bound: 'bounded', reason: 'a route template' },
  method: { bound: 'bounded', reason: 'an HTTP method' },
  REQUEST_METHOD: { bound: 'bounded', reason: 'an HTTP method' },
  type: { bound: 'bounded', reason: 'a scope type' },
  path: { bound: 'unbounded', reason: 'a raw request path' },
  raw_path: { bound: 'unbounded', reason: 'a raw request path' },
  PATH_INFO: { bound: 'unbounded', reason: 'a raw request path' },
  RAW_URI: { bound: 'unbounded', reason: 'a raw request path' },
  REQUEST_URI: { bound: 'unbounded', reason: 'a raw request path' },
  QUERY_STRING: { bound: 'unbounded', reason: 'query text' },
  query_string: { bound: 'unbounded', reason: 'query text' },
};
const KEYED_OBJECTS = /(?:^|\.)(?:scope|environ|request|req|META|wsgi_environ)$/;

/** Calls whose result differs per call, by callee. */
const UNBOUNDED_CALLS: [RegExp, string][] = [
  [/^(?:time\.)?(?:time|time_ns|monotonic|monotonic_ns|perf_counter|perf_counter_ns)$|(?:^|\.)(?:now|utcnow|today|fromtimestamp)$/, 'a clock reading'],
  [/^(?:uuid\.)?uuid[1345]$|^(?:random|secrets)\.\w+$|^os\.urandom$|^(?:shortuuid|nanoid|ulid)\.\w+$|^token_(?:hex|urlsafe)$/, 'a random value'],
  [/^hashlib\.\w+$|(?:^|\.)(?:hexdigest|digest)$/, 'a hash'],
  [/^(?:id|hash)$/, 'an identifier'],
  [/(?:^|\.)(?:get_full_path|build_absolute_uri|get_full_path_info|geturl)$/, 'a raw request path or URL'],
  [/^(?:json\.dumps|repr|pprint\.pformat)$/, 'serialized free text'],
];

/** Conversions and string methods that keep their operand's cardinality. */
const KEEPING_CALLS = /^(?:str|format)$|\.(?:lower|upper|strip|lstrip|rstrip|title|capitalize|casefold|decode|encode)$/;

/** How many calls of project functions deep a part is followed into their return values. */
const MAX_CALL_LEVELS = 3;

export class PartFinder {
  private readonly targets: CallTargets;
  /** Return parts of this file's functions, per function node and tuple index; `null` while being computed (recursion). */
  private readonly summaries = new Map<string, ReturnedPart[] | null | undefined>();
  private callLevel = 0;

  constructor(
    private readonly locals: PythonLocals,
    private readonly resolver: PythonResolver,
    private readonly isConstant: (node: Node) => boolean,
    root: Node,
  ) {
    this.targets = new CallTargets(root, locals, resolver);
  }

  /** The dynamic parts of `node` in source order (empty when it is constant); `dynamic` when the caller already knows it is not. */
  partsOf(node: Node, dynamic = false, depth = 0): FoundPart[] {
    const out: FoundPart[] = [];
    this.split(node, out, false, depth, dynamic);
    return out;
  }

  /**
   * `depth` is the judging depth this split runs at: a string inside a part is split again
   * (judge -> partsOf -> split -> judge), so the depth must carry through or a part that splits
   * into itself recurses without end.
   */
  private split(node: Node, out: FoundPart[], always: boolean, depth: number, dynamic = false): void {
    const add = (n: Node | null | undefined, keep = false) => n && this.split(n, out, keep, depth);
    switch (node.type) {
      case 'string':
        for (const child of namedChildren(node)) {
          if (child.type !== 'interpolation') continue;
          const keep = !!(child.childForFieldName('type_conversion') || child.childForFieldName('format_specifier'));
          add(child.childForFieldName('expression'), keep);
        }
        return;
      case 'concatenated_string':
        for (const child of namedChildren(node)) add(child);
        return;
      case 'parenthesized_expression':
        add(node.namedChildren[0], always);
        return;
      case 'binary_operator': {
        const op = node.childForFieldName('operator')?.text;
        if (op === '+') {
          add(node.childForFieldName('left'));
          add(node.childForFieldName('right'));
          return;
        }
        if (op === '%') {
          add(node.childForFieldName('left'));
          const right = node.childForFieldName('right');
          for (const arg of right?.type === 'tuple' ? namedChildren(right) : right ? [right] : []) add(arg, true);
          return;
        }
        break;
      }
      case 'call': {
        const fn = node.childForFieldName('function');
        const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
        const object = fn?.childForFieldName('object');
        const args = node.childForFieldName('arguments');
        if (method === 'format' && object) {
          add(object);
          for (const arg of args ? namedChildren(args) : []) add(arg.type === 'keyword_argument' ? arg.childForFieldName('value') : arg, true);
          return;
        }
        // `" ".join((server_span_name, scope["type"], "receive"))`: a separator joining listed pieces.
        const listed = method === 'join' && object?.type === 'string' && args?.namedChildCount === 1 ? args.namedChildren[0] : null;
        if (listed && (listed.type === 'tuple' || listed.type === 'list') && !namedChildren(listed).some((e) => e.type === 'list_splat')) {
          add(object);
          for (const element of namedChildren(listed)) add(element);
          return;
        }
        break;
      }
    }
    if (!dynamic && this.isConstant(node)) {
      if (always) out.push({ part: { text: node.text, bound: 'bounded', reason: 'a constant' } });
      return;
    }
    const { paramOf, ...judgement } = this.judge(node, depth);
    out.push({ part: { text: node.text, ...judgement }, paramOf });
  }

  /** What one expression's code says about its cardinality. */
  judge(node: Node, depth: number): Judgement {
    if (depth > MAX_DEPTH) return UNKNOWN;
    if (depth > 0 && this.isConstant(node)) return { bound: 'bounded', reason: 'a constant' };
    switch (node.type) {
      case 'parenthesized_expression':
        return node.namedChildren[0] ? this.judge(node.namedChildren[0], depth + 1) : UNKNOWN;
      case 'conditional_expression':
        return this.judgeAll(namedChildren(node).filter((_, i) => i !== 1), depth, 'a choice between literals');
      case 'identifier':
        return this.judgeName(node, depth);
      case 'attribute':
        return this.judgeMember(node, depth);
      case 'subscript':
        return this.judgeKey(node.childForFieldName('value'), node.childForFieldName('subscript'));
      case 'call':
        return this.judgeCall(node, depth);
      case 'binary_operator': {
        // Arithmetic (`(time.perf_counter() - start) * 1000`, `i - 1`): as bounded as its operands; `+` and `%` may build strings.
        const op = node.childForFieldName('operator')?.text;
        if (op !== '+' && op !== '%') return this.judgeAll([node.childForFieldName('left'), node.childForFieldName('right')].filter((n) => n !== null), depth, 'computed from bounded values');
        return this.judgeBuilt(node, depth);
      }
      case 'string': case 'concatenated_string':
        return this.judgeBuilt(node, depth);
      default:
        return UNKNOWN;
    }
  }

  /** A built string inside a part: bounded when all of its parts are. */
  private judgeBuilt(node: Node, depth: number): Judgement {
    const inner = this.partsOf(node, false, depth + 1);
    return inner.length ? this.combine(inner.map((p) => ({ ...p.part, paramOf: p.paramOf })), 'built from bounded parts') : { bound: 'bounded', reason: 'a constant' };
  }

  /** The verdict over alternatives or pieces: unbounded if one is, bounded if all are, else unknown. */
  private judgeAll(nodes: Node[], depth: number, reason: string): Judgement {
    return this.combine(nodes.map((n) => this.judge(n, depth + 1)), reason);
  }

  private combine(judgements: Judgement[], reason: string): Judgement {
    const unbounded = judgements.find((j) => j.bound === 'unbounded');
    if (unbounded) return unbounded;
    if (judgements.every((j) => j.bound === 'bounded')) return { bound: 'bounded', reason };
    return judgements.length === 1 ? judgements[0] : UNKNOWN;
  }

  private judgeName(node: Node, depth: number): Judgement {
    const local = this.locals.lookup(node, node.text);
    if (local?.kind === 'value') return this.judge(local.value, depth + 1);
    if (local?.kind === 'element') return local.value.type === 'call' ? (this.judgeReturned(local.value, local.index, depth) ?? UNKNOWN) : UNKNOWN;
    if (local?.kind === 'param') {
      const annotation = local.param.annotation;
      const type = annotation?.text;
      const param = { index: local.param.index, name: local.param.name };
      const typed = annotation ? this.judgeType(annotation) : undefined;
      if (typed) return { ...typed, type };
      return type ? { bound: 'unknown', param, type, paramOf: local.scope } : { bound: 'unknown', param, paramOf: local.scope };
    }
    if (local) return this.judgeRebound(node, depth);
    if (/^[A-Z][A-Z0-9_]*$/.test(node.text)) return { bound: 'bounded', reason: 'a constant' };
    return UNKNOWN;
  }

  /** `Literal["GET", "POST"]`, an Enum class, `bool`. */
  private judgeType(annotation: Node): Judgement | undefined {
    const text = annotation.text.replace(/^["']|["']$/g, '');
    if (/^(?:typing\.|t\.)?Literal\[/.test(text)) return { bound: 'bounded', reason: 'a literal union' };
    if (text === 'bool') return { bound: 'bounded', reason: 'a boolean' };
    const path = text.split('.');
    if (path.every((s) => /^[A-Za-z_]\w*$/.test(s)) && this.resolver.isEnum(path)) return { bound: 'bounded', reason: 'an enum member' };
    return undefined;
  }

  /**
   * A local assigned in several places (if/elif chains, `match` cases, `for x in (...)`) or grown
   * by `+=` (`name += f"[{ti.map_index}]"`): bounded when every value is, unbounded when a piece
   * of one is (by the code, else by its words, as for a part of the name itself).
   */
  private judgeRebound(node: Node, depth: number): Judgement {
    const binders = this.locals.bindersOf(node, node.text) ?? [];
    const values: Node[] = [];
    for (const binder of binders) {
      const right = binder.childForFieldName('right');
      if (binder.type === 'for_statement' && right && (right.type === 'list' || right.type === 'tuple' || right.type === 'set')) values.push(...namedChildren(right));
      else if (binder.type === 'assignment' && right) values.push(right);
      else if (binder.type === 'augmented_assignment' && right && binder.childForFieldName('operator')?.text === '+=') values.push(right);
      else return UNKNOWN;
    }
    if (values.length === 0 || values.length > 64) return UNKNOWN;
    const judged = this.combine(values.map((v) => this.judge(v, depth + 1)), 'assigned only bounded values');
    if (judged.bound !== 'unknown') return judged;
    for (const value of values) {
      for (const { part, paramOf } of this.partsOf(value, false, depth + 1)) {
        if (part.bound !== 'unknown' || paramOf) continue;
        const verdict = textVerdict(part.text);
        if (verdict.bound === 'unbounded') return { bound: 'unbounded', reason: verdict.reason };
      }
    }
    return UNKNOWN;
  }

  private judgeMember(node: Node, depth: number): Judgement {
    const object = node.childForFieldName('object');
    const attribute = node.childForFieldName('attribute')?.text ?? '';
    if (attribute === '__name__' || attribute === '__qualname__') return { bound: 'bounded', reason: 'a function or class name' };
    const path = dottedPath(node);
    const text = path ? path.join('.') : node.text.replace(/\s+/g, '');
    if (path && RAW_REQUEST.test(text)) return { bound: 'unbounded', reason: 'a raw request path or URL' };
    if (object?.type === 'call') {
      // `uuid.uuid4().hex`, `datetime.now().year`: a member of a fresh value is as fresh.
      const made = this.judgeCall(object, depth);
      if (made.bound === 'unbounded') return made;
    }
    if (object?.type === 'subscript' || object?.type === 'call') {
      // `request.scope["route"].path`, `scope.get("route").path`: the route's own members are templates.
      const keyed = object.type === 'subscript' ? this.judgeKey(object.childForFieldName('value'), object.childForFieldName('subscript')) : this.judgeCall(object, depth);
      if (keyed.reason === 'a route template' && /^(?:path|path_format|name)$/.test(attribute)) return keyed;
    }
    for (const [re, reason] of BOUNDED_MEMBERS) if (re.test(text)) return { bound: 'bounded', reason };
    if (path && this.resolver.isEnum(path.slice(0, -1))) return { bound: 'bounded', reason: 'an enum member' };
    if ((attribute === 'name' || attribute === 'value') && object) {
      // `Color.RED.value`, `op.name` for a parameter annotated with an Enum.
      if (path && path.length >= 3 && this.resolver.isEnum(path.slice(0, -2))) return { bound: 'bounded', reason: 'an enum member' };
      const inner = this.judge(object, depth + 1);
      if (inner.bound === 'bounded' && inner.reason === 'an enum member') return inner;
    }
    if (/^[A-Z][A-Z0-9_]*$/.test(attribute) && path) return { bound: 'bounded', reason: 'a constant' };
    return UNKNOWN;
  }

  private judgeKey(object: Node | null, key: Node | null): Judgement {
    if (!object || !key || key.type !== 'string' || !KEYED_OBJECTS.test(object.text.replace(/\s+/g, ''))) return UNKNOWN;
    const name = key.text.replace(/^[a-z]*["']|["']$/gi, '');
    return KEYS[name] ?? UNKNOWN;
  }

  private judgeCall(node: Node, depth: number): Judgement {
    const fn = node.childForFieldName('function');
    const args = node.childForFieldName('arguments');
    const first = args ? namedChildren(args).find((a) => a.type !== 'keyword_argument') : undefined;
    const path = fn ? dottedPath(fn) : null;
    const callee = path?.join('.') ?? '';
    for (const [re, reason] of UNBOUNDED_CALLS) if (re.test(callee)) return { bound: 'unbounded', reason };
    if (fn?.type === 'attribute') {
      const object = fn.childForFieldName('object');
      const method = fn.childForFieldName('attribute')?.text ?? '';
      // `dict.get("route")`, `datetime.now().isoformat()`, `uuid4().hex`, `name.lower()`.
      if (method === 'get' && object) return this.judgeKey(object, first ?? null);
      if (object && (KEEPING_CALLS.test(`.${method}`) || /^(?:isoformat|strftime|hex)$/.test(method))) return this.judge(object, depth + 1);
    }
    if (callee === 'type' && first) return { bound: 'bounded', reason: 'a class' };
    if (callee === 'getattr' && args && /["']__(?:qual)?name__["']/.test(args.text)) return { bound: 'bounded', reason: 'a function or class name' };
    if (first && KEEPING_CALLS.test(callee)) return this.judge(first, depth + 1);
    // `typing.cast(str, x)` is `x`.
    const cast = /^(?:typing\.|t\.)?cast$/.test(callee) && args ? namedChildren(args).filter((a) => a.type !== 'keyword_argument')[1] : undefined;
    if (cast) return this.judge(cast, depth + 1);
    return this.judgeReturned(node, undefined, depth) ?? UNKNOWN;
  }

  /**
   * A call of the project's own function: as bounded as what it returns (element `index` of a
   * tuple), a returned parameter judged from the call's argument. Unbounded when some return
   * path is, bounded when all are; undefined when the function is not known.
   */
  private judgeReturned(call: Node, index: number | undefined, depth: number): Judgement | undefined {
    if (this.callLevel >= MAX_CALL_LEVELS) return undefined;
    const callees = this.targets.calleesOf(call, index);
    if (callees.length === 0) return undefined;
    const judgements: Judgement[] = [];
    this.callLevel++;
    try {
      for (const callee of callees) {
        const summary = 'fn' in callee ? this.summaryOf(callee.fn, index) : callee.summary;
        if (!summary) return UNKNOWN;
        for (const part of summary) {
          if (!part.param) {
            // The innermost function that returned the part names it: `returned by` is said once.
            const reason = part.reason && !part.reason.includes(', returned by ') ? `${part.reason}, returned by ${callee.name}()` : part.reason;
            judgements.push({ bound: part.bound, ...(reason ? { reason } : {}) });
            continue;
          }
          const arg = argumentFor(call, part.param);
          const judged = arg ? this.judge(arg, depth + 1) : UNKNOWN;
          judgements.push(judged.bound === 'unknown' && arg ? textVerdict(arg.text) : judged);
        }
      }
    } finally {
      this.callLevel--;
    }
    return judgements.length ? this.combine(judgements, 'returned by a function of bounded values') : { bound: 'bounded', reason: 'a function returning constants' };
  }

  /** The return parts of `fn`, a function of this file (computed once; a function reached again while it is computed is unknown). */
  private summaryOf(fn: Node, index: number | undefined): ReturnedPart[] | undefined {
    const key = `${fn.id}/${index ?? ''}`;
    if (this.summaries.has(key)) return this.summaries.get(key) ?? undefined;
    this.summaries.set(key, null);
    const summary = summarise(fn, index, this);
    this.summaries.set(key, summary);
    return summary;
  }

  /** The return parts of `fn`, a function of this file, for a call of it from another file. */
  returnsOfFunction(fn: Node, index: number | undefined): ReturnedPart[] | undefined {
    return this.summaryOf(fn, index);
  }
}
