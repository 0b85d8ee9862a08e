// What the analysis of one Go file needs from its package and the workspace packages it imports
// (answered by the front-end, which records every file read so cached results are invalidated).

import type { StaticValue } from '../staticValues';
import type { GoImports, SpanResults } from './goTypes';

export interface GoResolver {
  packageName: string;
  /** The file's own imports: local package name -> import path. */
  imports: GoImports;
  /** Whether the file imports an OpenTelemetry package (receivers it cannot resolve may then be tracers). */
  importsOtel: boolean;
  /** Value of a package-level or imported constant (`Name`, `pkg.Name`, `semconv.XKey`). */
  value(path: string[]): StaticValue;
  /** Scope of a package-level tracer variable (of the package imported as `alias` when given); undefined when `name` is not one. */
  tracerVariable(name: string, alias?: string): StaticValue | null | undefined;
  /**
   * The scope of the tracer a package function (`newTracer()`, `pkg.Tracer()` with `alias`) or, with
   * `member`, a method or func-typed field (`h.factory()`) returns: null when unknown, undefined when it is no tracer factory.
   */
  tracerFactory(name: string, member: boolean, alias?: string): StaticValue | null | undefined;
  /** Whether a struct field of the package holds a tracer, and its scope when known. */
  tracerField(name: string): { scope: StaticValue | null } | undefined;
  /** Whether a struct field of the package is declared with a type that is not an OTel tracer. */
  otherField(name: string): boolean;
  /** A struct type of the package as written (`stopwatch`): a tracer when it embeds `trace.Tracer`; undefined when not a struct of the package. */
  structKind(type: string): 'tracer' | 'other' | undefined;
  /** Whether a type as written (`Op`, `names.Op`) is an enum: a named type with typed constants. */
  isEnumType(type: string): boolean;
  /** Whether a local package name is a semantic-conventions import. */
  isSemconv(packageName: string): boolean;
  /** Local name of go.opentelemetry.io/otel/attribute. */
  attributePackage: string;
  /**
   * The results of a project function (`startSpan`, `diag.StartSpan` with `alias`) or, with
   * `member`, a method of the package that starts a span and returns it; undefined when none does.
   */
  spanHelper(name: string, member: boolean, alias?: string): SpanResults | undefined;
  /** The workspace directory of the package imported as `alias`; undefined when none (or several) match its import path. */
  importedDir(alias: string): string | undefined;
}
