// The "Disable <rule> for this line" quick fix, written in the form each language's users know
// (suppressions.ts parses the same forms): ESLint's disable-next-line comment above the line in
// TS/JS, a `//nolint`-like comment above it in Go, a `# noqa`-like comment at its end in Python.

import { CodeAction, CodeActionKind, type Diagnostic, type TextEdit } from 'vscode-languageserver/node';
import { extname } from 'node:path';
import type { Finding } from '../analysis/types';

const PYTHON = new Set(['.py', '.pyi']);
const GO = new Set(['.go']);

/** The edit that silences `rule` on `line` (0-based) of a file with this extension, given that line's text. */
export function disableEdit(file: string, rule: string, line: number, lineText: string): TextEdit {
  const ext = extname(file);
  const indent = /^\s*/.exec(lineText)![0];
  const above = (comment: string): TextEdit => ({ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}${comment}\n` });
  if (GO.has(ext)) return above(`//otel-flow-map:ignore ${rule}`);
  if (!PYTHON.has(ext)) return above(`// otel-flow-map-disable-next-line ${rule}`);
  const existing = /#\s*otel-flow-map:\s*disable=([^#]*?)\s*$/.exec(lineText);
  if (existing) {
    // One comment per line: add the rule to the list already there.
    const end = existing.index + existing[0].trimEnd().length;
    return { range: { start: { line, character: end }, end: { line, character: end } }, newText: `,${rule}` };
  }
  // After a backslash continuation a comment would end the statement: put it on the line above.
  if (lineText.trimEnd().endsWith('\\')) return above(`# otel-flow-map: disable-next-line=${rule}`);
  const end = lineText.trimEnd().length;
  return { range: { start: { line, character: end }, end: { line, character: lineText.length } }, newText: `  # otel-flow-map: disable=${rule}` };
}

export function disableForLineAction(uri: string, file: string, finding: Finding, diagnostic: Diagnostic, lineText: string): CodeAction {
  const edit = disableEdit(file, finding.rule, finding.range.start.line, lineText);
  const action = CodeAction.create(`Disable ${finding.rule} for this line`, { changes: { [uri]: [edit] } }, CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  return action;
}
