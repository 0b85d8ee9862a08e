// Analyzer findings as LSP diagnostics (rule id as code, link to the rule's documentation)
// and their fixes as quick-fix code actions.

import { CodeAction, CodeActionKind, DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver/node';
import { pathToFileURL } from 'node:url';
import { ruleDocUrl } from '../analysis/ruleDocs';
import type { Finding } from '../analysis/types';

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
    codeDescription: { href: ruleDocUrl(f.rule) },
    source: DIAGNOSTIC_SOURCE,
    message: f.message,
    ...(f.related?.length ? { relatedInformation: f.related.map((r) => ({ location: { uri: pathToFileURL(r.file).href, range: r.range }, message: r.message })) } : {}),
  };
}

/** Quick fixes of the findings that touch `range`. */
export function toCodeActions(uri: string, findings: readonly Finding[], range: Range): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const f of findings) {
    if (!overlaps(f.range, range)) continue;
    for (const fix of f.fixes) {
      const action = CodeAction.create(fix.title, { changes: { [uri]: fix.edits } }, CodeActionKind.QuickFix);
      action.diagnostics = [toDiagnostic(f)];
      if (fix.preferred) action.isPreferred = true;
      actions.push(action);
    }
  }
  return actions;
}

function overlaps(a: Range, b: Range): boolean {
  return !(before(a.end, b.start) || before(b.end, a.start));
}

function before(p: Range['start'], q: Range['start']): boolean {
  return p.line < q.line || (p.line === q.line && p.character < q.character);
}
