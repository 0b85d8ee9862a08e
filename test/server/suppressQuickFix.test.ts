// "Disable <rule> for this line" over real JSON-RPC (dist/server.js): the comment is written in the
// language's form, and once applied the diagnostic goes away; the doc link opens the shipped file.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeActionRequest, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { LspSession } from './lspClient';

const CASES = [
  {
    file: 'app.ts', languageId: 'typescript',
    text: "import { trace } from '@opentelemetry/api';\nconst tracer = trace.getTracer('shop');\nexport function f(): void {\n  tracer.startActiveSpan('handler', (s) => s.end());\n}\n",
    fixed: "export function f(): void {\n  // otel-flow-map-disable-next-line generic-name\n  tracer.startActiveSpan('handler'",
  },
  {
    file: 'app.py', languageId: 'python',
    text: 'from opentelemetry import trace\ntracer = trace.get_tracer("shop")\ndef f():\n    with tracer.start_as_current_span("handler"):\n        pass\n',
    fixed: '    with tracer.start_as_current_span("handler"):  # otel-flow-map: disable=generic-name\n        pass\n',
  },
  {
    file: 'main.go', languageId: 'go',
    text: 'package main\n\nimport (\n\t"context"\n\n\t"go.opentelemetry.io/otel"\n)\n\nfunc Run(ctx context.Context) {\n\t_, span := otel.Tracer("x").Start(ctx, "handler")\n\tdefer span.End()\n}\n',
    fixed: 'func Run(ctx context.Context) {\n\t//otel-flow-map:ignore generic-name\n\t_, span := otel.Tracer("x").Start(ctx, "handler")\n',
  },
];

describe('quick fix "Disable <rule> for this line" over real JSON-RPC (dist/server.js)', function () {
  this.timeout(60_000);
  let dir: string;
  let lsp: LspSession;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ofm-disable-'));
    lsp = new LspSession();
    await lsp.initialize(dir);
  });

  after(() => {
    lsp.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`writes the ${c.languageId} comment form, and the finding goes away`, async () => {
      const uri = await lsp.open(join(dir, c.file), c.text, c.languageId);
      const { diagnostics } = await lsp.diagnostics(uri, (p) => p.version === 1 && p.diagnostics.some((d) => d.code === 'generic-name'));
      const d = diagnostics.find((x) => x.code === 'generic-name')!;
      const href = d.codeDescription!.href;
      assert.match(href, /^file:.*\/docs\/rules\/generic-name\.md$/);
      assert.ok(existsSync(fileURLToPath(href)), href);

      const actions = (await lsp.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
      const disable = actions.find((a) => a.title === 'Disable generic-name for this line');
      assert.ok(disable, JSON.stringify(actions.map((a) => a.title)));
      assert.equal(actions[actions.length - 1], disable, 'after the fixes that repair the code');
      assert.equal((disable.diagnostics as Diagnostic[])[0].code, 'generic-name');
      const fixed = TextDocument.applyEdits(TextDocument.create(uri, c.languageId, 1, c.text), disable.edit!.changes![uri]);
      assert.ok(fixed.includes(c.fixed), fixed);

      await lsp.change(uri, 2, fixed);
      const after = await lsp.diagnostics(uri, (p) => p.version === 2);
      assert.deepEqual(after.diagnostics.map((x) => x.code), []);
    });
  }

  it('adds the rule to an existing Python comment instead of writing a second one', async () => {
    const text = 'from opentelemetry import trace\ntracer = trace.get_tracer("shop")\nspan = tracer.start_span("handler")  # otel-flow-map: disable=span-not-ended\n';
    const uri = await lsp.open(join(dir, 'both.py'), text, 'python');
    const { diagnostics } = await lsp.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'generic-name'));
    const d = diagnostics.find((x) => x.code === 'generic-name')!;
    const actions = (await lsp.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    const disable = actions.find((a) => a.title === 'Disable generic-name for this line')!;
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'python', 1, text), disable.edit!.changes![uri]);
    assert.match(fixed, /start_span\("handler"\) {2}# otel-flow-map: disable=span-not-ended,generic-name\n/);
  });
});
