// Untrusted workspace: with the receiver listening, a new terminal and a Node debuggee get no OTLP
// variables from the extension (issue 19: "nothing is injected in untrusted workspaces").
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FlowMapApi } from '../../../client/src/extension';
import { waitFor } from '../suite/poll';

describe('Zero-config export in an untrusted workspace', () => {
  it('injects nothing into a new terminal although the receiver listens', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const api = await vscode.extensions.getExtension<FlowMapApi>('otel-flow-map.otel-flow-map')!.activate();
    await api.ready;
    await vscode.commands.executeCommand('otelFlowMap.openMap');
    await waitFor('the receiver to listen', () => api.receiverStatus().state === 'listening');
    const dir = mkdtempSync(join(tmpdir(), 'ofm-env-'));
    const out = join(dir, 'terminal.txt');
    const terminal = vscode.window.createTerminal({ name: 'otel env check', cwd: dir });
    try {
      terminal.sendText(`echo "[$OTEL_EXPORTER_OTLP_ENDPOINT]" > ${out}.tmp; mv ${out}.tmp ${out}`);
      const text = await waitFor('the terminal to write its environment', () => existsSync(out) && readFileSync(out, 'utf8'));
      assert.equal(text.trim(), '[]');
    } finally {
      terminal.dispose();
    }
  });
});
