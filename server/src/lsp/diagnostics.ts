// Analyzer findings as LSP diagnostics (rule id as code, link to the rule's documentation shipped
// inside the extension) and their fixes as quick-fix code actions, each finding's own fixes first,
// then "Disable <rule> for this line".

import { CodeAction, CodeActionKind, DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver/node';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ruleDocUri } from '../analysis/ruleDocs';
import type { Finding } from '../analysis/types';
import { disableForLineAction } from './suppressFix';

export const DIAGNOSTIC_SOURCE = 'otel-flow-map';

const SEVERITY: Record<Finding['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(f: Finding): Diagnostic {
  return {
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.rule,
    codeDescription: { href: ruleDocUri(f.rule) },
    source: DIAGNOSTIC_SOURCE,
    message: f.message,
    ...(f.related?.length ? { relatedInformation: f.related.map((r) => ({ location: { uri: pathToFileURL(r.file).href, range: r.range }, message: r.message })) } : {}),
  };
}

/**
 * Quick fixes of the findings that touch `range`; `lineText` gives the document's lines (the
 * suppression comment is written to match the line's indentation, or appended to it).
 */
export function toCodeActions(uri: string, findings: readonly Finding[], range: Range, lineText?: (line: number) => string): CodeAction[] {
  const actions: CodeAction[] = [];
  const disables: CodeAction[] = [];
  const file = uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  for (const f of findings) {
    if (!overlaps(f.range, range)) continue;
    const diagnostic = toDiagnostic(f);
    for (const fix of f.fixes) {
      const action = CodeAction.create(fix.title, { changes: { [uri]: fix.edits } }, CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      if (fix.preferred) action.isPreferred = true;
      actions.push(action);
    }
    if (lineText) disables.push(disableForLineAction(uri, file, f, diagnostic, lineText(f.range.start.line)));
  }
  return [...actions, ...disables];
}

function overlaps(a: Range, b: Range): boolean {
  return !(before(a.end, b.start) || before(b.end, a.start));
}

function before(p: Range['start'], q: Range['start']): boolean {
  return p.line < q.line || (p.line === q.line && p.character < q.character);
}
