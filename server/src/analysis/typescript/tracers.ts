// Decides whether `x.startSpan(...)` is called on an OpenTelemetry tracer, without a type
// checker: the receiver comes from `getTracer(...)`, is typed `Tracer` imported from
// `@opentelemetry/*`, is imported from a workspace module that makes one, or is named like a
// tracer. A receiver that resolves to another tracing SDK (dd-trace, OpenTracing, Sentry,
// Elastic APM, ...) or to a local class with its own startSpan is a look-alike. A receiver only
// named like a tracer is 'unresolved': the caller counts it when the file imports OpenTelemetry.
// Also finds the tracer's instrumentation-scope name when it is constant.

import { ts } from './tsApi';
import type { ConstantEvaluator } from './constants';
import { findBinding, requiredModule, type Binding } from './modules';
import { compiledFieldName, compiledPrivateRead, compiledPrivateWrites } from './privateFields';
import { calleeName, memberAccess, unwrap } from './syntax';

export type TracerOrigin = 'otel' | 'unresolved' | 'none';

export interface TracerInfo {
  origin: TracerOrigin;
  /** Constant first argument of the getTracer call that produced the tracer. */
  scope: string | null;
}

/** `tracer`, `_tracer`, `otelTracer`, `getTracer`, but not `_tracerMetrics` or `tracerProvider`. */
const TRACER_NAME = /tracer$/i;
const NONE: TracerInfo = { origin: 'none', scope: null };
const OTEL: TracerInfo = { origin: 'otel', scope: null };
const MAX_HOPS = 8;
const LOGICAL_OR = new Set<ts.SyntaxKind>([ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken]);

/**
 * Tracing SDKs whose tracers have OpenTelemetry-like `startSpan` methods but are not OpenTelemetry
 * (their spans never reach an OTel pipeline, and their names follow other rules).
 */
const LOOK_ALIKE_PACKAGES = /^(?:dd-trace|@datadog\/|opentracing|jaeger-client|@sentry\/|elastic-apm-node|@elastic\/apm|newrelic|zipkin|lightstep-tracer|@google-cloud\/trace-agent|applicationinsights|@microsoft\/applicationinsights|honeycomb-beeline|signalfx-tracing|skywalking|aws-xray-sdk|@azure\/core-tracing|@instana\/|appdynamics)/;

/** Whether a file mentions an OpenTelemetry package (import, require or re-export). */
export function importsOpenTelemetry(sf: ts.SourceFile): boolean {
  return sf.text.includes('@opentelemetry/');
}

/** What a package specifier says about a tracer imported from it; undefined for workspace modules. */
function packageOrigin(specifier: string): TracerInfo | undefined {
  if (specifier.startsWith('@opentelemetry/')) return OTEL;
  if (LOOK_ALIKE_PACKAGES.test(specifier)) return NONE;
  return specifier.startsWith('.') ? undefined : { origin: 'unresolved', scope: null };
}

export function classifyReceiver(receiver: ts.Expression, evaluator: ConstantEvaluator): TracerInfo {
  return new ReceiverResolver(evaluator).receiver(receiver, 0);
}

class ReceiverResolver {
  constructor(private readonly evaluator: ConstantEvaluator) {}

  receiver(receiver: ts.Expression, hops: number): TracerInfo {
    if (hops > MAX_HOPS) return NONE;
    const r = unwrap(receiver);
    if (ts.isCallExpression(r)) return this.call(r, hops);
    if (ts.isNewExpression(r)) return this.constructed(r, hops) ?? NONE;
    if (r.kind === ts.SyntaxKind.ThisKeyword) {
      // `this.startSpan(...)` inside a class: only a tracer implementation (implements Tracer, or
      // a class named like one, e.g. untyped JS `class NoopTracer`) creates spans that way.
      return insideTracerImplementation(r) ? OTEL : NONE;
    }
    if (ts.isIdentifier(r)) return this.binding(r.text, findBinding(r.text, r), hops, r);
    const member = memberAccess(r);
    if (member) {
      const [obj, name] = member;
      if (unwrap(obj).kind === ts.SyntaxKind.ThisKeyword) return this.classMember(name, enclosingClass(r), hops, r);
      const root = this.rootOrigin(obj, hops);
      if (root?.origin === 'none') return NONE;
      return byName(name, r);
    }
    return NONE;
  }

  /** `getTracer(...)`, `trace.getTracer(...)`, `provider.getTracer(...)`, `opentracing.globalTracer()`, `this._getTracer()`. */
  private call(call: ts.CallExpression, hops: number): TracerInfo {
    const storage = compiledPrivateRead(call);
    if (storage) return this.privateField(storage, call, hops);
    const name = calleeName(call) ?? '';
    const callee = unwrap(call.expression);
    const root = this.rootOrigin(callee, hops);
    if (root?.origin === 'none') return NONE;
    if (name === 'getTracer') return { origin: 'otel', scope: this.scopeOf(call) };
    if (root?.origin === 'otel') return OTEL;
    const named = byName(name, call);
    if (named.origin !== 'none') return named;
    return this.returnedBy(callee, hops) ?? NONE;
  }

  /**
   * `this.getTracerInstance()` (Next.js), `makeTracer()`: a method of the enclosing class or a
   * function of the file, by what its return statements give.
   */
  private returnedBy(callee: ts.Expression, hops: number): TracerInfo | undefined {
    if (hops >= MAX_HOPS) return undefined;
    const fn = calledFunction(callee);
    const body = fn?.body;
    if (!body) return undefined;
    if (!ts.isBlock(body)) return this.initializer(body, hops + 1);
    let found: TracerInfo | undefined;
    const visit = (n: ts.Node): void => {
      if (found || ts.isFunctionLike(n) || ts.isClassLike(n)) return;
      if (ts.isReturnStatement(n) && n.expression) {
        const info = this.initializer(n.expression, hops + 1);
        if (info && info.origin !== 'unresolved') found = info;
        return;
      }
      ts.forEachChild(n, visit);
    };
    ts.forEachChild(body, visit);
    return found;
  }

  /** A variable, parameter or import: its type annotation, its initializer, then its name. */
  private binding(name: string, b: Binding | undefined, hops: number, at: ts.Node | undefined): TracerInfo {
    if (b?.kind === 'import') return this.imported(b, hops) ?? byName(name, at);
    if (b?.kind === 'class' || b?.kind === 'enum') return NONE;
    const decl = b?.kind === 'variable' ? b.decl : b?.kind === 'other' ? b.decl : undefined;
    // A destructured name (`const { tracer } = deps`) is not its initializer: only the name tells.
    if (decl && (ts.isVariableDeclaration(decl) || ts.isParameter(decl) || ts.isPropertyDeclaration(decl)) && ts.isIdentifier(decl.name)) return this.declaration(name, decl, hops);
    if (b?.kind === 'expression') return this.initializer(b.expr, hops) ?? byName(name, at);
    return byName(name, decl ?? at);
  }

  private declaration(name: string, decl: ts.VariableDeclaration | ts.ParameterDeclaration | ts.PropertyDeclaration, hops: number): TracerInfo {
    if (decl.type) {
      const typed = this.typeOrigin(decl.type);
      if (typed) return typed;
    }
    const init = decl.initializer ? this.initializer(decl.initializer, hops) : undefined;
    return init ?? byName(name, decl);
  }

  /** What an initializer makes: undefined when it tells nothing (the name decides). */
  private initializer(expr: ts.Expression, hops: number): TracerInfo | undefined {
    let e = unwrap(expr);
    if (ts.isAwaitExpression(e)) e = unwrap(e.expression);
    const required = requiredModule(e);
    if (required !== undefined) return packageOrigin(required);
    if (ts.isCallExpression(e)) {
      const info = this.call(e, hops + 1);
      return info.origin === 'unresolved' ? this.rootOrigin(e.expression, hops) : info;
    }
    if (ts.isNewExpression(e)) return this.constructed(e, hops);
    // `tracer ?? trace.getTracer('langsmith')`, `opts.tracer || getTracer()`, `c ? a : b`: either side may be the tracer.
    const alternatives = ts.isConditionalExpression(e) ? [e.whenTrue, e.whenFalse]
      : ts.isBinaryExpression(e) && LOGICAL_OR.has(e.operatorToken.kind) ? [e.left, e.right] : undefined;
    if (alternatives) {
      const infos = alternatives.map((a) => this.initializer(a, hops + 1));
      return infos.find((i) => i?.origin === 'otel') ?? infos.find((i) => i?.origin === 'none');
    }
    if (ts.isIdentifier(e) || memberAccess(e)) {
      const info = this.receiver(e, hops + 1);
      return info.origin === 'unresolved' ? undefined : info;
    }
    return undefined;
  }

  /** `new Tracer()` from another SDK or a local decoy class is not an OTel tracer. */
  private constructed(e: ts.NewExpression, hops: number): TracerInfo | undefined {
    const root = this.rootOrigin(e.expression, hops);
    if (root) return root.origin === 'unresolved' ? undefined : root;
    if (ts.isIdentifier(e.expression)) {
      const b = findBinding(e.expression.text, e.expression);
      if (b?.kind === 'class') return implementsTracer(b.decl) ? OTEL : NONE;
    }
    return undefined;
  }

  /** The origin of the identifier a member/call chain starts from, when it is an import or require. */
  private rootOrigin(expr: ts.Expression, hops: number): TracerInfo | undefined {
    let e = unwrap(expr);
    for (;;) {
      const required = requiredModule(e);
      if (required !== undefined) return packageOrigin(required);
      const member = memberAccess(e);
      if (member) e = unwrap(member[0]);
      else if (ts.isCallExpression(e)) e = unwrap(e.expression);
      else break;
    }
    if (!ts.isIdentifier(e)) return undefined;
    const b = findBinding(e.text, e);
    if (b?.kind === 'import') return this.imported(b, hops);
    if (b?.kind === 'variable' && b.decl.initializer && hops < MAX_HOPS) {
      const required = requiredModule(b.decl.initializer);
      if (required !== undefined) return packageOrigin(required);
    }
    return undefined;
  }

  /** An imported name: by its package, or by what the workspace module exporting it binds it to. */
  private imported(b: Extract<Binding, { kind: 'import' }>, hops: number): TracerInfo | undefined {
    const fromPackage = packageOrigin(b.specifier);
    if (fromPackage) return fromPackage;
    if (b.name === '*' || hops >= MAX_HOPS) return undefined;
    const target = this.evaluator.moduleOf(b.fromFile, b.specifier);
    if (!target) return undefined;
    const exported = this.evaluator.exportOf(target, b.name);
    if (!exported) return undefined;
    const info = this.binding(b.name, exported, hops + 1, undefined);
    return info.origin === 'unresolved' ? undefined : info;
  }

  /** `Tracer` imported from `@opentelemetry/api` or from another SDK. */
  private typeOrigin(type: ts.TypeNode): TracerInfo | undefined {
    if (!ts.isTypeReferenceNode(type)) return undefined;
    const n = type.typeName;
    const last = ts.isIdentifier(n) ? n.text : n.right.text;
    if (last !== 'Tracer' && !TRACER_NAME.test(last)) return undefined;
    const first = ts.isIdentifier(n) ? n : leftmost(n);
    const b = findBinding(first.text, first);
    if (b?.kind === 'import') return packageOrigin(b.specifier) ?? (last === 'Tracer' ? { origin: 'unresolved', scope: null } : undefined);
    return last === 'Tracer' ? { origin: 'unresolved', scope: null } : undefined;
  }

  /** `this.tracer`: the class's property declaration, constructor parameter property or `this.x = ...` assignment. */
  private classMember(name: string, cls: ts.ClassLikeDeclaration | undefined, hops: number, at: ts.Node): TracerInfo {
    if (cls) {
      for (const m of cls.members) {
        if (ts.isPropertyDeclaration(m) && (ts.isIdentifier(m.name) || ts.isPrivateIdentifier(m.name)) && m.name.text === name) return this.declaration(name, m, hops);
        if (ts.isConstructorDeclaration(m)) {
          const param = m.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === name && ts.getModifiers(p)?.length);
          if (param) return this.declaration(name, param, hops);
          const assigned = m.body ? thisAssignment(m.body, name) : undefined;
          const fromInit = assigned ? this.initializer(assigned, hops) : undefined;
          if (fromInit) return fromInit;
        }
      }
    }
    return byName(name, at);
  }

  /** A down-levelled `this.#field`: what is written to it, else the field's declared name. */
  private privateField(storage: ts.Identifier, read: ts.CallExpression, hops: number): TracerInfo {
    for (const value of compiledPrivateWrites(storage, read)) {
      const info = this.initializer(value, hops + 1);
      if (info) return info;
    }
    return byName(compiledFieldName(storage, read), read);
  }

  private scopeOf(call: ts.CallExpression): string | null {
    const arg = call.arguments[0];
    if (!arg) return null;
    const v = this.evaluator.evaluate(arg);
    return v.constant ? String(v.value) : null;
  }
}

/**
 * A receiver known only by its tracer-like name. Inside a tracer implementation (a tracer
 * delegating to another, as OpenTelemetry's own ProxyTracer does) it is taken for an OTel tracer.
 */
function byName(name: string, at: ts.Node | undefined): TracerInfo {
  if (!TRACER_NAME.test(name)) return NONE;
  return at && insideTracerImplementation(at) ? OTEL : { origin: 'unresolved', scope: null };
}

function leftmost(n: ts.QualifiedName): ts.Identifier {
  let left: ts.EntityName = n;
  while (ts.isQualifiedName(left)) left = left.left;
  return left;
}

function thisAssignment(body: ts.Block, name: string): ts.Expression | undefined {
  for (const stmt of body.statements) {
    if (!ts.isExpressionStatement(stmt) || !ts.isBinaryExpression(stmt.expression)) continue;
    const { left, operatorToken, right } = stmt.expression;
    if (operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
    const m = memberAccess(left);
    if (m && m[0].kind === ts.SyntaxKind.ThisKeyword && m[1] === name) return right;
  }
  return undefined;
}

function implementsTracer(cls: ts.ClassLikeDeclaration): boolean {
  return (cls.heritageClauses ?? []).some((h) => h.types.some((t) => /(^|\.)Tracer$/.test(t.expression.getText())));
}

/** Inside a class that implements Tracer or is named like one (also an ES5 `X.prototype.m = function` of such a class). */
function insideTracerImplementation(node: ts.Node): boolean {
  const cls = ts.isClassLike(node) ? node : enclosingClass(node);
  if (cls) return implementsTracer(cls) || TRACER_NAME.test(cls.name?.text ?? '');
  return TRACER_NAME.test(prototypeOwner(node) ?? '');
}

/** ES5 classes: `NoopTracer.prototype.startActiveSpan = function () { this... }` -> 'NoopTracer'. */
function prototypeOwner(node: ts.Node): string | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (!ts.isFunctionExpression(n)) continue;
    const assign = n.parent;
    if (!ts.isBinaryExpression(assign) || assign.right !== n) return undefined;
    const target = memberAccess(assign.left)?.[0];
    const proto = target && memberAccess(target);
    return proto && proto[1] === 'prototype' && ts.isIdentifier(proto[0]) ? proto[0].text : undefined;
  }
  return undefined;
}

/** The method `this.m` names in the enclosing class, or the function a plain identifier is bound to. */
function calledFunction(callee: ts.Expression): ts.FunctionLikeDeclaration | undefined {
  const e = unwrap(callee);
  const member = memberAccess(e);
  if (member && unwrap(member[0]).kind === ts.SyntaxKind.ThisKeyword) {
    const cls = enclosingClass(e);
    for (const m of cls?.members ?? []) {
      if (!m.name || !(ts.isIdentifier(m.name) || ts.isPrivateIdentifier(m.name)) || m.name.text !== member[1]) continue;
      if (ts.isMethodDeclaration(m) || ts.isGetAccessorDeclaration(m)) return m;
      if (ts.isPropertyDeclaration(m) && m.initializer) {
        const init = unwrap(m.initializer);
        if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
      }
    }
    return undefined;
  }
  if (!ts.isIdentifier(e)) return undefined;
  const b = findBinding(e.text, e);
  if (b?.kind === 'other' && ts.isFunctionDeclaration(b.decl)) return b.decl;
  if (b?.kind === 'variable' && b.decl.initializer) {
    const init = unwrap(b.decl.initializer);
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
  }
  return undefined;
}

function enclosingClass(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isClassLike(n)) return n;
  }
  return undefined;
}
