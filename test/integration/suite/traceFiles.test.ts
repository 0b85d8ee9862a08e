// Trace files and a second window, in a real VS Code: import a collector file-exporter fixture
// through the command, export it again; and "Show Owner's Data" when another receiver (a real
// `otel-flow-map serve`) owns the configured HTTP port.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as vscode from 'vscode';
import type { FlowMapApi } from '../../../client/src/extension';
import type { TraceExportResult, TraceImportResult } from '../../../common/src/telemetry';
import { waitFor } from './poll';
import { requestUiCheck } from './uiCheck';

const EXTENSION_ID = 'otel-flow-map.otel-flow-map';

function postJson(port: number, body: unknown): Promise<number> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(data);
  });
}

function oneSpan(service: string, spanId: string): unknown {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [{ spans: [{ traceId: 'c'.repeat(32), spanId, name: 'work', kind: 1, startTimeUnixNano: String(now - 1_000_000n), endTimeUnixNano: String(now) }] }],
    }],
  };
}

const hasService = (api: FlowMapApi, name: string) => api.lastGraph().nodes.some((n) => n.kind === 'service' && n.name === name);

describe('OTel Flow Map trace files and a second window', () => {
  let api: FlowMapApi;
  let extensionPath: string;

  before(async () => {
    const extension = vscode.extensions.getExtension<FlowMapApi>(EXTENSION_ID);
    assert.ok(extension);
    extensionPath = extension.extensionPath;
    api = await extension.activate();
    await api.ready;
    await waitFor('the receiver to listen', () => api.receiverStatus().state === 'listening');
  });

  it('imports a collector file-exporter JSON-lines file through the command, counting the malformed line', async () => {
    const fixture = join(extensionPath, 'test', 'fixtures', 'traces', 'collector-file-exporter.jsonl');
    const result = await vscode.commands.executeCommand<TraceImportResult>('otelFlowMap.importTraces', vscode.Uri.file(fixture));
    assert.deepEqual(result, { spans: 2, requests: 2, rejectedLines: 1 });
    await waitFor('the imported services and their calls edge', () =>
      api.lastGraph().edges.some((e) => e.id === 'service:imported-frontend|calls|service:imported-cart'));
  });

  it('exports the retained spans as OTLP JSON-lines that import again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ofm-it-export-'));
    try {
      const path = join(dir, 'traces.jsonl');
      const exported = await vscode.commands.executeCommand<TraceExportResult>('otelFlowMap.exportTraces', path);
      assert.ok(exported && exported.spans >= 2, JSON.stringify(exported));
      const services = readFileSync(path, 'utf8').split('\n').filter(Boolean)
        .flatMap((l) => (JSON.parse(l) as { resourceSpans: { resource: { attributes: { value: { stringValue: string } }[] } }[] }).resourceSpans)
        .map((r) => r.resource.attributes[0].value.stringValue);
      assert.ok(services.includes('imported-frontend') && services.includes('imported-cart'), services.join());
      await vscode.commands.executeCommand('otelFlowMap.clearData');
      await waitFor('the graph to be empty', () => api.lastGraph().nodes.length === 0);
      const again = await vscode.commands.executeCommand<TraceImportResult>('otelFlowMap.importTraces', path);
      assert.equal(again?.spans, exported.spans);
      await waitFor('the round-tripped calls edge', () => api.lastGraph().edges.some((e) => e.id === 'service:imported-frontend|calls|service:imported-cart'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a file it cannot read instead of failing', async () => {
    const result = await vscode.commands.executeCommand('otelFlowMap.importTraces', join(tmpdir(), 'no-such-otel-file.jsonl'));
    assert.equal(result, undefined);
  });

  describe('when another receiver owns the HTTP port', () => {
    let owner: ChildProcess | undefined;
    let ownerHttp = 0;
    const receiver = () => vscode.workspace.getConfiguration('otelFlowMap.receiver');

    before(async () => {
      const cli = join(extensionPath, 'dist', 'cli.js');
      const proc = spawn(process.execPath, [cli, 'serve', '--grpc-port', '0', '--http-port', '0', '--ui-port', '0'], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
      owner = proc;
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({ input: proc.stdout }).once('line', resolve);
        proc.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      ownerHttp = Number((JSON.parse(first) as { http: string }).http.split(':').pop());
      assert.equal(await postJson(ownerHttp, oneSpan('owner-window-a', '1'.repeat(16))), 200);
    });
    after(async () => {
      owner?.kill('SIGKILL');
      await receiver().update('httpPort', undefined, vscode.ConfigurationTarget.Workspace);
    });

    it("shows the live graph of the OTel Flow Map receiver holding the port, with no warning, and takes the port over once it stops", async () => {
      await receiver().update('httpPort', ownerHttp, vscode.ConfigurationTarget.Workspace);
      await waitFor("the owner's graph", () => api.viewingOwnerPort() === ownerHttp && hasService(api, 'owner-window-a'));
      assert.equal(api.receiverWarning(), undefined, 'no warning while the data is live');
      // Later spans at the owner stream in (SSE deltas).
      assert.equal(await postJson(ownerHttp, oneSpan('owner-window-b', '2'.repeat(16))), 200);
      await waitFor("the owner's new service", () => hasService(api, 'owner-window-b'));
      const status = await requestUiCheck({ id: 'viewing-owner', statusBarText: `:${ownerHttp} (shared)` });
      assert.ok(status.ok, status.details.join('; '));

      // The owner stops (the demo ends): the port frees and this window's receiver takes it, no settings change.
      owner?.kill('SIGKILL');
      await waitFor('this window to listen on the freed port and stop mirroring', () => api.receiverStatus().http === `127.0.0.1:${ownerHttp}` && api.viewingOwnerPort() === undefined, 20_000);
      await waitFor("this window's own graph back", () => !hasService(api, 'owner-window-a'));
    });
  });
});
