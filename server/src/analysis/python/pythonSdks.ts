// Which tracing SDK an expression comes from, as far as its imports tell: OpenTelemetry's
// `get_tracer` (on `trace`, a TracerProvider or `get_tracer_provider()`) makes tracers; modules of
// look-alike SDKs (Sentry, Datadog, OpenTracing, Langfuse, ...) have `start_span` methods too but
// do not make OpenTelemetry spans.

import type { Node } from 'web-tree-sitter';
import { dottedPath } from './pythonExpr';

export type TracerOrigin = 'otel' | 'other';

/** Top-level modules of tracing SDKs that are not OpenTelemetry's API. */
const OTHER_SDKS = new Set([
  'sentry_sdk', 'raven', 'ddtrace', 'datadog', 'opentracing', 'jaeger_client', 'elasticapm', 'newrelic', 'beeline', 'scout_apm',
  'lightstep', 'py_zipkin', 'aws_xray_sdk', 'skywalking', 'opencensus', 'instana', 'langfuse', 'mlflow', 'weave', 'braintrust', 'agentops',
]);

/** The SDK a dotted module name belongs to; undefined when it is neither (a project module, the standard library). */
export function moduleOrigin(module: string): TracerOrigin | undefined {
  const top = module.replace(/^\.+/, '').split('.')[0];
  if (top === 'opentelemetry') return 'otel';
  return OTHER_SDKS.has(top) ? 'other' : undefined;
}

/**
 * What a tracer-making expression is, from the module its head name was imported from
 * (`importedFrom(name)` gives that module, undefined when not imported):
 * `trace.get_tracer(...)` and any `get_tracer(...)` not from a look-alike SDK are OpenTelemetry;
 * `ddtrace.tracer`, `sentry_sdk.Hub.current`, `get_client()` from `langfuse` are not.
 */
export function creationOrigin(expr: Node, importedFrom: (name: string) => string | undefined): TracerOrigin | undefined {
  let head: Node | null = expr;
  let getTracer = false;
  // Walk down `a.b(...).c(...)` to its first name, noting a `get_tracer` call on the way.
  for (let i = 0; head && i < 12; i++) {
    if (head.type === 'call') {
      const fn = head.childForFieldName('function');
      const path = fn ? dottedPath(fn) : null;
      if (path?.[path.length - 1] === 'get_tracer' || fn?.childForFieldName('attribute')?.text === 'get_tracer') getTracer = true;
      head = fn;
    } else if (head.type === 'attribute') {
      head = head.childForFieldName('object');
    } else if (head.type === 'parenthesized_expression') {
      head = head.namedChildren[0];
    } else break;
  }
  const module = head?.type === 'identifier' ? importedFrom(head.text) : undefined;
  const origin = module !== undefined ? moduleOrigin(module) : undefined;
  if (origin === 'other') return 'other';
  if (getTracer || origin === 'otel') return 'otel';
  // `MyTracer()`: an instance of a project's own class is a custom tracer, not OpenTelemetry's.
  const fn = expr.type === 'call' ? expr.childForFieldName('function') : null;
  if (fn?.type === 'identifier' && /^[A-Z]/.test(fn.text)) return 'other';
  return undefined;
}

/**
 * The origin of a value from its type annotation: `Tracer`, `trace.Tracer`, `Optional["Tracer"]`
 * are OpenTelemetry's unless imported from a look-alike SDK; a type imported from an SDK is that
 * SDK's; any other named type (`telemetry: RunTelemetry`) is the project's own class, whose
 * `start_span` is not a tracer's. Open types (Any, object, a bare type variable) say nothing.
 */
export function annotationOrigin(annotation: Node, importedFrom: (name: string) => string | undefined): TracerOrigin | undefined {
  const text = annotation.text;
  const tracerHead = /([A-Za-z_]\w*)(?:\.\w+)*\.Tracer\b/.exec(text)?.[1];
  const head = tracerHead ?? [...text.matchAll(/[A-Za-z_]\w*/g)].map((m) => m[0]).find((name) => !WRAPPERS.has(name));
  const module = head !== undefined ? importedFrom(head) : undefined;
  const origin = module !== undefined ? moduleOrigin(module) : undefined;
  if (/\bTracer\b/.test(text)) return origin === 'other' ? 'other' : 'otel';
  if (origin) return origin;
  return head === undefined || OPEN_TYPES.has(head) || /^[A-Z]$/.test(head) ? undefined : 'other';
}

/** Names that wrap the type an annotation is about. */
const WRAPPERS = new Set(['typing', 'Optional', 'Union', 'Final', 'ClassVar', 'Annotated', 'None']);
/** Annotations that do not say what a value is. */
const OPEN_TYPES = new Set(['Any', 'object']);

/** Whether a file's text imports OpenTelemetry anywhere (module level or inside a function). */
export function importsOpenTelemetry(text: string): boolean {
  return /^[ \t]*(?:from|import)[ \t]+opentelemetry\b/m.test(text);
}
