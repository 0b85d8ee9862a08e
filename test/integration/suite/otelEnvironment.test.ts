// Zero-config export in a real VS Code: a new integrated terminal has the OTLP variables of the
// running receiver, and a Node program launched under the debugger gets them too and its span
// appears on the map with no manual setup.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FlowMapApi } from '../../../client/src/extension';
import { waitFor } from './poll';

const EXTENSION_ID = 'otel-flow-map.otel-flow-map';

// The debuggee: posts one span as OTLP/JSON to the endpoint its environment names (no SDK needed).
const PROGRAM = `const { writeFileSync } = require('node:fs');
const env = process.env;
writeFileSync(process.argv[2], JSON.stringify({ endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, protocol: env.OTEL_EXPORTER_OTLP_PROTOCOL, service: env.OTEL_SERVICE_NAME }));
const now = BigInt(Date.now()) * 1000000n;
const attr = (key, value) => ({ key, value: { stringValue: value } });
const body = { resourceSpans: [{ resource: { attributes: [attr('service.name', env.OTEL_SERVICE_NAME)] }, scopeSpans: [{ scope: { name: 'debuggee' }, spans: [{
  traceId: '6b8efff798038103d269b633813fc60c', spanId: 'fee19b7ec3c1b174', name: 'debuggee.work', kind: 1,
  startTimeUnixNano: String(now - 1000000n), endTimeUnixNano: String(now) }] }] }] };
fetch(env.OTEL_EXPORTER_OTLP_ENDPOINT + '/v1/traces', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  .then((r) => console.log('export', r.status), (e) => console.error('export failed', e));
`;

describe('Zero-config export (terminals, debug sessions)', () => {
  let api: FlowMapApi;
  let dir: string;

  before(async () => {
    api = await vscode.extensions.getExtension<FlowMapApi>(EXTENSION_ID)!.activate();
    await api.ready;
    await waitFor('the receiver to listen', () => api.receiverStatus().state === 'listening');
    dir = mkdtempSync(join(tmpdir(), 'ofm-env-'));
  });

  it('a new integrated terminal has OTEL_EXPORTER_OTLP_ENDPOINT pointing at the running receiver', async () => {
    // VS Code hands a changed variable collection to its terminal host asynchronously: a terminal
    // opened right after the receiver moved (an earlier phase takes a port over) may still get the
    // old value, so a fresh terminal is opened until one sees the current port, within 20 s.
    const deadline = Date.now() + 20_000;
    for (let attempt = 0; ; attempt++) {
      const out = join(dir, `terminal-${attempt}.txt`);
      const terminal = vscode.window.createTerminal({ name: `otel env check ${attempt}`, cwd: dir });
      try {
        terminal.sendText(`printenv OTEL_EXPORTER_OTLP_ENDPOINT OTEL_EXPORTER_OTLP_PROTOCOL > ${out}.tmp; mv ${out}.tmp ${out}`);
        const text = await waitFor('the terminal to write its environment', () => existsSync(out) && readFileSync(out, 'utf8'));
        const port = api.receiverStatus().http!.split(':').pop();
        const seen = text.trim().split('\n');
        const wanted = [`http://127.0.0.1:${port}`, 'http/protobuf'];
        if (seen[0] === wanted[0] || Date.now() > deadline) {
          assert.deepEqual(seen, wanted);
          return;
        }
      } finally {
        terminal.dispose();
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });

  it('a Node launch configuration under the debugger exports to the map with no setup', async function () {
    const program = join(dir, 'app.js');
    const out = join(dir, 'debuggee.json');
    writeFileSync(program, PROGRAM);
    const folder = vscode.workspace.workspaceFolders?.[0];
    const started = await vscode.debug.startDebugging(folder, { type: 'node', request: 'launch', name: 'zero-config-debuggee', program, args: [out], console: 'internalConsole' });
    assert.ok(started, 'the debug session started (js-debug is built in)');
    const seen = JSON.parse(await waitFor('the debuggee to write its environment', () => existsSync(out) && readFileSync(out, 'utf8'))) as Record<string, string>;
    const port = api.receiverStatus().http!.split(':').pop();
    assert.deepEqual(seen, { endpoint: `http://127.0.0.1:${port}`, protocol: 'http/protobuf', service: 'zero-config-debuggee' });
    await waitFor('the debuggee service on the map', () => api.lastGraph().nodes.some((n) => n.name === 'zero-config-debuggee'));
  });
});
