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
  kind: string | null;
  attributes: AttributeInfo[];
  /** Whether the span is ended on every path; null when the language construct ends it (with-blocks). */
  ended: boolean | null;
  /** Name of the enclosing function/method (e.g. `OrderService.placeOrder`) for derived-name fixes. */
  enclosingFunction?: string;
  /** Where a missing end call would go, when the fix is clear. */
  endFix?: Fix;
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
}
