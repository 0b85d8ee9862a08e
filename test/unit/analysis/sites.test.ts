import assert from 'node:assert/strict';
import { join } from 'node:path';
import { toSiteSummary } from '../../../server/src/analysis/summaries';
import type { ScanOutput } from '../../../server/src/analysis/workspace';
import { FIXTURES, scanFixtures } from './fixtures';

const summaries = (scan: ScanOutput) => scan.sites.map((s) => toSiteSummary(s, FIXTURES, 'coordimap.flow.'));

describe('TypeScript span-site discovery', () => {
  let scan: ScanOutput;
  before(async () => {
    scan = await scanFixtures();
  });

  it('walking skeleton: startActiveSpan("handler", ...) is a site with generic-name', () => {
    const site = summaries(scan).find((s) => s.file === 'skeleton.ts');
    assert.deepEqual(site, {
      file: 'skeleton.ts', line: 6, column: 10, language: 'typescript', name: 'handler', flow: null, step: null,
      scope: 'checkout-service', kind: null, attributes: {},
    });
    const f = scan.findings.filter((x) => x.file === join(FIXTURES, 'skeleton.ts'));
    assert.deepEqual(f.map((x) => [x.rule, x.range.start.line, x.range.start.character, x.range.end.character]), [['generic-name', 5, 32, 41]]);
    assert.equal(f[0].fixes[0].edits[0].newText, '"handle_request"');
  });

  it('resolves constants across files: named, default, re-exported, namespace, enum, as-const, concatenation', () => {
    const site = summaries(scan).find((s) => s.file === 'constants.ts');
    assert.ok(site);
    assert.equal(site.name, 'checkout.place_order');
    assert.equal(site.scope, 'orders');
    assert.equal(site.kind, 'server');
    assert.equal(site.flow, 'checkout.place_order');
    assert.equal(site.step, 'checkout.validate_cart');
    assert.deepEqual(site.attributes, {
      'coordimap.flow.name': 'checkout.place_order',
      'coordimap.flow.step': 'checkout.validate_cart',
      'coordimap.flow.run_id': null,
      'a.default': 'shipping.dispatch_order',
      'a.reexport': 'inventory',
      'a.concat': 'inventory.reconcile_stock',
      'a.namespace': 'billing.generate_invoice',
      'a.enum_auto': 8,
      'a.local_enum': 'local.thing',
      'a.mutable': null, // a plain (mutable) object member is not a constant
      'db.system.name': 'postgresql',
      'db.operation.name': 'select',
      'a.number': 42,
      'a.bool': true,
    });
  });

  it('follows CommonJS require / exports', () => {
    const site = summaries(scan).find((s) => s.file === 'cjs/app.js');
    assert.ok(site);
    assert.equal(site.language, 'javascript');
    assert.equal(site.scope, 'shipping');
    assert.equal(site.flow, 'shipping.dispatch');
    assert.equal(site.step, 'shipping.pack');
    assert.ok(!scan.findings.some((f) => f.file === join(FIXTURES, 'cjs/app.js')));
  });

  it('ignores look-alikes and finds tracers typed, chained or named', () => {
    const names = summaries(scan).filter((s) => s.file.startsWith('decoys/')).map((s) => s.name).sort();
    assert.deepEqual(names, ['decoys.chained', 'decoys.class_param', 'decoys.typed_param', null, 'untyped.patched']);
    assert.equal(summaries(scan).find((s) => s.name === 'decoys.chained')?.scope, 'chained');
  });

  it('re-analyses a file when a constant it imports changes', async () => {
    const { WorkspaceAnalyzer } = await import('../../../server/src/analysis/workspace');
    const { defaults } = await import('./fixtures');
    const a = await WorkspaceAnalyzer.create(defaults(), ['/ws']);
    a.updateFile('/ws/names.ts', "export const FLOW = 'billing.pay';");
    a.updateFile('/ws/app.ts', "import { FLOW } from './names';\nimport { trace } from '@opentelemetry/api';\nconst s = trace.getTracer('t').startSpan(FLOW);\ns.end();");
    assert.equal(a.sitesOf('/ws/app.ts')[0].name?.value, 'billing.pay');
    a.updateFile('/ws/names.ts', "export const FLOW = 'billing.refund';");
    assert.equal(a.sitesOf('/ws/app.ts')[0].name?.value, 'billing.refund');
    a.removeFile('/ws/names.ts');
    assert.equal(a.sitesOf('/ws/app.ts')[0].name?.constant, false);
  });

  it('re-evaluates shared imported constants when a module they depend on changes or appears', async () => {
    const { WorkspaceAnalyzer } = await import('../../../server/src/analysis/workspace');
    const { defaults } = await import('./fixtures');
    const a = await WorkspaceAnalyzer.create(defaults(), ['/ws']);
    const app = (from: string, expr: string) => `import { Flows, PAY } from '${from}';\nimport { trace } from '@opentelemetry/api';\nconst s = trace.getTracer('t').startSpan(${expr});\ns.end();`;
    const name = (file: string) => a.sitesOf(file)[0].name?.value;
    a.updateFile('/ws/base.ts', "export const PREFIX = 'billing';");
    a.updateFile('/ws/names.ts', "import { PREFIX } from './base';\nexport const PAY = PREFIX + '.pay';\nexport const Flows = { Refund: `${PREFIX}.refund` } as const;");
    for (const [f, expr] of [['/ws/a1.ts', 'PAY'], ['/ws/a2.ts', 'PAY'], ['/ws/b1.ts', 'Flows.Refund'], ['/ws/b2.ts', 'Flows.Refund']]) a.updateFile(f, app('./names', expr));
    a.updateFile('/ws/late1.ts', app('./late', 'PAY'));
    assert.deepEqual(['/ws/a1.ts', '/ws/a2.ts', '/ws/b1.ts', '/ws/b2.ts'].map(name), ['billing.pay', 'billing.pay', 'billing.refund', 'billing.refund']);
    assert.equal(a.sitesOf('/ws/late1.ts')[0].name?.constant, false);
    a.updateFile('/ws/base.ts', "export const PREFIX = 'shipping';");
    assert.deepEqual(['/ws/a2.ts', '/ws/a1.ts', '/ws/b2.ts', '/ws/b1.ts'].map(name), ['shipping.pay', 'shipping.pay', 'shipping.refund', 'shipping.refund']);
    a.updateFile('/ws/late.ts', "export const PAY = 'late.pay';");
    assert.equal(name('/ws/late1.ts'), 'late.pay');
  });

  it('survives hostile and broken source', async () => {
    const { WorkspaceAnalyzer } = await import('../../../server/src/analysis/workspace');
    const { defaults } = await import('./fixtures');
    const a = await WorkspaceAnalyzer.create(defaults(), ['/ws']);
    const deep = `${'('.repeat(3000)}tracer.startSpan('x')${')'.repeat(3000)}`;
    const cyclic = "import { trace } from '@opentelemetry/api';\nexport const A = B;\nexport const B = A;\nconst s = tracer.startSpan(A); s.end();";
    a.updateFile('/ws/deep.ts', deep);
    a.updateFile('/ws/cyclic.ts', cyclic);
    a.updateFile('/ws/broken.ts', 'tracer.startSpan(`unterminated ${x');
    a.updateFile('/ws/self.ts', "export * from './self';\nimport { X } from './self';\ntracer.startSpan(X);");
    for (const f of ['/ws/deep.ts', '/ws/cyclic.ts', '/ws/broken.ts', '/ws/self.ts']) assert.doesNotThrow(() => a.findingsOf(f));
    assert.equal(a.sitesOf('/ws/cyclic.ts')[0].name?.constant, false);
    assert.match(a.problemsOf('/ws/broken.ts')[0]?.message ?? '', /syntax error/);
  });
});

describe('incremental re-parsing of edited files', () => {
  it('gives the same sites as a fresh parse after a series of edits', async () => {
    const { WorkspaceAnalyzer } = await import('../../../server/src/analysis/workspace');
    const { defaults } = await import('./fixtures');
    const { readFileSync } = await import('node:fs');
    const original = readFileSync(join(FIXTURES, 'rules/positives.ts'), 'utf8');
    const edits: [string, string][] = [
      ["'process'", "'orders.process'"],
      ['span.end();\n  });\n}', 'span.end();\n  });\n  tracer.startSpan(`new.${1 + x}`);\n}'],
      ["'coordimap.flow.step', 'handler'", "'coordimap.flow.step', `h.${runId}`"],
      ['export function semconv', 'export async function semconv'],
    ];
    const editing = await WorkspaceAnalyzer.create(defaults(), ['/ws']);
    let text = original;
    editing.updateFile('/ws/p.ts', text);
    editing.findingsOf('/ws/p.ts');
    for (const [from, to] of edits) {
      assert.ok(text.includes(from), from);
      text = text.replace(from, to);
      editing.updateFile('/ws/p.ts', text);
      const fresh = await WorkspaceAnalyzer.create(defaults(), ['/ws']);
      fresh.updateFile('/ws/p.ts', text);
      assert.deepEqual(editing.findingsOf('/ws/p.ts'), fresh.findingsOf('/ws/p.ts'));
      assert.deepEqual(editing.sitesOf('/ws/p.ts'), fresh.sitesOf('/ws/p.ts'));
    }
  });
});
