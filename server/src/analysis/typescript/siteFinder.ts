// Finds the span-creating calls of one parsed file and describes each as a SpanSite:
// `startActiveSpan(name, [options], [context], fn)`, `startSpan(name, [options], [context])`
// on a tracer, plus configured wrapper functions. Walks compiler nodes (the hot path).

import { ts } from './tsApi';
import type { Language } from '../../../../common/src/sites';
import { SPAN_KINDS, type AttributeInfo, type SpanSite } from '../types';
import { callableDeclaring } from './callables';
import { ConstantEvaluator } from './constants';
import { propertyNameText } from './modules';
import { objectAttributes, objectLiteralOf } from './spanUsage';
import { spanReturner, type SpanReturner } from './helperSpans';
import { followCallbackSpan, followVariableSpan } from './spanLifetime';
import { calleeName, innermostNodeAt, memberAccess, occurrences, rangeOf, unwrap } from './syntax';
import { classifyReceiver, importsOpenTelemetry } from './tracers';
import { valueInfo } from './values';

const SPAN_METHODS = new Set(['startSpan', 'startActiveSpan']);

export interface FinderOptions {
  /** `withSpan` or `tracing.withSpan`: called like startActiveSpan/startSpan with the name first. */
  wrapperFunctions: readonly string[];
}

/** Cheap text test: files that cannot contain a span call are not walked. */
export function mayContainSpans(text: string, options: FinderOptions): boolean {
  return text.includes('startSpan') || text.includes('startActiveSpan') || options.wrapperFunctions.some((w) => text.includes(w.slice(w.lastIndexOf('.') + 1)));
}

/**
 * The file's span sites; `returners` (when given) collects the functions that return a span they
 * start with `startSpan`, whose callers then own the span (helperSpans.ts).
 */
export function findSites(sf: ts.SourceFile, language: Language, evaluator: ConstantEvaluator, options: FinderOptions, returners?: SpanReturner[]): SpanSite[] {
  const sites: SpanSite[] = [];
  for (const call of candidateCalls(sf, options)) {
    const site = siteOf(call, sf, language, evaluator, options);
    if (!site) continue;
    sites.push(site);
    const returner = returners && calleeName(call) === 'startSpan' ? spanReturner(call) : undefined;
    if (returner) returners!.push(returner);
  }
  return sites;
}

/**
 * The calls whose callee holds a span method or wrapper name, in document order (outer calls
 * first). Found from where the names occur in the text, descending only the nodes around each
 * occurrence: walking every node of every file cost as much as a tenth of the scan.
 */
function candidateCalls(sf: ts.SourceFile, options: FinderOptions): ts.CallExpression[] {
  const calls = new Set<ts.CallExpression>();
  for (const name of calleeWords(options)) {
    for (const at of occurrences(sf.text, name, 0, sf.end)) {
      for (let n: ts.Node | undefined = innermostNodeAt(sf, at); n && n !== sf; n = n.parent) {
        if (ts.isCallExpression(n) && n.expression.pos <= at && at < n.expression.end) calls.add(n);
      }
    }
  }
  return [...calls].sort((a, b) => a.pos - b.pos || b.end - a.end);
}

/** Names a span call's callee contains: the span methods and the last segment of each wrapper. */
function calleeWords(options: FinderOptions): Set<string> {
  return new Set([...SPAN_METHODS, ...options.wrapperFunctions.map((w) => w.slice(w.lastIndexOf('.') + 1))].filter((w) => w.length > 0));
}

function siteOf(call: ts.CallExpression, sf: ts.SourceFile, language: Language, evaluator: ConstantEvaluator, options: FinderOptions): SpanSite | undefined {
  const name = calleeName(call);
  if (!name || !(SPAN_METHODS.has(name) || isWrapper(call, options))) return undefined;
  const nameArg = call.arguments[0];
  if (!nameArg || !looksLikeName(nameArg)) return undefined;
  let scope: string | null = null;
  if (SPAN_METHODS.has(name) && memberAccess(unwrap(call.expression))) {
    const tracer = classifyReceiver(memberAccess(unwrap(call.expression))![0], evaluator);
    // A receiver known only by its name counts where the file uses OpenTelemetry at all.
    if (tracer.origin === 'otel' || (tracer.origin === 'unresolved' && importsOpenTelemetry(sf))) scope = tracer.scope;
    else if (!isWrapper(call, options)) return undefined;
  } else if (!isWrapper(call, options)) return undefined;

  const args = call.arguments;
  const last = unwrap(args[args.length - 1]);
  const callback = args.length >= 2 && (ts.isArrowFunction(last) || ts.isFunctionExpression(last)) ? last : undefined;
  const optionsArg = args.length >= (callback ? 3 : 2) ? args[1] : undefined;
  const optionsObj = optionsArg ? objectLiteralOf(optionsArg) : undefined;

  const site: SpanSite = {
    file: sf.fileName,
    language,
    range: rangeOf(call, sf),
    headRange: rangeOf(call.expression, sf),
    name: valueInfo(nameArg, evaluator, sf),
    scope,
    kind: optionsObj ? spanKind(optionsObj, evaluator) : null,
    attributes: optionsObj ? optionAttributes(optionsObj, evaluator, sf) : [],
    ended: true,
  };
  const fn = enclosingFunctionName(call);
  if (fn) site.enclosingFunction = fn;
  if (callback) followCallbackSpan(site, callback, evaluator, sf);
  else if (name === 'startActiveSpan' || isWrapper(call, options)) site.ended = true; // the callback is a reference: not followed
  else followVariableSpan(site, call, evaluator, sf);
  setEnclosing(site, call);
  return site;
}

/**
 * A name built from a parameter is judged where the function is called: the site names that
 * function. Parameters of another function (an outer one) than the first found are not followed.
 */
function setEnclosing(site: SpanSite, call: ts.CallExpression): void {
  const values = [site.name, ...site.attributes.map((a) => a.value), ...(site.renames ?? [])];
  for (const v of values) {
    for (const part of v?.parts ?? []) {
      if (!part.param) continue;
      site.enclosing ??= callableDeclaring(call, part.param);
      if (!site.enclosing) delete part.param;
    }
  }
}

/** Rejects look-alikes whose first argument cannot be a span name. */
function looksLikeName(arg: ts.Expression): boolean {
  const e = unwrap(arg);
  return !(ts.isObjectLiteralExpression(e) || ts.isArrowFunction(e) || ts.isFunctionExpression(e) || ts.isNumericLiteral(e) || ts.isArrayLiteralExpression(e) || e.kind === ts.SyntaxKind.NullKeyword);
}

function isWrapper(call: ts.CallExpression, options: FinderOptions): boolean {
  if (options.wrapperFunctions.length === 0) return false;
  const last = calleeName(call);
  if (!last || !options.wrapperFunctions.some((w) => w === last || w.endsWith(`.${last}`))) return false;
  const callee = unwrap(call.expression);
  const text = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.getText() : undefined;
  if (!text) return false;
  return options.wrapperFunctions.some((w) => w === text || (!w.includes('.') && text.endsWith(`.${w}`)));
}

function spanKind(options: ts.ObjectLiteralExpression, evaluator: ConstantEvaluator): string | null {
  const expr = optionValue(options, 'kind');
  if (!expr) return null;
  const member = memberAccess(unwrap(expr));
  if (member && SPAN_KINDS.includes(member[1].toLowerCase())) return member[1].toLowerCase();
  const v = evaluator.evaluate(expr);
  return v.constant && typeof v.value === 'number' ? (SPAN_KINDS[v.value] ?? null) : null;
}

function optionAttributes(options: ts.ObjectLiteralExpression, evaluator: ConstantEvaluator, sf: ts.SourceFile): AttributeInfo[] {
  const expr = optionValue(options, 'attributes');
  return expr ? objectAttributes(expr, evaluator, sf) : [];
}

/** `{ kind: X }` -> X, `{ attributes }` -> the identifier. */
function optionValue(options: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of options.properties) {
    if (ts.isPropertyAssignment(p) && propertyNameText(p.name) === name) return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return p.name;
  }
  return undefined;
}

/** `OrderService.placeOrder`, `placeOrder` (function or `const placeOrder = () => ...`); anonymous callbacks are skipped. */
export function enclosingFunctionName(node: ts.Node): string | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (!ts.isFunctionLike(n)) continue;
    const own = functionName(n);
    if (!own) continue;
    const cls = ts.isClassLike(n.parent) ? n.parent.name?.text : undefined;
    return cls ? `${cls}.${own}` : own;
  }
  return undefined;
}

function functionName(fn: ts.SignatureDeclaration): string | undefined {
  if (ts.isConstructorDeclaration(fn)) return 'constructor';
  if (fn.name && (ts.isIdentifier(fn.name) || ts.isStringLiteral(fn.name))) return fn.name.text;
  const p = fn.parent;
  if ((ts.isVariableDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isPropertyAssignment(p)) && ts.isIdentifier(p.name)) {
    const cls = ts.isPropertyDeclaration(p) && ts.isClassLike(p.parent) ? p.parent.name?.text : undefined;
    return cls ? `${cls}.${p.name.text}` : p.name.text;
  }
  return undefined;
}
