// Opens a code location the map asked for, only if it is a file inside a workspace folder.

import * as vscode from 'vscode';
import type { CodeLocation } from '../../common/src/graph';
import { resolveWorkspaceFile } from './workspacePaths';

/** Returns the opened file's path, or undefined when the location was refused or missing. */
export async function openWorkspaceLocation(location: CodeLocation): Promise<string | undefined> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const file = await resolveWorkspaceFile(location.file, folders);
  if (!file) {
    // The path is not echoed: it comes from span data, and notifications render links.
    void vscode.window.showWarningMessage('OTel Flow Map: that location is not a file in this workspace.');
    return undefined;
  }
  const position = new vscode.Position(Math.max(0, location.line - 1), Math.max(0, (location.column ?? 1) - 1));
  const editor = await vscode.window.showTextDocument(vscode.Uri.file(file), {
    selection: new vscode.Range(position, position),
    viewColumn: vscode.ViewColumn.One,
  });
  editor.revealRange(editor.selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return file;
}
