// The language-neutral description of span sites that every front-end (TypeScript via ts-morph,
// Python and Go via tree-sitter) produces, and that rules.ts turns into findings.
// Plain data: no LSP types here (positions are 0-based line/character like LSP's, by design).

import type { Language } from '../../../common/src/sites';
import type { RuleId, Severity } from '../../../common/src/settings';

export interface Pos {
  line: number; // 0-based
  character: number; // 0-based, UTF-16 code units
}

export interface Range {
  start: Pos;
  end: Pos;
}

/** A name or attribute value as written in code. */
export interface ValueInfo {
  /** True when the value is known statically (literal, resolved constant, ...). */
  constant: boolean;
  /** The resolved value when constant. */
  value?: string | number | boolean;
  /** Source text of the expression. */
  text: string;
  range: Range;
  /**
   * For dynamic strings built from parts (template, f-string, concatenation, Sprintf):
   * the constant prefix before the first dynamic part, used by quick fixes.
   */
  constantPrefix?: string;
  /** Source text of the dynamic parts of such a string, in order (quick fixes move them into attributes). */
  dynamicParts?: string[];
  /**
   * What the front-end knows of each dynamic part (same order as `dynamicParts` when both are
   * set; may also cover parts from other files). Rules judge cardinality from these: a value
   * that is not constant is only a problem when some part is unbounded (cardinality.ts).
   */
  parts?: NamePart[];
}

/** Whether a dynamic part of a name can take only a few values. */
export type Bound = 'bounded' | 'unbounded' | 'unknown';

/** One dynamic part of a name, as far as the front-end could tell from the code. */
export interface NamePart {
  /** Source text of the part (an expression), for messages and for the text heuristics. */
  text: string;
  /**
   * The front-end's verdict from the code's meaning: 'bounded' for enum members, literal unions,
   * constants, conditionals over literals, function/class names, route templates; 'unbounded'
   * for clocks, random or hashed values, raw request paths and URLs; 'unknown' otherwise (the
   * rules then look at the part's name, see cardinality.ts).
   */
  bound: Bound;
  /** Why, in a few words ("enum member", "raw request path"), shown in messages. */
  reason?: string;
  /** Set when the part is a parameter of the enclosing function: judged at that function's call sites. */
  param?: ParamRef;
  /** A declared type name or annotation seen for the part (`string`, `OrderId`, `'GET' | 'POST'`), when known. */
  type?: string;
}

/** A parameter of the function that encloses a site or a call (0-based, `self`/receiver not counted). */
export interface ParamRef {
  index: number;
  name: string;
}

/** The function that encloses a site, as its callers name it. */
export interface Callable {
  /** Simple name callers use: `startSpan` for `Tracing.startSpan`, `withSpan` for a function. */
  name: string;
  /** Called as a method (`x.name(...)`) rather than a plain function. */
  method: boolean;
  /** Where it is declared, when callers name it by that (Go: the package directory): same-named helpers elsewhere stay apart. */
  dir?: string;
}

/** A call, in some file, of a function whose parameter flows into a span name. */
export interface PassedArgument {
  file: string;
  /** The call's callee, where a finding about the passed value is shown. */
  headRange: Range;
  /** The argument at the parameter's index, described like a name (parts with `param` when it is itself a parameter). */
  value: ValueInfo;
  /** The function enclosing this call, so a parameter passed on can be followed one level further. */
  enclosing?: Callable;
}

/** Where a related location is shown next to a finding (LSP relatedInformation, SARIF relatedLocations). */
export interface RelatedLocation {
  file: string;
  range: Range;
  message: string;
}

export interface AttributeInfo {
  /** The resolved attribute key, or null when the key itself is dynamic. */
  key: string | null;
  keyRange: Range;
  value: ValueInfo;
  /**
   * How to add another attribute next to this one, when the code shape allows it: insert
   * `template` at `position`, with `{key}` replaced by a quoted key and `{value}` by an expression.
   */
  insertSibling?: { position: Pos; template: string };
}

export interface SpanSite {
  /** Absolute path. */
  file: string;
  language: Language;
  /** The whole span-creating call. */
  range: Range;
  /** The callee (e.g. `tracer.startSpan`): where findings about the whole call are shown. Defaults to `range`. */
  headRange?: Range;
  /** The span name argument; undefined when the call has none. */
  name?: ValueInfo;
  /** Tracer / instrumentation scope name when constant. */
  scope: string | null;
  /** One of SPAN_KINDS, when the call names it. */
  kind: string | null;
  attributes: AttributeInfo[];
  /** Whether the span is ended on every path; null when the language construct ends it (with-blocks). */
  ended: boolean | null;
  /** Name of the enclosing function/method (e.g. `OrderService.placeOrder`) for derived-name fixes. */
  enclosingFunction?: string;
  /** Where a missing end call would go, when the fix is clear. */
  endFix?: Fix;
  /** When `ended` is false: the return/throw (or the end of the function) where a path leaves without ending the span. */
  leak?: Range;
  /** Later renames of the span (`updateName`, `update_name`, `SetName`): judged by the same name rules. */
  renames?: ValueInfo[];
  /** The function enclosing the site, when its parameters flow into the name (pass-through helpers). */
  enclosing?: Callable;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  /** Edits in the site's file. */
  edits: TextEdit[];
  /** True for the one fix to offer first. */
  preferred?: boolean;
}

export interface Finding {
  rule: RuleId;
  severity: Exclude<Severity, 'off'>;
  file: string;
  range: Range;
  message: string;
  fixes: Fix[];
  related?: RelatedLocation[];
}

/** A file the analyzer could not read or parse: reported, never fatal. */
export interface ParseProblem {
  file: string;
  message: string;
}

/** Per-file result of a language front-end. */
export interface FileSites {
  sites: SpanSite[];
  problems: ParseProblem[];
}

/**
 * A language front-end (TypeScript via ts-morph, Python and Go via tree-sitter).
 * The workspace analyzer feeds it every file of its languages so cross-file constants
 * resolve, then asks for the sites of the files it needs. Never throws on bad source.
 */
export interface LanguageFrontEnd {
  /** File extensions handled, with the dot, e.g. ['.py']. */
  readonly extensions: readonly string[];
  /** Adds or replaces a file's text (absolute path). */
  updateFile(file: string, text: string): void;
  removeFile(file: string): void;
  /** Span sites of one file previously given to updateFile. */
  sitesOf(file: string): FileSites;
  /**
   * Calls in `file` of `callee` (a function or method of any known file of this language) with
   * the argument at `index`. Cheap for files that do not mention the callee's name.
   */
  callsTo?(file: string, callee: Callable, index: number): PassedArgument[];
  /**
   * Spans of `file` that come from the project's own functions returning a started span
   * (`span := diag.StartSpan(ctx, ...)`, `span = self._start(...)`): not span sites (the helper
   * holds the tracer call), but the caller still owns the span, so only span-not-ended is
   * judged on them (`ended`, `leak`, `endFix`; `range`/`headRange` at the helper call).
   */
  helperSpansOf?(file: string): SpanSite[];
}

/** The span kinds OTel APIs name, lower-cased, in the order of the APIs' SpanKind enum (INTERNAL = 0). */
export const SPAN_KINDS: readonly string[] = ['internal', 'server', 'client', 'producer', 'consumer'];
