// What the code's meaning tells about each dynamic part of a name: bounded (enum members,
// literal unions, constants also imported, conditionals and switches over literals, function
// and class names, HTTP methods, route templates), unbounded (clocks, random values, raw request
// paths and URLs) or unknown (cardinality.ts then reads the part's words). A part that is (after
// following local assignments) a parameter of a function callers can name gets `param`, so the
// value is judged where that function is called.

import { ts } from './tsApi';
import { textVerdict } from '../cardinality';
import type { Bound, NamePart } from '../types';
import type { ConstantEvaluator } from './constants';
import { callableOf, paramRef } from './callables';
import { findBinding, propertyNameText, type Binding } from './modules';
import { compiledFieldName, compiledPrivateRead } from './privateFields';
import { calleeName, memberAccess, occurrences, innermostNodeAt, unwrap } from './syntax';
import { boundedType } from './typeShapes';

const MAX_DEPTH = 6;
const MAX_TEXT = 200;

interface Verdict {
  bound: Bound;
  reason?: string;
  param?: NamePart['param'];
  type?: string;
  /** The sub-expression that decided an unbounded verdict, when it is not the whole part (shown in messages). */
  via?: string;
}

const UNKNOWN: Verdict = { bound: 'unknown' };
const bounded = (reason: string): Verdict => ({ bound: 'bounded', reason });
const unbounded = (reason: string): Verdict => ({ bound: 'unbounded', reason });

/** Calls whose result differs on (nearly) every call. */
const CLOCK_CALLS = /^(?:Date\.now|performance\.now|process\.hrtime(?:\.bigint)?|process\.uptime|hrtime)$/;
const RANDOM_CALLS = /^(?:Math\.random|(?:crypto\.)?randomUUID|(?:crypto\.)?randomBytes|(?:crypto\.)?randomInt|uuid(?:v[1-7])?|v[1-7]|uuid\.v[1-7]|nanoid|ulid|cuid2?|createId|shortid(?:\.generate)?|generateId)$/;
/** Conversions that keep a value's cardinality. */
const KEEPS_VALUE = new Set(['toString', 'toLowerCase', 'toUpperCase', 'trim', 'toLocaleLowerCase', 'toLocaleUpperCase', 'normalize']);
/** Objects that are an HTTP request (or its URL) in Node frameworks: Express, Koa, Fastify, Next, undici, fetch. */
const REQUEST_OBJECT = /^(?:req|request|ctx|context|c|incomingMessage|msg|message|event|url|parsedUrl|u|location|options|opts|target)$/i;
/** Their members holding the raw path or URL: one value per distinct request. */
const RAW_PATH = new Set(['url', 'path', 'originalUrl', 'pathname', 'href', 'search', 'uri', 'querystring', 'rawUrl']);
/** Members holding a framework's route template: Express `req.route.path`, Fastify `routeOptions.url` / `routerPath`, Koa router `_matchedRoute`. */
const ROUTE_MEMBERS = /(?:^|\.)(?:route\.path|routeOptions\.url|routerPath|_matchedRoute|matchedRoute|routePath|routeTemplate|pattern)$/;
/** Parameter names that conventionally hold a function or class (`fn.name` is then its declared name). */
const FUNCTION_LIKE = /^(?:fn|func|function|callback|cb|handler|original|target|method|listener|ctor|klass|cls|constructor|clazz|type|[A-Z]\w*)$/;

export class PartDescriber {
  private depth = 0;

  constructor(private readonly evaluator: ConstantEvaluator) {}

  /** One NamePart per dynamic sub-expression, in order. */
  parts(dynamic: readonly ts.Expression[]): NamePart[] {
    return dynamic.map((d) => this.part(d));
  }

  part(expr: ts.Expression): NamePart {
    const v = this.verdict(expr);
    const part: NamePart = { text: v.bound === 'unbounded' && v.via ? v.via : clip(expr.getText()), bound: v.bound };
    if (v.reason) part.reason = v.reason;
    if (v.param && v.bound === 'unknown') part.param = v.param;
    if (v.type) part.type = v.type;
    return part;
  }

  private verdict(expr: ts.Expression): Verdict {
    if (this.depth > MAX_DEPTH) return UNKNOWN;
    this.depth++;
    try {
      return this.inner(unwrap(expr));
    } finally {
      this.depth--;
    }
  }

  /**
   * A sub-expression whose verdict is combined with others (a branch of `??` or a ternary, a
   * nested template's part, a local variable's initializer): once combined, only its verdict is
   * left, so its own words are read here (as cardinality.ts reads a whole part's), else
   * `id ?? \`x.\${this.sessionId}\`` would pass as unknown.
   */
  private judged(expr: ts.Expression): Verdict {
    const v = this.verdict(expr);
    const text = clip(unwrap(expr).getText());
    if (v.bound === 'unbounded') return v.via ? v : { ...v, via: text };
    if (v.bound !== 'unknown') return v;
    const t = textVerdict(text, v.type);
    if (t.bound === 'unknown') return v;
    return { bound: t.bound, reason: t.reason, type: v.type, via: text };
  }

  private inner(e: ts.Expression): Verdict {
    const v = this.evaluator.evaluate(e);
    if (v.constant) return bounded('a constant');
    // The evaluator hands over a constant's initializer (also from another module) as the part.
    if (initializesModuleConstant(e)) return bounded('a module-level constant');
    if (ts.isTemplateExpression(e) || (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken)) {
      return combine(v.dynamic.map((d) => this.judged(d)));
    }
    if (ts.isConditionalExpression(e)) return combine([this.judged(e.whenTrue), this.judged(e.whenFalse)], 'a conditional over literals');
    if (ts.isBinaryExpression(e) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(e.operatorToken.kind)) {
      return combine([this.judged(e.left), this.judged(e.right)]);
    }
    if (ts.isCallExpression(e)) return this.call(e);
    if (ts.isNewExpression(e)) return ts.isIdentifier(e.expression) && e.expression.text === 'Date' ? unbounded('a clock reading') : UNKNOWN;
    if (ts.isIdentifier(e)) return this.identifier(e);
    if (ts.isElementAccessExpression(e)) return this.tableLookup(e);
    const member = memberAccess(e);
    if (member) return this.member(member[0], member[1], e.getText());
    return UNKNOWN;
  }

  private call(e: ts.CallExpression): Verdict {
    const callee = unwrap(e.expression);
    const text = callee.getText().replace(/\s+/g, '').replace(/\?\./g, '.');
    if (CLOCK_CALLS.test(text)) return unbounded('a clock reading');
    if (RANDOM_CALLS.test(text)) return unbounded('a random value');
    if (/^(?:JSON\.stringify|util\.inspect)$/.test(text)) return unbounded('serialized free text');
    // A down-levelled `this.#sessionId` (`__classPrivateFieldGet(this, _Session_sessionId, "f")`).
    const storage = compiledPrivateRead(e);
    if (storage) return privateVerdict(compiledFieldName(storage, e), UNKNOWN);
    const name = calleeName(e);
    // `String(x)`, `x.toString()`, `x.toLowerCase()`: as many values as x.
    if (name === 'String' && ts.isIdentifier(callee) && e.arguments[0]) return this.verdict(e.arguments[0]);
    const member = memberAccess(callee);
    if (member && name && KEEPS_VALUE.has(name)) return this.verdict(member[0]);
    if (member && name === 'toISOString') return unbounded('a clock reading');
    return UNKNOWN;
  }

  /** `a.b`: a class or function name, an HTTP method, a route template, a raw path, an enum or imported constant. */
  private member(obj: ts.Expression, name: string, text: string): Verdict {
    const o = unwrap(obj);
    const chain = text.replace(/\s+/g, '').replace(/\?\./g, '.');
    if (name === 'name' && this.namesDeclaration(o)) return bounded('a class or function name');
    if (ROUTE_MEMBERS.test(chain)) return bounded('a route template');
    if (name === 'method' || name === 'httpMethod') return bounded('an HTTP method');
    const objName = ts.isIdentifier(o) ? o.text : memberAccess(o)?.[1];
    if (RAW_PATH.has(name) && ((objName && REQUEST_OBJECT.test(objName)) || isUrlConstruction(o))) return unbounded('a raw request path or URL');
    if (ts.isIdentifier(o)) {
      const b = findBinding(o.text, o);
      if (b?.kind === 'enum') return bounded('an enum member');
      if (b?.kind === 'import' && !b.specifier.startsWith('.') && /^[A-Z][A-Z0-9_]*$/.test(name)) return bounded('an imported constant');
    }
    const declared = this.declaredMember(o, name);
    // `this.#sessionId`: the words of the name without its `#` (the text heuristics read identifiers only).
    return declared.bound === 'unknown' && name.startsWith('#') ? privateVerdict(name.slice(1), declared) : declared;
  }

  /** `this.x`: the declared type of the class property, when visible. */
  private declaredMember(obj: ts.Expression, name: string): Verdict {
    if (obj.kind !== ts.SyntaxKind.ThisKeyword) return UNKNOWN;
    for (let n = obj.parent; n; n = n.parent) {
      if (!ts.isClassLike(n)) continue;
      for (const m of n.members) {
        if (ts.isPropertyDeclaration(m) && propertyNameText(m.name) === name) return this.typed(m.type, UNKNOWN);
        if (ts.isConstructorDeclaration(m)) {
          const p = m.parameters.find((q) => ts.isIdentifier(q.name) && q.name.text === name && ts.getModifiers(q)?.length);
          if (p) return this.typed(p.type, UNKNOWN);
        }
      }
      return UNKNOWN;
    }
    return UNKNOWN;
  }

  /** `this.constructor`, `x.constructor`, a class, a function, or a parameter holding one. */
  private namesDeclaration(o: ts.Expression): boolean {
    if (memberAccess(o)?.[1] === 'constructor') return true;
    if (!ts.isIdentifier(o)) return false;
    const b = findBinding(o.text, o);
    if (b?.kind === 'class') return true;
    if (b?.kind === 'other' && (ts.isFunctionDeclaration(b.decl) || ts.isClassDeclaration(b.decl))) return true;
    if (b?.kind === 'other' && ts.isParameter(b.decl)) {
      const t = b.decl.type;
      if (t && (ts.isFunctionTypeNode(t) || ts.isConstructorTypeNode(t) || /^(?:Function|Constructor|Type|Class|new\b)/.test(t.getText()))) return true;
      return FUNCTION_LIKE.test(o.text);
    }
    return b?.kind === 'import' && /^[A-Z]/.test(o.text);
  }

  /** `NAMES[op]` over a constant object literal whose every value is a literal. */
  private tableLookup(e: ts.ElementAccessExpression): Verdict {
    const o = unwrap(e.expression);
    if (!ts.isIdentifier(o)) return UNKNOWN;
    const b = findBinding(o.text, o);
    if (b?.kind === 'enum') return bounded('an enum member');
    if (b?.kind !== 'variable' || !b.isConst || !b.decl.initializer) return UNKNOWN;
    let init = unwrap(b.decl.initializer);
    if (ts.isCallExpression(init) && init.arguments[0]) init = unwrap(init.arguments[0]); // Object.freeze({...})
    const values = ts.isObjectLiteralExpression(init)
      ? init.properties.map((p) => (ts.isPropertyAssignment(p) ? p.initializer : undefined))
      : ts.isArrayLiteralExpression(init) ? [...init.elements] : [];
    if (values.length === 0 || values.some((v) => !v || !this.evaluator.evaluate(v).constant)) return UNKNOWN;
    return bounded('a value from a constant table');
  }

  private identifier(id: ts.Identifier): Verdict {
    const b = findBinding(id.text, id);
    if (!b) return UNKNOWN;
    switch (b.kind) {
      case 'variable':
        return this.variable(b.decl, b.isConst, id);
      case 'enum':
      case 'class':
        return bounded(b.kind === 'enum' ? 'an enum member' : 'a class name');
      case 'import':
        return this.imported(b);
      case 'other':
        return this.other(b.decl, id);
      default:
        return UNKNOWN;
    }
  }

  /** An identifier exported by a workspace module that is a module-level const (one value per process). */
  private imported(b: Extract<Binding, { kind: 'import' }>): Verdict {
    if (b.name === '*' || !b.specifier.startsWith('.')) return UNKNOWN;
    const file = this.evaluator.moduleOf(b.fromFile, b.specifier);
    const exported = file ? this.evaluator.exportOf(file, b.name) : undefined;
    if (exported?.kind === 'variable' && exported.isConst) return bounded('an imported constant');
    if (exported?.kind === 'enum' || exported?.kind === 'class') return bounded('an imported constant');
    return UNKNOWN;
  }

  private variable(decl: ts.VariableDeclaration, isConst: boolean, id: ts.Identifier): Verdict {
    const typed = this.typed(decl.type, UNKNOWN);
    if (typed.bound === 'bounded') return typed;
    // A module-level const holds one value for the life of the process.
    if (isConst && ts.isVariableStatement(decl.parent.parent) && ts.isSourceFile(decl.parent.parent.parent)) return bounded('a module-level constant');
    if (isConst) return decl.initializer ? withType(this.judged(decl.initializer), typed.type) : typed;
    return withType(this.assignments(decl, id), typed.type);
  }

  /** `let op; switch (x) { case 1: op = 'get'; ... }`: every value written to (or appended to) the variable. */
  private assignments(decl: ts.VariableDeclaration, id: ts.Identifier): Verdict {
    const scope = decl.parent.parent.parent;
    if (!scope) return UNKNOWN;
    const written: ts.Expression[] = decl.initializer ? [decl.initializer] : [];
    const sf = id.getSourceFile();
    for (const at of occurrences(sf.text, id.text, scope.pos, scope.end)) {
      const n = innermostNodeAt(scope, at);
      if (!ts.isIdentifier(n) || n.text !== id.text || n === decl.name) continue;
      const p = n.parent;
      if (ts.isBinaryExpression(p) && p.left === n && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) written.push(p.right);
      // `name += \`[\${mapIndex}]\``: the name grows by that piece.
      else if (ts.isBinaryExpression(p) && p.left === n && p.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken) written.push(p.right);
      else if (ts.isBinaryExpression(p) && p.left === n && p.operatorToken.kind >= ts.SyntaxKind.FirstCompoundAssignment && p.operatorToken.kind <= ts.SyntaxKind.LastCompoundAssignment) return UNKNOWN;
      else if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) && p.operand === n) return UNKNOWN;
    }
    if (written.length === 0) return UNKNOWN;
    return combine(written.map((w) => this.judged(w)), 'one of a few literals');
  }

  /** Parameters, destructured names, loop variables. */
  private other(decl: ts.Node, id: ts.Identifier): Verdict {
    if (ts.isParameter(decl)) return this.parameter(decl);
    if (ts.isVariableDeclaration(decl)) {
      const vd = decl;
      if (ts.isForOfStatement(vd.parent?.parent) && ts.isIdentifier(vd.name)) return this.loopItems(vd.parent.parent.expression);
      // `const { method, url } = req`: judged like `req.method`, `req.url`.
      if (vd.initializer && ts.isObjectBindingPattern(vd.name)) {
        const el = vd.name.elements.find((x) => ts.isIdentifier(x.name) && x.name.text === id.text);
        const prop = el?.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : id.text;
        if (el) return this.member(vd.initializer, prop, `${vd.initializer.getText()}.${prop}`);
      }
    }
    return UNKNOWN;
  }

  private loopItems(items: ts.Expression): Verdict {
    const e = unwrap(items);
    const arr = ts.isArrayLiteralExpression(e) ? e : ts.isIdentifier(e) ? constArray(e) : undefined;
    if (arr && arr.elements.length > 0 && arr.elements.every((x) => this.evaluator.evaluate(x).constant)) return bounded('one of a few literals');
    return UNKNOWN;
  }

  private parameter(p: ts.ParameterDeclaration): Verdict {
    const typed = this.typed(p.type, UNKNOWN);
    if (typed.bound === 'bounded') return typed;
    // `spanName = \`open(\${this.sessionId})\``: every call that omits the argument uses the default.
    const fallback = p.initializer ? this.judged(p.initializer) : undefined;
    if (fallback?.bound === 'unbounded') return fallback;
    const ref = paramRef(p);
    if (ref && callableOf(p.parent)) return { ...typed, param: ref };
    return typed;
  }

  /** A declared type that admits few values makes the part bounded; any type text is kept. */
  private typed(type: ts.TypeNode | undefined, otherwise: Verdict): Verdict {
    if (!type) return otherwise;
    const text = clip(type.getText());
    const reason = boundedType(type, this.evaluator);
    return reason ? { bound: 'bounded', reason, type: text } : { ...otherwise, type: text };
  }
}

/**
 * Any unbounded part makes the whole unbounded; only all-bounded parts make it bounded. With a
 * single undecided part among bounded ones the whole has that part's cardinality (`name ?? 'x'`
 * is judged like `name`, a parameter still judged at the call sites).
 */
function combine(verdicts: Verdict[], reason?: string): Verdict {
  const worst = verdicts.find((v) => v.bound === 'unbounded');
  if (worst) return worst;
  if (verdicts.length > 0 && verdicts.every((v) => v.bound === 'bounded')) return bounded(reason ?? verdicts[0].reason ?? 'bounded');
  const open = verdicts.filter((v) => v.bound !== 'bounded');
  return open.length === 1 ? open[0] : UNKNOWN;
}

/** A private field judged by its declared name's words. */
function privateVerdict(field: string, otherwise: Verdict): Verdict {
  const t = textVerdict(field);
  return t.bound === 'unknown' ? otherwise : { ...otherwise, bound: t.bound, reason: t.reason };
}

function withType(v: Verdict, type: string | undefined): Verdict {
  return type && !v.type ? { ...v, type } : v;
}

function initializesModuleConstant(e: ts.Node): boolean {
  let n = e;
  while (ts.isParenthesizedExpression(n.parent) || ts.isAsExpression(n.parent) || ts.isSatisfiesExpression(n.parent) || ts.isNonNullExpression(n.parent)) n = n.parent;
  const decl = n.parent;
  if (!decl || !ts.isVariableDeclaration(decl) || decl.initializer !== n) return false;
  const list = decl.parent;
  return ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0 && ts.isVariableStatement(list.parent) && ts.isSourceFile(list.parent.parent);
}

function isUrlConstruction(e: ts.Expression): boolean {
  return ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'URL';
}

function constArray(id: ts.Identifier): ts.ArrayLiteralExpression | undefined {
  const b = findBinding(id.text, id);
  if (b?.kind !== 'variable' || !b.isConst || !b.decl.initializer) return undefined;
  const init = unwrap(b.decl.initializer);
  return ts.isArrayLiteralExpression(init) ? init : undefined;
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}
