// Which Go types and packages are OpenTelemetry's: a `Start` is a span site only on an OTel tracer,
// and look-alike SDKs (OpenTracing, Datadog, Sentry, OpenCensus, ...) or a project's own
// `Start` methods must give no site. Types are judged from the file's imports (any alias).

import type { Node } from 'web-tree-sitter';
import { namedChildren } from '../treeNodes';

/** Local package name -> import path, as a file declares them. */
export type GoImports = ReadonlyMap<string, string>;

/** What a declared type says about a value used as a `Start` receiver. */
export type GoTypeKind = 'tracer' | 'tracerFactory' | 'other' | null;

const OTEL_TRACE = /^go\.opentelemetry\.io\/otel\/trace(?:\/|$)/;
const OTEL = /^go\.opentelemetry\.io\//;
const BASIC_TYPES = new Set(['string', 'bool', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'float32', 'float64', 'byte', 'rune', 'error', 'any']);

/** Whether a type as written is a predeclared one (`string`, `int64`, `[]byte`...), never an enum of the package. */
export function isPredeclaredType(type: string): boolean {
  return BASIC_TYPES.has(type.replace(/^[*[\]]+/, ''));
}

/** Whether the file imports any OpenTelemetry package (then a receiver it cannot resolve may be a tracer). */
export function importsOtel(imports: GoImports): boolean {
  for (const path of imports.values()) if (OTEL.test(path)) return true;
  return false;
}

/** Tracing SDKs that are not OpenTelemetry: their tracers and spans are look-alikes. */
const OTHER_SDKS = /(?:opentracing|dd-trace-go|DataDog\/|getsentry\/sentry-go|go\.opencensus\.io|go\.elastic\.co\/apm|newrelic\/go-agent|honeycombio\/beeline-go|openzipkin\/zipkin-go|jaeger-client-go|instana\/go-sensor|aws-xray-sdk-go|lightstep)/;

/**
 * Whether `alias` names an imported package known not to make OTel tracers: another tracing SDK
 * (`opentracing`, ddtrace's `tracer`, `sentry`) or the standard library (`time`, `os/exec`).
 * Project and other third-party packages are not known either way.
 */
export function isForeignPackage(alias: string, imports: GoImports): boolean {
  const path = imports.get(alias);
  if (path === undefined || OTEL.test(path)) return false;
  return OTHER_SDKS.test(path) || !path.split('/')[0].includes('.');
}

/** Whether `alias` is an OpenTelemetry package (`otel`, `trace`, any alias of them). */
export function isOtelPackage(alias: string, imports: GoImports): boolean {
  return OTEL.test(imports.get(alias) ?? '');
}

/**
 * `trace.Tracer` (go.opentelemetry.io/otel/trace under any alias, or a pointer to it). A qualifier
 * the file does not import is taken as OTel's: the declaration may sit in a file with its imports cut.
 */
export function isTracerType(type: Node | null, imports: GoImports): boolean {
  if (type?.type === 'pointer_type') return isTracerType(type.namedChildren[0], imports);
  return isOtelType(type, 'Tracer', imports);
}

/** `func(...) trace.Tracer`: a value that makes tracers when called. */
export function isTracerFactoryType(type: Node | null, imports: GoImports): boolean {
  return type?.type === 'function_type' && returnsTracer(type, imports);
}

/** Whether a function (declaration, literal or type) returns exactly one `trace.Tracer`. */
export function returnsTracer(fn: Node, imports: GoImports): boolean {
  const result = fn.childForFieldName('result');
  if (result?.type !== 'parameter_list') return isTracerType(result, imports);
  const results = namedChildren(result);
  return results.length === 1 && isTracerType(results[0].childForFieldName('type'), imports);
}

/**
 * A declared type as a receiver: an OTel tracer or tracer factory, 'other' when the type is
 * known not to be one (a basic type, another package's type), null when it cannot tell (a type
 * of the project, an interface literal).
 */
export function typeKind(type: Node | null, imports: GoImports): GoTypeKind {
  if (!type) return null;
  if (isTracerType(type, imports)) return 'tracer';
  if (isTracerFactoryType(type, imports)) return 'tracerFactory';
  const inner = type.type === 'pointer_type' ? type.namedChildren[0] : type;
  if (inner?.type === 'type_identifier') return BASIC_TYPES.has(inner.text) ? 'other' : null;
  if (inner?.type === 'qualified_type') {
    const alias = inner.childForFieldName('package')?.text ?? '';
    return imports.has(alias) ? 'other' : null;
  }
  return inner?.type === 'interface_type' ? null : 'other';
}

/** Where a function's results put the span it starts, and the context carrying it, when it returns one. */
export interface SpanResults {
  /** How many results the function has (a call's left side must name as many). */
  count: number;
  span: number;
  context?: number;
  /** The `error` result, when there is one. */
  error?: number;
}

/**
 * The results of a function returning `trace.Span` (OTel's, any alias), possibly among others
 * (`(context.Context, trace.Span)`, `(*Envelope, trace.Span, error)`); undefined otherwise.
 */
export function spanResults(fn: Node, imports: GoImports): SpanResults | undefined {
  const result = fn.childForFieldName('result');
  if (!result) return undefined;
  if (result.type !== 'parameter_list') return isOtelType(result, 'Span', imports) ? { count: 1, span: 0 } : undefined;
  // `(a, b trace.Span)` declares two results with one type: expand names into positions.
  const types = namedChildren(result).flatMap((p) => Array<Node | null>(Math.max(1, p.childrenForFieldName('name').length)).fill(p.childForFieldName('type')));
  const spans = types.flatMap((t, i) => (isOtelType(t, 'Span', imports) ? [i] : []));
  if (spans.length !== 1) return undefined;
  const context = types.findIndex((t) => t?.type === 'qualified_type' && t.text.replace(/\s/g, '') === `${contextAlias(imports)}.Context`);
  const error = types.findIndex((t) => t?.type === 'type_identifier' && t.text === 'error');
  return { count: types.length, span: spans[0], ...(context >= 0 ? { context } : {}), ...(error >= 0 ? { error } : {}) };
}

function contextAlias(imports: GoImports): string {
  for (const [alias, path] of imports) if (path === 'context') return alias;
  return 'context';
}

/** `trace.<name>` of go.opentelemetry.io/otel/trace (any alias; an alias the file does not import is taken as OTel's, as in isTracerType). */
function isOtelType(type: Node | null, name: string, imports: GoImports): boolean {
  if (type?.type !== 'qualified_type' || type.childForFieldName('name')?.text !== name) return false;
  const path = imports.get(type.childForFieldName('package')?.text ?? '');
  return path === undefined || OTEL_TRACE.test(path);
}
