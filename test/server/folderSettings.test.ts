// Per-folder editor settings (resource scope) over real JSON-RPC: the client pushes each folder's
// own analysis settings (client/src/settings.ts, `folders`), and each folder's files are judged by
// them, over the workspace's; a change to one folder's settings reaches only that folder.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import { LspSession } from './lspClient';

const source = `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('svc');
export function run(): void {
  tracer.startActiveSpan('handler', (span) => span.end());
}
`;

describe('per-folder editor settings (resource scope)', function () {
  this.timeout(30_000);
  let dir: string;
  let lsp: LspSession;
  const folder = (name: string) => join(dir, name);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ofm-folder-settings-'));
    for (const name of ['orders', 'billing']) {
      mkdirSync(join(folder(name), 'src'), { recursive: true });
      writeFileSync(join(folder(name), 'src', 'a.ts'), source);
    }
    lsp = new LspSession();
    await lsp.initialize([folder('orders'), folder('billing')], {
      receiver: { autoStart: 'never' },
      analysis: { severities: { 'span-not-ended': 'off' } },
      folders: { [folder('billing')]: { severities: { 'generic-name': 'error' } } },
    });
  });
  after(() => {
    lsp.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const severityIn = async (name: string, expected: DiagnosticSeverity | undefined): Promise<void> => {
    const uri = await lsp.open(join(folder(name), 'src', 'a.ts'), source);
    const { diagnostics } = await lsp.diagnostics(uri, (p) => p.diagnostics.find((d) => d.code === 'generic-name')?.severity === expected);
    assert.equal(diagnostics.find((d) => d.code === 'generic-name')?.severity, expected);
  };

  it("judges each folder's files by that folder's settings over the workspace's", async () => {
    await severityIn('billing', DiagnosticSeverity.Error);
    await severityIn('orders', DiagnosticSeverity.Warning);
  });

  it("applies a change to one folder's settings to that folder only", async () => {
    await lsp.configure({ receiver: { autoStart: 'never' }, analysis: {}, folders: { [folder('orders')]: { severities: { 'generic-name': 'information' } } } });
    await severityIn('orders', DiagnosticSeverity.Information);
    await severityIn('billing', DiagnosticSeverity.Warning);
  });
});
