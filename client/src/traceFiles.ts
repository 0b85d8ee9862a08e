// "Import Traces from File…" and "Export Traces…": the user picks the file, the language server's
// receiver reads or writes it (OTLP JSON-lines, as the collector's file exporter writes).
// Both accept a path or Uri argument instead of the dialog (tests, other extensions).

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ExportTracesRequest, ImportTracesRequest } from '../../common/src/lspMethods';
import type { TraceExportResult, TraceImportResult } from '../../common/src/telemetry';

const FILTERS = { 'OTLP JSON': ['json', 'jsonl'] };

export async function importTraces(client: LanguageClient, arg?: unknown): Promise<TraceImportResult | undefined> {
  const path = pathArg(arg) ?? (await vscode.window.showOpenDialog({ canSelectMany: false, filters: FILTERS, title: 'Import Traces (OTLP JSON)' }))?.[0]?.fsPath;
  if (!path) return undefined;
  try {
    const result = await client.sendRequest(ImportTracesRequest, { path });
    const skipped = result.rejectedLines > 0 ? `; ${result.rejectedLines} malformed line(s) skipped` : '';
    const show = result.spans > 0 ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void show(`OTel Flow Map: imported ${result.spans} span(s) from ${result.requests} request(s)${skipped}.`);
    return result;
  } catch (e) {
    void vscode.window.showErrorMessage(`OTel Flow Map: could not import traces: ${messageOf(e)}`);
    return undefined;
  }
}

export async function exportTraces(client: LanguageClient, arg?: unknown): Promise<TraceExportResult | undefined> {
  const defaultUri = vscode.workspace.workspaceFolders?.[0] ? vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'traces.jsonl') : undefined;
  const path = pathArg(arg) ?? (await vscode.window.showSaveDialog({ filters: FILTERS, defaultUri, title: 'Export Traces (OTLP JSON-lines)' }))?.fsPath;
  if (!path) return undefined;
  try {
    const result = await client.sendRequest(ExportTracesRequest, { path });
    void vscode.window.showInformationMessage(`OTel Flow Map: exported ${result.spans} span(s) to ${path}.`);
    return result;
  } catch (e) {
    void vscode.window.showErrorMessage(`OTel Flow Map: could not export traces: ${messageOf(e)}`);
    return undefined;
  }
}

function pathArg(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg !== '') return arg;
  if (arg instanceof vscode.Uri && arg.scheme === 'file') return arg.fsPath;
  return undefined;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
