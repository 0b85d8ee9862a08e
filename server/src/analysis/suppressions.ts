// Suppression comments, in each language's habit (like eslint-disable, `# noqa`, `//nolint`):
//
//   TS/JS, Go  // otel-flow-map-disable-next-line <rule>[, <rule>]   the next line
//              // otel-flow-map-disable-line <rule>                   its own line
//   TS/JS      /* otel-flow-map-disable <rule> */ before any code      the whole file
//   Python     # otel-flow-map: disable=<rule>                         its own line
//              # otel-flow-map: disable-next-line=<rule>               the next line
//   Go         //otel-flow-map:ignore <rule>                           its own line; alone on a line, the next
//
// Without a rule name a comment silences every rule. Text after ` -- ` is a reason and ignored.
// A finding is silenced by the line it starts on. Only comments are parsed, not strings, but a
// marker inside a string literal is rare enough that a line-based scan is the right trade.

import { extname } from 'node:path';
import type { Finding } from './types';

export interface Suppression {
  /** 0-based line and column of the comment (for `--report-unused-disables`). */
  line: number;
  column: number;
  /** The rules named; empty = every rule. Unknown names are kept so they can be reported unused. */
  rules: string[];
  /** 0-based lines silenced, or 'file'. */
  scope: number | 'file';
  /** The comment as written, for messages. */
  text: string;
}

/** A suppression (or one of the rules it names) that silenced no finding. */
export interface UnusedSuppression {
  suppression: Suppression;
  /** The rule named that had no finding there; undefined for a comment without rule names. */
  rule?: string;
}

type Syntax = 'c' | 'python' | 'go';

const SYNTAX: Record<string, Syntax> = {
  '.ts': 'c', '.tsx': 'c', '.mts': 'c', '.cts': 'c', '.js': 'c', '.jsx': 'c', '.mjs': 'c', '.cjs': 'c',
  '.py': 'python', '.pyi': 'python',
  '.go': 'go',
};

/** Comment forms per syntax: `kind` tells how far each reaches. */
const LINE_FORMS: Record<Syntax, { re: RegExp; kind: 'next' | 'own' | 'ownOrNext' }[]> = {
  c: [
    { re: /(?:^|[\s;{}(),])\/\/\s*otel-flow-map-disable-next-line(?![\w-])(.*)$/, kind: 'next' },
    { re: /(?:^|[\s;{}(),])\/\/\s*otel-flow-map-disable-line(?![\w-])(.*)$/, kind: 'own' },
  ],
  go: [
    { re: /(?:^|[\s;{}(),])\/\/\s*otel-flow-map-disable-next-line(?![\w-])(.*)$/, kind: 'next' },
    { re: /(?:^|[\s;{}(),])\/\/\s*otel-flow-map-disable-line(?![\w-])(.*)$/, kind: 'own' },
    { re: /(?:^|[\s;{}(),])\/\/\s*otel-flow-map:ignore(?![\w-])(.*)$/, kind: 'ownOrNext' },
  ],
  python: [
    { re: /(?:^|\s)#\s*otel-flow-map:\s*disable-next-line(?:\s*=\s*|(?![\w-]))(.*)$/, kind: 'next' },
    { re: /(?:^|\s)#\s*otel-flow-map:\s*disable(?:\s*=\s*|(?![\w-]))(.*)$/, kind: 'own' },
  ],
};

/** `/* otel-flow-map-disable a, b *\/` (not `-line` / `-next-line`). */
const FILE_FORM = /\/\*\s*otel-flow-map-disable(?![\w-])([\s\S]*?)\*\//g;

/** The suppression comments of a file; the language comes from its extension. */
export function parseSuppressions(file: string, text: string): Suppression[] {
  // Most files have none: one substring search instead of a line-by-line scan.
  if (!text.includes('otel-flow-map')) return [];
  const syntax = SYNTAX[extname(file)];
  if (!syntax) return [];
  const out: Suppression[] = syntax === 'c' ? fileWide(text) : [];
  const lines = text.split(/\r?\n/);
  lines.forEach((lineText, line) => {
    if (!lineText.includes('otel-flow-map')) return;
    for (const { re, kind } of LINE_FORMS[syntax]) {
      const m = re.exec(lineText);
      if (!m) continue;
      const column = m.index + m[0].search(/\/\/|#/);
      const alone = lineText.slice(0, column).trim() === '';
      const scope = kind === 'next' || (kind === 'ownOrNext' && alone) ? line + 1 : line;
      out.push({ line, column, rules: ruleNames(m[1]), scope, text: lineText.slice(column).trim() });
      break;
    }
  });
  return out;
}

/** File-wide comments count only in the file's header (before the first line of code), as the table says: "at the top". */
function fileWide(text: string): Suppression[] {
  const header = text.slice(0, headerLength(text));
  const out: Suppression[] = [];
  for (const m of header.matchAll(FILE_FORM)) {
    const before = header.slice(0, m.index);
    const line = before.split('\n').length - 1;
    out.push({ line, column: m.index - (before.lastIndexOf('\n') + 1), rules: ruleNames(m[1]), scope: 'file', text: m[0] });
  }
  return out;
}

/** Length of the leading run of blank lines, comments, a shebang and directive prologues ('use strict'). */
function headerLength(text: string): number {
  const skip = /^(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|#![^\n]*|(['"])use [\w ]+\1;?)/;
  let at = 0;
  for (;;) {
    const m = skip.exec(text.slice(at, at + 4096));
    if (!m || m[0].length === 0) return at;
    at += m[0].length;
  }
}

/** `a, b -- reason` → ['a', 'b']; a further comment on the line (`# noqa`, `*\/`) ends the list. */
function ruleNames(rest: string): string[] {
  const names = rest.split(/\s--(?:\s|$)|#|\/\/|\*\//)[0];
  return names.split(/[\s,]+/).filter((n) => /^[a-z][\w-]*$/i.test(n));
}

function silences(s: Suppression, f: Finding): boolean {
  return (s.scope === 'file' || s.scope === f.range.start.line) && (s.rules.length === 0 || s.rules.includes(f.rule));
}

export interface SuppressionOutcome {
  /** The findings no comment silenced. */
  findings: Finding[];
  /** Comments, or rule names in them, that silenced nothing. */
  unused: UnusedSuppression[];
}

export function applySuppressions(findings: readonly Finding[], suppressions: readonly Suppression[]): SuppressionOutcome {
  if (suppressions.length === 0) return { findings: [...findings], unused: [] };
  const used = new Map<Suppression, Set<string>>();
  const kept = findings.filter((f) => {
    const by = suppressions.filter((s) => silences(s, f));
    for (const s of by) {
      const rules = used.get(s) ?? new Set<string>();
      used.set(s, rules.add(f.rule));
    }
    return by.length === 0;
  });
  const unused: UnusedSuppression[] = [];
  for (const s of suppressions) {
    const hit = used.get(s);
    if (s.rules.length === 0) {
      if (!hit) unused.push({ suppression: s });
    } else for (const rule of s.rules) if (!hit?.has(rule)) unused.push({ suppression: s, rule });
  }
  return { findings: kept, unused };
}
