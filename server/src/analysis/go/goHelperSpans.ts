// Spans a Go file gets from the project's own functions that start one and return it
// (`ctx, span := diag.StartInternalCallbackSpan(ctx, ...)`, `span := startClientSpan(r)`,
// `env, span, err := pubsub.Envelope(...)`): no span site (the helper holds the tracer call), but
// the caller owns the span and must end it, so goSites walks its paths like a Start's.
// The helper is found by its signature (a `trace.Span` result) in the package or an imported
// workspace package. A package outside the workspace cannot be read: its call still counts when
// the caller itself ends the span on some path (it owns it), names it like a span, and the file
// uses OpenTelemetry, as an untyped tracer does in goTracers.ts.

import type { Node } from 'web-tree-sitter';
import { namedChildren } from '../treeNodes';
import type { GoEvaluator } from './goEvaluator';
import { GO_FUNCTIONS } from './goLocals';
import { startStatement } from './goSpanEnd';
import { isForeignPackage, isOtelPackage, type SpanResults } from './goTypes';

/** The variables a helper call assigns: the span, and the context and error returned with it. */
export interface HelperCall {
  variable: string;
  context: string | null;
  error: string | null;
}

/** Accessors of a span someone else started (`diagUtils.SpanFromContext(ctx)`): the caller must not end it. */
const ACCESSOR = /FromContext|^(?:Get|Current|Active)/;
const SPAN_NAME = /[sS]pan$/;

/** The variables when `call` is the whole right side of an assignment from a span-returning helper. */
export function helperCall(call: Node, values: GoEvaluator): HelperCall | undefined {
  const statement = startStatement(call);
  if (!statement || statement.type === 'expression_statement') return undefined;
  const right = namedChildren(statement.childForFieldName('right') ?? statement);
  if (right.length !== 1 || right[0].id !== call.id) return undefined;
  const left = namedChildren(statement.childForFieldName('left') ?? statement);
  const results = resultsOf(call, left, values);
  if (!results || results.count !== left.length) return undefined;
  const name = (index: number | undefined) => {
    const target = index === undefined ? undefined : left[index];
    return target?.type === 'identifier' && target.text !== '_' ? target.text : null;
  };
  const variable = name(results.span);
  return variable ? { variable, context: name(results.context), error: name(results.error) } : undefined;
}

function resultsOf(call: Node, left: Node[], values: GoEvaluator): SpanResults | undefined {
  const fn = call.childForFieldName('function');
  const { resolver, locals } = values;
  if (fn?.type === 'identifier') return locals.lookup(fn, fn.text) ? undefined : resolver.spanHelper(fn.text, false);
  if (fn?.type !== 'selector_expression') return undefined;
  const name = fn.childForFieldName('field')?.text ?? '';
  const operand = fn.childForFieldName('operand');
  if (operand?.type !== 'identifier' || !resolver.imports.has(operand.text) || locals.lookup(fn, operand.text)) return resolver.spanHelper(name, true);
  const alias = operand.text;
  if (resolver.importedDir(alias) !== undefined) return resolver.spanHelper(name, false, alias);
  if (!resolver.importsOtel || isForeignPackage(alias, resolver.imports) || isOtelPackage(alias, resolver.imports) || ACCESSOR.test(name)) return undefined;
  return unreadResults(call, left);
}

/** A function of a package outside the workspace: its span is the caller's when the caller ends it itself. */
function unreadResults(call: Node, left: Node[]): SpanResults | undefined {
  const spans = left.flatMap((n, i) => (n.type === 'identifier' && SPAN_NAME.test(n.text) ? [i] : []));
  if (spans.length !== 1) return undefined;
  const variable = left[spans[0]].text;
  let fn: Node | null = call.parent;
  while (fn && !GO_FUNCTIONS.has(fn.type)) fn = fn.parent;
  const body = fn?.childForFieldName('body');
  if (!body || !new RegExp(`\\b${variable}\\s*\\.\\s*End\\s*\\(`).test(body.text.slice(call.endIndex - body.startIndex))) return undefined;
  const last = left[left.length - 1];
  return { count: left.length, span: spans[0], ...(last.text === 'err' && spans[0] !== left.length - 1 ? { error: left.length - 1 } : {}) };
}

/** `span := pkg.Fn(` / `env, span, err = pkg.Fn(`, not a tracer's `Start`: how a span from an unread package is assigned. */
const FROM_UNREAD_PACKAGE = /[sS]pan\s*(?:,\s*\w+\s*)*:?=\s*\w+\.(?!Start\()\w+\(/;

/**
 * A file that declares a function returning `trace.Span` (any alias) says `.Span` on a line that
 * starts the declaration (`func ...`) or closes a signature's parameters written over several lines (`) (...) {`).
 */
const SPAN_TYPE = /^(?:func\b|\))[^\n]*\.Span\b/m;

/**
 * The names of the workspace's span helpers, so that a file calling none of them (and ending no
 * span it could own from an unread package) is not parsed for helper spans. Each file's names are
 * read once per version (only files whose signatures say `.Span` are parsed for them).
 */
export class SpanHelperNames {
  private readonly byFile = new Map<string, readonly string[]>();
  private all: Set<string> | undefined;

  constructor(
    private readonly files: () => Iterable<string>,
    private readonly text: (file: string) => string | undefined,
    private readonly declared: (file: string) => { spanFunctions: Map<string, unknown>; spanMethods: Map<string, unknown> } | undefined,
  ) {}

  /** A file changed or went away. */
  drop(file: string): void {
    this.byFile.delete(file);
    this.all = undefined;
  }

  /** Whether `text` may hold a span from a helper: it calls one by name, or ends a span it got from an unread package. */
  mayHold(text: string): boolean {
    if (text.includes('.End(') && FROM_UNREAD_PACKAGE.test(text)) return true;
    for (const name of this.names()) if (text.includes(`${name}(`)) return true;
    return false;
  }

  /** Whether some file of the workspace declares a span helper named `name` (a cheap test before looking for it). */
  has(name: string): boolean {
    return this.names().has(name);
  }

  private names(): Set<string> {
    if (this.all) return this.all;
    const names = new Set<string>();
    for (const file of this.files()) for (const name of this.namesOf(file)) names.add(name);
    return (this.all = names);
  }

  private namesOf(file: string): readonly string[] {
    let names = this.byFile.get(file);
    if (!names) {
      const text = this.text(file) ?? '';
      const symbols = text.includes('.Span') && SPAN_TYPE.test(text) ? this.declared(file) : undefined;
      names = symbols ? [...symbols.spanFunctions.keys(), ...symbols.spanMethods.keys()] : [];
      this.byFile.set(file, names);
    }
    return names;
  }
}
