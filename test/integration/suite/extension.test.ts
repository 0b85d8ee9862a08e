// The extension in a real VS Code (code-server): activation, diagnostics from the language
// server, the OTLP receiver fed over HTTP, the map panel and workspace-bound "open location".
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import * as vscode from 'vscode';
import type { FlowMapApi } from '../../../client/src/extension';
import { waitFor } from './poll';
import { requestUiCheck } from './uiCheck';

const EXTENSION_ID = 'otel-flow-map.otel-flow-map';
const SERVICE = 'checkout-it';

const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code);

/** Every diagnostic VS Code holds, for failure messages. */
function allDiagnostics(): string {
  return JSON.stringify(vscode.languages.getDiagnostics().map(([uri, ds]) => [uri.toString(), ds.map((d) => `${d.source}:${String(codeOf(d))}@${d.range.start.line}`)]));
}

function genericNameDiagnostic(uri: vscode.Uri): Promise<vscode.Diagnostic> {
  return waitFor('a generic-name diagnostic on src/orders.ts', () => vscode.languages.getDiagnostics(uri).find((d) => codeOf(d) === 'generic-name')).catch((e: Error) => {
    throw new Error(`${e.message}; diagnostics: ${allDiagnostics()}`);
  });
}

function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the harness opens the fixture workspace');
  return folder.uri;
}

function postJson(port: number, path: string, body: unknown): Promise<number> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(data);
  });
}

function otlpJson(service: string, spanName: string): unknown {
  const now = BigInt(Date.now()) * 1_000_000n;
  const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
  return {
    resourceSpans: [{
      resource: { attributes: [attr('service.name', service)] },
      scopeSpans: [{
        scope: { name: 'integration-test' },
        spans: [{
          traceId: '5b8efff798038103d269b633813fc60c',
          spanId: 'eee19b7ec3c1b174',
          name: spanName,
          kind: 2,
          startTimeUnixNano: String(now - 5_000_000n),
          endTimeUnixNano: String(now),
          attributes: [attr('coordimap.flow.name', 'checkout.place_order'), attr('coordimap.flow.step', 'checkout.validate_cart')],
        }],
      }],
    }],
  };
}

describe('OTel Flow Map in VS Code', () => {
  let api: FlowMapApi;

  before(async () => {
    const extension = vscode.extensions.getExtension<FlowMapApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is loaded from extensionDevelopmentPath`);
    api = await extension.activate();
  });

  it('activates quickly and starts the language server', async () => {
    assert.ok(api.activationMs >= 0 && api.activationMs < 1000, `activation took ${api.activationMs} ms`);
    const started = Date.now();
    await api.ready;
    console.log(`      activate() ${api.activationMs.toFixed(1)} ms; server ready ${Date.now() - started} ms later`);
  });

  it('flags the generic span name in the fixture with a generic-name diagnostic', async () => {
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'src', 'orders.ts');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const diagnostic = await genericNameDiagnostic(uri);
    assert.equal(diagnostic.range.start.line, 6, 'on the startActiveSpan("handler") line');
  });

  it('applies the quick fix for the generic name, and the diagnostic goes away', async () => {
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'src', 'orders.ts');
    const document = await vscode.workspace.openTextDocument(uri);
    const diagnostic = await genericNameDiagnostic(uri);
    const seen = new Set<string>();
    const fix = await waitFor('a quick fix editing the generic name', async () => {
      const actions = await vscode.commands
        .executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value)
        .then(undefined, (e: Error) => {
          seen.add(`request failed: ${e.message}`);
          return [];
        });
      for (const a of actions) seen.add(`${a.title} (edit: ${!!a.edit})`);
      // The command's results carry no diagnostics: pick the fix by the line its edit changes.
      return actions.find((a) => a.edit?.get(uri).some((e) => e.range.start.line === diagnostic.range.start.line));
    }, 20_000).catch((e: Error) => assert.fail(`${e.message}; got ${JSON.stringify([...seen])}`));
    assert.ok(fix.edit);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.doesNotMatch(document.lineAt(6).text, /'handler'/);
    await waitFor('the generic-name diagnostic to go away', () => !vscode.languages.getDiagnostics(uri).some((d) => codeOf(d) === 'generic-name'));
  });

  it('receives a span over OTLP/HTTP on the configured port and maps its service', async () => {
    const status = await waitFor('the receiver to listen', () => (api.receiverStatus().state === 'listening' ? api.receiverStatus() : undefined));
    const configuredPort = vscode.workspace.getConfiguration('otelFlowMap.receiver').get<number>('httpPort');
    assert.equal(status.http, `127.0.0.1:${configuredPort}`, 'bound to loopback on the port from settings.json');
    assert.equal(await postJson(configuredPort as number, '/v1/traces', otlpJson(SERVICE, 'checkout.place_order')), 200);
    await waitFor(`service ${SERVICE} in the graph`, () => api.lastGraph().nodes.find((n) => n.kind === 'service' && n.name === SERVICE));
    assert.ok(api.lastGraph().stats.spansReceived >= 1);
  });

  it('opens the map panel', async () => {
    await vscode.commands.executeCommand('otelFlowMap.openMap');
    await waitFor('the map panel to be visible', () => api.mapPanelVisible());
  });

  it('shows the live service in the map webview and the ports in the status bar (checked in Chromium)', async () => {
    const httpPort = vscode.workspace.getConfiguration('otelFlowMap.receiver').get<number>('httpPort');
    const result = await requestUiCheck({ id: 'map', webviewSelector: `g.node[data-node-id="service:${SERVICE}"]`, statusBarText: `:${httpPort}` });
    assert.ok(result.ok, result.details.join('; '));
  });

  it('links the live span to its code with a CodeLens whose command focuses its step in the map', async () => {
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'src', 'orders.ts');
    const lens = await waitFor('a live CodeLens on placeOrder', async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return lenses.find((l) => l.command?.command === 'otelFlowMap.showInMap' && /^1 span/.test(l.command.title));
    });
    assert.deepEqual(lens.command?.arguments, [{ flow: 'checkout.place_order', step: 'checkout.validate_cart' }]);
    await vscode.commands.executeCommand(lens.command.command, ...(lens.command.arguments ?? []));
    const result = await requestUiCheck({ id: 'focus-step', webviewSelector: 'g.step.is-selected[data-step="checkout.validate_cart"]' });
    assert.ok(result.ok, result.details.join('; '));
  });

  it('opens the code location clicked in the map, at the span', async () => {
    assert.equal(vscode.window.activeTextEditor, undefined, 'the map panel has the focus');
    const result = await requestUiCheck({ id: 'click-code-link', clickInWebview: '.code-locations .code-link' });
    assert.ok(result.ok, result.details.join('; '));
    const editor = await waitFor('src/orders.ts to open from the map', () => vscode.window.activeTextEditor);
    assert.ok(editor.document.uri.path.endsWith('/src/orders.ts'), editor.document.uri.path);
    assert.equal(editor.selection.active.line, 6);
  });

  it('opens the recent trace of a step in the map\'s trace view, and its span\'s line from the waterfall', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('otelFlowMap.openRecentTrace', { flow: 'checkout.place_order', step: 'checkout.validate_cart', order: 'slowest' });
    const span = '.trace-view[data-state="shown"][data-trace-id="5b8efff798038103d269b633813fc60c"] .wf-span[data-span-id="eee19b7ec3c1b174"]';
    // In VS Code the span's code line is a button that asks the extension to open it (openLocation).
    const result = await requestUiCheck({ id: 'trace-code-link', webviewSelector: `${span} .wf-span-name`, clickInWebview: `${span} .wf-code button.code-link` });
    assert.ok(result.ok, result.details.join('; '));
    const editor = await waitFor('src/orders.ts to open from the trace view', () => vscode.window.activeTextEditor);
    assert.ok(editor.document.uri.path.endsWith('/src/orders.ts'), editor.document.uri.path);
    assert.equal(editor.selection.active.line, 6);
  });

  it('opens locations inside the workspace and refuses anything outside it', async () => {
    const opened = await api.openLocation({ file: 'src/orders.ts', line: 7, source: 'runtime' });
    assert.equal(opened, vscode.Uri.joinPath(workspaceRoot(), 'src', 'orders.ts').fsPath);
    assert.equal(vscode.window.activeTextEditor?.selection.active.line, 6);
    for (const file of ['../../package.json', '/etc/passwd', 'src/../../../etc/hostname']) {
      assert.equal(await api.openLocation({ file, line: 1, source: 'runtime' }), undefined, file);
    }
  });

  it('copies the endpoint settings picked for an SDK, with the live port', async () => {
    const httpPort = vscode.workspace.getConfiguration('otelFlowMap.receiver').get<number>('httpPort');
    const copying = vscode.commands.executeCommand('otelFlowMap.copyEndpointSettings');
    const result = await requestUiCheck({ id: 'copy-endpoint', pickQuickPick: 'Node.js' });
    assert.ok(result.ok, result.details.join('; '));
    await copying;
    assert.match(await vscode.env.clipboard.readText(), new RegExp(`^OTEL_EXPORTER_OTLP_ENDPOINT=http://127\\.0\\.0\\.1:${httpPort}\n`));
  });

  it('clears the live data from the status bar menu', async () => {
    assert.ok(api.lastGraph().nodes.length > 0, 'the span sent earlier is in the graph');
    const httpPort = vscode.workspace.getConfiguration('otelFlowMap.receiver').get<number>('httpPort');
    const result = await requestUiCheck({ id: 'status-menu', statusBarText: `:${httpPort}`, clickStatusBar: true, pickQuickPick: 'Clear Live Data' });
    assert.ok(result.ok, result.details.join('; '));
    await waitFor('the graph to be empty', () => api.lastGraph().nodes.length === 0);
  });

  it('warns once when another program holds a port, and "Use other ports" moves without touching a settings file', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    const receiver = vscode.workspace.getConfiguration('otelFlowMap.receiver');
    // Start from an empty notification list (the refused locations left warnings), so the one clicked below is this test's.
    await vscode.commands.executeCommand('notifications.clearAll');
    try {
      await receiver.update('httpPort', taken, vscode.ConfigurationTarget.Workspace);
      const failed = await waitFor('the receiver to report the taken port', () => (api.receiverStatus().state === 'error' ? api.receiverStatus() : undefined));
      assert.match(failed.message ?? '', new RegExp(String(taken)));
      await waitFor('the warning naming another program', () => /Another program/.test(api.receiverWarning() ?? ''));
      assert.equal(api.viewingOwnerPort(), undefined, 'a plain TCP listener is not mirrored');
      // Toasts hide on their own after a while; the notification center keeps the warning in view.
      await vscode.commands.executeCommand('notifications.showList');
      const click = await requestUiCheck({ id: 'port-conflict', clickNotification: { text: String(taken), button: 'Use other ports' } });
      assert.ok(click.ok, click.details.join('; '));
      const moved = await waitFor('the receiver to listen on other ports', () => (api.receiverStatus().state === 'listening' ? api.receiverStatus() : undefined));
      assert.notEqual(moved.http, `127.0.0.1:${taken}`);
      assert.equal(vscode.workspace.getConfiguration('otelFlowMap.receiver').inspect('httpPort')?.workspaceValue, taken, 'kept in workspace state, not written to settings');
    } finally {
      blocker.close();
      await vscode.commands.executeCommand('otelFlowMap.useConfiguredPorts');
      await receiver.update('httpPort', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});

