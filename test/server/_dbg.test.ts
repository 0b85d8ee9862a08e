import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LspSession } from './lspClient';
describe('dbg', function () {
  this.timeout(20000);
  it('x', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbg-'));
    writeFileSync(join(dir, 'names.ts'), "export const X = 'a.b';\n");
    const lsp = new LspSession();
    lsp.connection.onNotification('textDocument/publishDiagnostics', (p: any) => console.log('PUB', p.uri.slice(-10), p.version, p.diagnostics.map((d: any) => d.code)));
    await lsp.initialize(dir);
    const uri = await lsp.open(join(dir, 'flow.ts'), "import { trace } from '@opentelemetry/api';\ntrace.getTracer('x').startActiveSpan('handler', (s) => s.end());\n");
    await lsp.diagnostics(uri, (p) => p.version === 1);
    await lsp.change(uri, 2, "import { trace } from '@opentelemetry/api';\ntrace.getTracer('x').startActiveSpan('process', (s) => s.end());\ntrace.getTracer('x').startActiveSpan(`a${1}`, (s) => s.end());\n");
    await lsp.diagnostics(uri, (p) => p.version === 2);
    console.log(lsp.stderr.join(''));
    lsp.dispose();
  });
});
