import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeActionRequest, DiagnosticSeverity, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { LspSession } from './lspClient';

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);

const SKELETON = `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('checkout');

export class OrderService {
  placeOrder(): void {
    tracer.startActiveSpan("handler", (span) => {
      try {
        span.setAttribute('coordimap.flow.run_id', String(Date.now()));
      } finally {
        span.end();
      }
    });
  }
}
`;

describe('analyzer over real JSON-RPC (dist/server.js)', function () {
  this.timeout(30_000);
  let dir: string;
  let lsp: LspSession;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ofm-lsp-'));
    writeFileSync(join(dir, 'names.ts'), "export const CHECKOUT_FLOW = 'checkout.place_order';\n");
    lsp = new LspSession();
    await lsp.initialize(dir);
  });

  after(() => {
    lsp.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  async function fixesAt(uri: string, d: Diagnostic): Promise<CodeAction[]> {
    const actions = await lsp.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    // The suppression action offered on every finding has tests of its own (suppressQuickFix.test.ts).
    return ((actions ?? []) as CodeAction[]).filter((a) => !a.title.startsWith('Disable '));
  }

  function applyFix(text: string, uri: string, action: CodeAction): string {
    const doc = TextDocument.create(uri, 'typescript', 1, text);
    return TextDocument.applyEdits(doc, action.edit!.changes![uri]);
  }

  it('walking skeleton: startActiveSpan("handler", ...) yields generic-name with a doc link and a rename fix', async () => {
    const file = join(dir, 'order.ts');
    const uri = await lsp.open(file, SKELETON);
    const { diagnostics } = await lsp.diagnostics(uri, (p) => p.diagnostics.length > 0);
    assert.deepEqual(codes(diagnostics), ['generic-name']);
    const d = diagnostics[0];
    assert.deepEqual(d.range, { start: { line: 5, character: 27 }, end: { line: 5, character: 36 } });
    assert.equal(d.severity, DiagnosticSeverity.Warning);
    assert.equal(d.source, 'otel-flow-map');
    // The doc shipped inside the extension (dist/server.js's parent folder), opened by VS Code.
    assert.match(d.codeDescription!.href, /^file:\/\/.*\/docs\/rules\/generic-name\.md$/);
    const [fix] = await fixesAt(uri, d);
    assert.equal(fix.title, "Rename span to 'order_service.place_order' (after OrderService.placeOrder)");
    assert.equal(fix.isPreferred, true);
    assert.match(applyFix(SKELETON, uri, fix), /startActiveSpan\("order_service\.place_order", \(span\)/);
  });

  it('updates as the user types and moves the dynamic part of a flow name into run_id', async () => {
    const file = join(dir, 'flow.ts');
    const v1 = `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('checkout');
export function pay(orderId: string): void {
  const span = tracer.startSpan('checkout.pay');
  try {
    span.setAttribute('coordimap.flow.name', 'checkout.pay');
    span.setAttribute('coordimap.flow.run_id', orderId);
  } finally {
    span.end();
  }
}
`;
    const uri = await lsp.open(file, v1);
    await lsp.diagnostics(uri, (p) => p.version === 1 && p.diagnostics.length === 0);
    const v2 = v1.replace("'coordimap.flow.name', 'checkout.pay'", "'coordimap.flow.name', `checkout.order.${orderId}`").replace("    span.setAttribute('coordimap.flow.run_id', orderId);\n", '');
    await lsp.change(uri, 2, v2);
    const { diagnostics } = await lsp.diagnostics(uri, (p) => p.version === 2);
    assert.deepEqual(codes(diagnostics).sort(), ['dynamic-flow-name', 'flow-missing-run-id']);
    const d = diagnostics.find((x) => x.code === 'dynamic-flow-name')!;
    assert.equal(d.severity, DiagnosticSeverity.Error);
    assert.deepEqual(d.range.start, { line: 5, character: 45 });
    const fixes = await fixesAt(uri, d);
    assert.deepEqual(fixes.map((f) => f.title), [
      "Keep 'checkout.order' and move `orderId` into coordimap.flow.run_id",
      "Keep 'checkout.order' and move `orderId` into entity.id",
    ]);
    const fixed = applyFix(v2, uri, fixes[0]);
    assert.match(fixed, /span\.setAttribute\('coordimap\.flow\.name', 'checkout\.order'\);\n {4}span\.setAttribute\('coordimap\.flow\.run_id', orderId\);\n/);
    await lsp.change(uri, 3, fixed);
    const after = await lsp.diagnostics(uri, (p) => p.version === 3);
    assert.deepEqual(codes(after.diagnostics), []);
  });

  it('removes an ID from a constant flow name, or moves it into run_id / entity.id', async () => {
    const text = `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('checkout');
export function order(): void {
  tracer.startActiveSpan('checkout.order.12345', (span) => {
    span.setAttribute('coordimap.flow.name', 'checkout.order.12345');
    span.end();
  });
}
`;
    const uri = await lsp.open(join(dir, 'ids.ts'), text);
    const { diagnostics } = await lsp.diagnostics(uri, (p) => p.version === 1 && p.diagnostics.length > 0);
    const [spanName, flowName] = diagnostics.filter((x) => x.code === 'id-in-name');
    assert.deepEqual([spanName.range.start, flowName.range.start], [{ line: 3, character: 25 }, { line: 4, character: 45 }]);

    const flowFixes = await fixesAt(uri, flowName);
    assert.deepEqual(flowFixes.map((f) => [f.title, f.isPreferred ?? false]), [
      ["Rename flow name to 'checkout.order' (without the ID)", true],
      ["Keep 'checkout.order' and move `'12345'` into coordimap.flow.run_id", false],
      ["Keep 'checkout.order' and move `'12345'` into entity.id", false],
    ]);
    assert.equal(applyFix(text, uri, flowFixes[0]), text.replace("'coordimap.flow.name', 'checkout.order.12345'", "'coordimap.flow.name', 'checkout.order'"));
    assert.equal(applyFix(text, uri, flowFixes[1]), text.replace("'coordimap.flow.name', 'checkout.order.12345');", "'coordimap.flow.name', 'checkout.order');\n    span.setAttribute('coordimap.flow.run_id', '12345');"));

    const spanFixes = await fixesAt(uri, spanName);
    assert.deepEqual(spanFixes.map((f) => f.title), ["Rename span to 'checkout.order' (without the ID)", "Keep 'checkout.order' and move `'12345'` into entity.id"]);
    assert.equal(applyFix(text, uri, spanFixes[1]), text
      .replace("startActiveSpan('checkout.order.12345'", "startActiveSpan('checkout.order'")
      .replace("'coordimap.flow.name', 'checkout.order.12345');", "'coordimap.flow.name', 'checkout.order.12345');\n    span.setAttribute('entity.id', '12345');"));

    // With a run id already set, only the removal is offered for the flow name.
    const withRunId = text.replace("    span.end();", "    span.setAttribute('coordimap.flow.run_id', crypto.randomUUID());\n    span.setAttribute('entity.id', 'x');\n    span.end();");
    await lsp.change(uri, 2, withRunId);
    const v2 = await lsp.diagnostics(uri, (p) => p.version === 2);
    const flow2 = v2.diagnostics.find((x) => x.code === 'id-in-name' && x.range.start.line === 4)!;
    assert.deepEqual((await fixesAt(uri, flow2)).map((f) => f.title), ["Rename flow name to 'checkout.order' (without the ID)"]);
    await lsp.change(uri, 3, applyFix(withRunId, uri, (await fixesAt(uri, flow2))[0]));
    const v3 = await lsp.diagnostics(uri, (p) => p.version === 3);
    assert.deepEqual(v3.diagnostics.filter((x) => x.range.start.line === 4).map((x) => x.code), []);
  });

  it('offers no ID removal when the name comes from a named constant', async () => {
    const text = `import { trace } from '@opentelemetry/api';
const ORDER = 'checkout.order.12345';
trace.getTracer('x').startActiveSpan(ORDER, (span) => span.end());
`;
    const uri = await lsp.open(join(dir, 'idconst.ts'), text);
    const { diagnostics } = await lsp.diagnostics(uri, (p) => p.version === 1 && p.diagnostics.length > 0);
    const d = diagnostics.find((x) => x.code === 'id-in-name')!;
    assert.deepEqual(await fixesAt(uri, d), []);
  });

  it('adds a missing span.end() in a finally block', async () => {
    const file = join(dir, 'leak.ts');
    const text = `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('inventory');
export function reserve(ok: boolean): number {
  const span = tracer.startSpan('inventory.reserve');
  if (!ok) return 0;
  span.setAttribute('inventory.items', 3);
  span.end();
  return 1;
}
`;
    const uri = await lsp.open(file, text);
    const { diagnostics } = await lsp.diagnostics(uri, (p) => p.version === 1 && p.diagnostics.length > 0);
    const d = diagnostics.find((x) => x.code === 'span-not-ended')!;
    assert.deepEqual(d.range, { start: { line: 3, character: 15 }, end: { line: 3, character: 31 } });
    const [fix] = await fixesAt(uri, d);
    const fixed = applyFix(text, uri, fix);
    assert.equal(fixed, text.replace(`  if (!ok) return 0;
  span.setAttribute('inventory.items', 3);
  span.end();
  return 1;
`, `  try {
    if (!ok) return 0;
    span.setAttribute('inventory.items', 3);
    return 1;
  } finally {
    span.end();
  }
`));
    await lsp.change(uri, 2, fixed);
    const after = await lsp.diagnostics(uri, (p) => p.version === 2);
    assert.deepEqual(codes(after.diagnostics), []);
  });

  it('resolves a constant from a workspace file that is not open (background scan)', async () => {
    const uri = await lsp.open(join(dir, 'uses.ts'), `import { trace } from '@opentelemetry/api';
import { CHECKOUT_FLOW } from './names';
trace.getTracer('x').startActiveSpan(CHECKOUT_FLOW, (span) => span.end());
`);
    await lsp.diagnostics(uri, (p) => p.diagnostics.length === 0);
  });

  it('republishes an open file when an open file it imports a constant from is edited', async () => {
    const constsUri = await lsp.open(join(dir, 'openConsts.ts'), "export const NAME = 'billing.refund';\n");
    const userUri = await lsp.open(join(dir, 'openUser.ts'), `import { trace } from '@opentelemetry/api';
import { NAME } from './openConsts';
trace.getTracer('x').startActiveSpan(NAME, (span) => span.end());
`);
    await lsp.diagnostics(userUri, (p) => p.version === 1 && p.diagnostics.length === 0);
    await lsp.change(constsUri, 2, "export const NAME = 'handler';\n");
    await lsp.diagnostics(userUri, (p) => p.diagnostics.some((d) => d.code === 'generic-name'));
  });

  it('judges a pass-through helper at its calls in another file, with the span call as related information', async () => {
    const helperFile = join(dir, 'tracing.ts');
    const helperText = `import { trace, type Span } from '@opentelemetry/api';
const tracer = trace.getTracer('shop');
export function withSpan<T>(name: string, fn: (span: Span) => T): T {
  return tracer.startActiveSpan(name, (span) => {
    try {
      return fn(span);
    } finally {
      span.end();
    }
  });
}
`;
    const helperUri = await lsp.open(helperFile, helperText);
    const callerUri = await lsp.open(join(dir, 'routes.ts'), `import { withSpan } from './tracing';
export function handle(req: { method: string; url: string }, orderId: string): void {
  withSpan('orders.list', () => undefined);
  withSpan(\`\${req.method} orders\`, () => undefined);
  withSpan(\`load order \${orderId}\`, () => undefined);
}
`);
    const { diagnostics } = await lsp.diagnostics(callerUri, (p) => p.diagnostics.length > 0);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]), [['dynamic-span-name', 4]], 'only the call passing an ID, not the bounded method');
    const { message } = diagnostics[0];
    assert.match(typeof message === 'string' ? message : message.value, /an identifier/);
    const related = diagnostics[0].relatedInformation ?? [];
    assert.equal(related.length, 1);
    assert.equal(related[0].location.uri, helperUri);
    assert.equal(related[0].location.range.start.line, 3, 'points at the name argument of startActiveSpan in the helper');
    const own = await lsp.diagnostics(helperUri, () => true);
    assert.deepEqual(own.diagnostics.map((d) => d.code), [], 'the helper itself is not flagged');

    // Editing the helper so it no longer forwards the parameter clears the caller's finding.
    await lsp.change(helperUri, 2, helperText.replace('startActiveSpan(name,', "startActiveSpan('shop.work',"));
    await lsp.diagnostics(callerUri, (p) => p.diagnostics.length === 0);
  });

  it('follows files changed on disk', async () => {
    const uri = await lsp.open(join(dir, 'pay.ts'), `import { trace } from '@opentelemetry/api';
import { PAY } from './flows';
trace.getTracer('x').startActiveSpan(PAY, (span) => span.end());
`);
    // An unresolved name says nothing about its cardinality: no finding until the file exists.
    await lsp.diagnostics(uri, (p) => p.diagnostics.length === 0);
    writeFileSync(join(dir, 'flows.ts'), "export const PAY = 'handler';\n");
    await lsp.filesChanged([{ file: join(dir, 'flows.ts'), type: 1 }]);
    await lsp.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'generic-name'));
    writeFileSync(join(dir, 'flows.ts'), "export const PAY = 'billing.pay';\n");
    await lsp.filesChanged([{ file: join(dir, 'flows.ts'), type: 2 }]);
    await lsp.diagnostics(uri, (p) => p.diagnostics.length === 0);
    writeFileSync(join(dir, 'flows.ts'), "export const PAY = 'handler';\n");
    await lsp.filesChanged([{ file: join(dir, 'flows.ts'), type: 2 }]);
    await lsp.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'generic-name'));
    rmSync(join(dir, 'flows.ts'));
    await lsp.filesChanged([{ file: join(dir, 'flows.ts'), type: 3 }]);
    await lsp.diagnostics(uri, (p) => p.diagnostics.length === 0);
  });

  it('honours settings changes pushed by the client', async () => {
    const uri = join(dir, 'order.ts');
    const orderUri = (await import('node:url')).pathToFileURL(uri).href;
    await lsp.configure({ analysis: { severities: { 'generic-name': 'error' } } });
    await lsp.diagnostics(orderUri, (p) => p.diagnostics.some((d) => d.code === 'generic-name' && d.severity === DiagnosticSeverity.Error));
    await lsp.configure({ analysis: { severities: { 'generic-name': 'off' } } });
    await lsp.diagnostics(orderUri, (p) => p.diagnostics.length === 0);
  });
});

describe('analyzer settings from otel-flow-map.json (dist/server.js)', function () {
  this.timeout(30_000);
  let dir: string;
  let lsp: LspSession;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ofm-lsp-cfg-'));
    writeFileSync(join(dir, 'otel-flow-map.json'), JSON.stringify({ analysis: { severities: { 'generic-name': 'error' }, genericNames: ['handler', 'checkout.misc'] } }));
    lsp = new LspSession();
    await lsp.initialize(dir, { analysis: { severities: { 'dynamic-span-name': 'hint' } } });
  });

  after(() => {
    lsp.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies the workspace file under the editor settings, and clears diagnostics on close', async () => {
    const uri = await lsp.open(join(dir, 'a.ts'), `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function f(id: string): void {
  tracer.startActiveSpan('checkout.misc', (span) => span.end());
  tracer.startActiveSpan(\`checkout.\${id}\`, (span) => span.end());
}
`);
    const { diagnostics } = await lsp.diagnostics(uri, (p) => p.diagnostics.length === 2);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['generic-name', DiagnosticSeverity.Error], ['dynamic-span-name', DiagnosticSeverity.Hint]]);
    await lsp.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await lsp.diagnostics(uri, (p) => p.diagnostics.length === 0);
  });
});

describe('analyzer settings per workspace folder (dist/server.js, multi-root)', function () {
  this.timeout(30_000);
  let dir: string;
  let lsp: LspSession;
  const folder = (name: string) => join(dir, name);
  const config = (name: string, analysis: unknown) => writeFileSync(join(folder(name), 'otel-flow-map.json'), JSON.stringify({ analysis }));
  const SOURCE = `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function f(id: string): void {
  tracer.startActiveSpan('handler', (span) => span.end());
  tracer.startActiveSpan('checkout.misc', (span) => span.end());
  tracer.startActiveSpan(\`checkout.\${id}\`, (span) => span.end());
}
`;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ofm-lsp-multi-'));
    for (const name of ['a', 'b', 'a/inner']) mkdirSync(folder(name), { recursive: true });
    config('a', { severities: { 'generic-name': 'error', 'dynamic-span-name': 'error' } });
    config('b', { severities: { 'generic-name': 'hint', 'dynamic-span-name': 'error' }, genericNames: ['handler', 'checkout.misc'] });
    config('a/inner', { severities: { 'generic-name': 'information' } });
    lsp = new LspSession();
    // The user set dynamic-span-name, and genericNames explicitly to the default list: both win over every file.
    const { DEFAULT_SETTINGS } = await import('../../common/src/settings');
    await lsp.initialize([folder('a'), folder('b'), folder('a/inner')], { analysis: { severities: { 'dynamic-span-name': 'hint' }, genericNames: DEFAULT_SETTINGS.analysis.genericNames } });
  });

  after(() => {
    lsp.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const severities = async (file: string) => {
    const uri = await lsp.open(file, SOURCE);
    const { diagnostics } = await lsp.diagnostics(uri, (p) => p.diagnostics.length > 0);
    return diagnostics.map((d) => [d.code, d.severity]);
  };

  it("applies each folder's otel-flow-map.json to its files, the innermost folder winning, under the user's editor settings", async () => {
    assert.deepEqual(await severities(join(folder('a'), 'x.ts')), [['generic-name', DiagnosticSeverity.Error], ['dynamic-span-name', DiagnosticSeverity.Hint]]);
    assert.deepEqual(await severities(join(folder('b'), 'x.ts')), [['generic-name', DiagnosticSeverity.Hint], ['dynamic-span-name', DiagnosticSeverity.Hint]]);
    assert.deepEqual(await severities(join(folder('a/inner'), 'x.ts')), [['generic-name', DiagnosticSeverity.Information], ['dynamic-span-name', DiagnosticSeverity.Hint]]);
  });

  it("reloads one folder's file without touching the others", async () => {
    config('b', { severities: { 'generic-name': 'off' } });
    await lsp.filesChanged([{ file: join(folder('b'), 'otel-flow-map.json'), type: 2 }]);
    const uriB = (await import('node:url')).pathToFileURL(join(folder('b'), 'x.ts')).href;
    await lsp.diagnostics(uriB, (p) => p.diagnostics.map((d) => d.code).join() === 'dynamic-span-name');
    const uriA = (await import('node:url')).pathToFileURL(join(folder('a'), 'x.ts')).href;
    const { diagnostics } = await lsp.diagnostics(uriA, (p) => p.diagnostics.length > 0);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['generic-name', DiagnosticSeverity.Error], ['dynamic-span-name', DiagnosticSeverity.Hint]]);
  });
});
