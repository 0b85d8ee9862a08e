// A multi-root workspace opened untrusted (restricted mode; the harness's "restricted" phase):
// analysis runs in both folders, and the receiver stays on loopback although the user settings,
// the .code-workspace file and a folder's .vscode/settings.json all set bindAddress 0.0.0.0. Neither
// folder depends on OpenTelemetry, so the receiver waits for the map to open (autoStart auto).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FlowMapApi } from '../../../client/src/extension';
import { waitFor } from '../suite/poll';

const EXTENSION_ID = 'otel-flow-map.otel-flow-map';

const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code);

function folderUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.name === name);
  assert.ok(folder, `the workspace has a folder named ${name}: ${JSON.stringify(vscode.workspace.workspaceFolders?.map((f) => f.name))}`);
  return folder.uri;
}

describe('OTel Flow Map in an untrusted multi-root workspace', () => {
  let api: FlowMapApi;

  before(async () => {
    const extension = vscode.extensions.getExtension<FlowMapApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is loaded from extensionDevelopmentPath`);
    api = await extension.activate();
    await api.ready;
  });

  it('runs in restricted mode', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.equal(vscode.workspace.workspaceFolders?.length, 2);
  });

  it('flags span names in the files of both folders', async () => {
    for (const [folder, file] of [['orders', 'src/orders.ts'], ['billing', 'src/invoice.ts']]) {
      const uri = vscode.Uri.joinPath(folderUri(folder), file);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      await waitFor(`a generic-name diagnostic on ${folder}/${file}`, () => vscode.languages.getDiagnostics(uri).find((d) => codeOf(d) === 'generic-name'));
    }
  });

  it("judges each folder by its own settings: billing's .vscode/settings.json makes generic-name an error there only", async () => {
    const severity = async (folder: string, file: string) => {
      const uri = vscode.Uri.joinPath(folderUri(folder), file);
      const d = await waitFor(`a generic-name diagnostic on ${folder}/${file}`, () => vscode.languages.getDiagnostics(uri).find((x) => codeOf(x) === 'generic-name'));
      return d.severity;
    };
    assert.equal(await severity('billing', 'src/invoice.ts'), vscode.DiagnosticSeverity.Error);
    assert.equal(await severity('orders', 'src/orders.ts'), vscode.DiagnosticSeverity.Warning);
  });

  it('leaves the ports alone: neither folder depends on OpenTelemetry (autoStart auto)', async () => {
    const idle = await waitFor('the receiver not started', () => (api.receiverStatus().state === 'stopped' ? api.receiverStatus() : undefined));
    assert.match(idle.message ?? '', /no OpenTelemetry dependency/);
  });

  it('starts the receiver when the map opens, and keeps it on loopback', async () => {
    await vscode.commands.executeCommand('otelFlowMap.openMap');
    const status = await waitFor('the receiver listening', () => (api.receiverStatus().state === 'listening' ? api.receiverStatus() : undefined));
    assert.match(status.http ?? '', /^127\.0\.0\.1:\d+$/, JSON.stringify(status));
    assert.match(status.grpc ?? '', /^127\.0\.0\.1:\d+$/, JSON.stringify(status));
  });
});
