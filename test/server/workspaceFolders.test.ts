// Workspace folders added to and removed from a running server (multi-root windows), over real
// JSON-RPC: the added folder is scanned with its own otel-flow-map.json, the removed one's sites go.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import { waitFor } from '../support/waitFor';
import { LspSession } from './lspClient';

const source = (spanName: string) => `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('billing');
export function run(): void {
  tracer.startActiveSpan('${spanName}', (span) => span.end());
}
`;

describe('workspace folders changing while the server runs', function () {
  this.timeout(30_000);
  let dir: string;
  let lsp: LspSession;
  const folder = (name: string) => join(dir, name);
  const siteNames = async () => (await lsp.sites()).map((s) => `${s.file}:${s.name}`).sort();
  /** The rescan after a change passes through partial lists: wait for the expected one, report the last seen. */
  const sitesBecome = async (expected: string[]) => {
    let seen: string[] = [];
    await waitFor(`sites ${expected.join(', ')}`, async () => (seen = await siteNames()).join() === expected.join()).catch((e: Error) => {
      throw new Error(`${e.message}; last seen: ${seen.join(', ')}`);
    });
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ofm-lsp-folders-'));
    for (const name of ['orders/src', 'billing/src']) mkdirSync(folder(name), { recursive: true });
    writeFileSync(join(folder('orders/src'), 'orders.ts'), source('orders.place'));
    writeFileSync(join(folder('billing/src'), 'invoice.ts'), source('handler'));
    writeFileSync(join(folder('billing'), 'otel-flow-map.json'), JSON.stringify({ analysis: { severities: { 'generic-name': 'error' } } }));
    lsp = new LspSession();
    await lsp.initialize(folder('orders'), { receiver: { enabled: false } });
    await sitesBecome(['src/orders.ts:orders.place']);
  });

  after(() => {
    lsp.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  let invoiceUri: string;

  it('scans an added folder, with that folder\'s otel-flow-map.json', async () => {
    await lsp.changeFolders({ added: [folder('billing')] });
    await sitesBecome(['src/invoice.ts:handler', 'src/orders.ts:orders.place']);
    const uri = (invoiceUri = await lsp.open(join(folder('billing/src'), 'invoice.ts'), source('handler')));
    const { diagnostics } = await lsp.diagnostics(uri, (p) => p.diagnostics.length > 0);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['generic-name', DiagnosticSeverity.Error]]);
  });

  it('drops the sites and the otel-flow-map.json of a removed folder and keeps the others', async () => {
    await lsp.changeFolders({ removed: [folder('billing')] });
    await sitesBecome(['src/orders.ts:orders.place']);
    // Still open, now outside every folder: the default severity again.
    await lsp.diagnostics(invoiceUri, (p) => p.diagnostics.map((d) => `${d.code}:${d.severity}`).join() === `generic-name:${DiagnosticSeverity.Warning}`);
  });
});
