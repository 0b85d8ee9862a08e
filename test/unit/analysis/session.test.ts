// The analysis session without an editor: documents, settings, disk and folder changes go in as
// plain calls, findings and site changes come out through its host. The same behaviour over real
// JSON-RPC is tested in test/server/analysis.test.ts and workspaceFolders.test.ts.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AnalysisSession, type OpenDocument } from '../../../server/src/analysis/session';
import type { Finding } from '../../../server/src/analysis/types';
import { waitFor } from '../../support/waitFor';

const source = (spanName: string) => `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('billing');
export function run(): void {
  tracer.startActiveSpan('${spanName}', (span) => span.end());
}
`;

interface Report {
  version: number | undefined;
  findings: readonly Finding[];
}

describe('AnalysisSession', function () {
  this.timeout(30_000);
  let dir: string;
  let folders: string[];
  let editorSettings: unknown;
  let reports: Map<string, Report>;
  let siteChanges: number;
  let errors: string[];
  let session: AnalysisSession;

  const uriOf = (...parts: string[]) => pathToFileURL(join(dir, ...parts)).href;
  const doc = (uri: string, version: number, text: string): OpenDocument => ({ uri, version, getText: () => text });
  const siteNames = () => session.sites().map((s) => `${s.file.slice(dir.length + 1)}:${s.name?.value ?? '?'}`).sort();
  const rules = (uri: string) => reports.get(uri)?.findings.map((f) => `${f.rule}:${f.severity}`);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ofm-session-'));
    for (const name of ['orders', 'billing']) mkdirSync(join(dir, name));
    writeFileSync(join(dir, 'orders', 'orders.ts'), source('orders.place'));
    writeFileSync(join(dir, 'billing', 'invoice.ts'), source('handler'));
    folders = [join(dir, 'orders')];
    editorSettings = {};
    reports = new Map();
    siteChanges = 0;
    errors = [];
    session = new AnalysisSession({
      workspaceFolders: () => folders,
      editorSettings: () => editorSettings,
      report: (uri, version, findings) => reports.set(uri, { version, findings }),
      log: (level, message) => (level === 'error' ? errors.push(message) : undefined),
    });
    session.onSitesChanged(() => siteChanges++);
    await session.rescan();
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('scans the workspace folders into the site index and tells its listeners', () => {
    assert.deepEqual(siteNames(), ['orders/orders.ts:orders.place']);
    assert.ok(siteChanges > 0);
    assert.deepEqual(errors, []);
  });

  it('reports an open document as typed, and the file on disk again once it closes', async () => {
    const uri = uriOf('orders', 'orders.ts');
    session.documentChanged(doc(uri, 1, source('handler')));
    // Nothing is analysed before the document settles: the language server debounces typing.
    assert.equal(reports.get(uri), undefined);
    session.documentSettled(uri);
    assert.deepEqual(rules(uri), ['generic-name:warning']);
    assert.equal(reports.get(uri)?.version, 1);
    assert.deepEqual(session.findingsOf(uri).map((f) => f.rule), ['generic-name']);
    assert.deepEqual(siteNames(), ['orders/orders.ts:handler']);

    await session.documentClosed(uri);
    assert.deepEqual(reports.get(uri), { version: undefined, findings: [] });
    assert.deepEqual(session.findingsOf(uri), []);
    assert.deepEqual(siteNames(), ['orders/orders.ts:orders.place']);
  });

  it('layers editor settings over the folder\'s otel-flow-map.json, and follows both as they change', async () => {
    const uri = uriOf('orders', 'orders.ts');
    session.documentChanged(doc(uri, 1, source('handler')));
    session.documentSettled(uri);
    assert.deepEqual(rules(uri), ['generic-name:warning']);

    writeFileSync(join(dir, 'orders', 'otel-flow-map.json'), JSON.stringify({ analysis: { severities: { 'generic-name': 'error' } } }));
    await session.filesChanged([{ uri: uriOf('orders', 'otel-flow-map.json'), deleted: false }]);
    assert.deepEqual(rules(uri), ['generic-name:error']);

    editorSettings = { analysis: { severities: { 'generic-name': 'hint' } } };
    await session.settingsChanged();
    assert.deepEqual(rules(uri), ['generic-name:hint']);

    // A folder's own editor settings win over the workspace's.
    editorSettings = { analysis: { severities: { 'generic-name': 'hint' } }, folders: { [join(dir, 'orders')]: { severities: { 'generic-name': 'information' } } } };
    await session.settingsChanged();
    assert.deepEqual(rules(uri), ['generic-name:information']);
  });

  it('reads an open otel-flow-map.json from its buffer, keeping the last good settings while it is half typed', async () => {
    const uri = uriOf('orders', 'orders.ts');
    session.documentChanged(doc(uri, 1, source('handler')));
    session.documentSettled(uri);
    const config = uriOf('orders', 'otel-flow-map.json');
    session.documentChanged(doc(config, 1, JSON.stringify({ analysis: { severities: { 'generic-name': 'error' } } })));
    session.documentSettled(config);
    // Settings from a config buffer apply asynchronously (they may rebuild the analyzer).
    await waitFor('the config buffer\'s severity', () => rules(uri)?.join() === 'generic-name:error');
    session.documentChanged(doc(config, 2, '{ "analysis": { "severities": '));
    session.documentSettled(config);
    assert.deepEqual(rules(uri), ['generic-name:error']);
  });

  it('follows files created and deleted on disk, but not files open in the editor', async () => {
    writeFileSync(join(dir, 'orders', 'refunds.ts'), source('refunds.issue'));
    await session.filesChanged([{ uri: uriOf('orders', 'refunds.ts'), deleted: false }]);
    assert.deepEqual(siteNames(), ['orders/orders.ts:orders.place', 'orders/refunds.ts:refunds.issue']);

    const open = uriOf('orders', 'orders.ts');
    session.documentChanged(doc(open, 1, source('orders.open_buffer')));
    session.documentSettled(open);
    writeFileSync(join(dir, 'orders', 'orders.ts'), source('orders.on_disk'));
    unlinkSync(join(dir, 'orders', 'refunds.ts'));
    await session.filesChanged([{ uri: open, deleted: false }, { uri: uriOf('orders', 'refunds.ts'), deleted: true }]);
    assert.deepEqual(siteNames(), ['orders/orders.ts:orders.open_buffer']);
  });

  it('brings the site index up to date a file at a time, pausing between files, before it is read', async () => {
    writeFileSync(join(dir, 'orders', 'refunds.ts'), source('orders.refund'));
    await session.filesChanged([{ uri: uriOf('orders', 'refunds.ts'), deleted: false }]);
    let pauses = 0;
    await session.warmSites(() => Promise.resolve(void pauses++));
    assert.equal(pauses, 2, 'one pause after each of the two files');
    assert.deepEqual(siteNames(), ['orders/orders.ts:orders.place', 'orders/refunds.ts:orders.refund']);
    await session.warmSites(() => Promise.resolve(void pauses++));
    assert.equal(pauses, 2, 'nothing to do while the index is read and unchanged');
    // By file, a file's sites stay the same array until that file changes.
    const before = new Map(session.sitesByFile());
    writeFileSync(join(dir, 'orders', 'refunds.ts'), source('orders.refund_v2'));
    await session.filesChanged([{ uri: uriOf('orders', 'refunds.ts'), deleted: false }]);
    await session.warmSites(() => Promise.resolve());
    const after = session.sitesByFile();
    assert.equal(after.get(join(dir, 'orders', 'orders.ts')), before.get(join(dir, 'orders', 'orders.ts')));
    assert.notEqual(after.get(join(dir, 'orders', 'refunds.ts')), before.get(join(dir, 'orders', 'refunds.ts')));
    assert.equal(after.get(join(dir, 'orders', 'refunds.ts'))?.[0].name?.value, 'orders.refund_v2');
  });

  it('scans an added folder with its own settings and drops a removed folder\'s sites', async () => {
    writeFileSync(join(dir, 'billing', 'tax.ts'), source('billing.tax'));
    writeFileSync(join(dir, 'billing', 'otel-flow-map.json'), JSON.stringify({ analysis: { severities: { 'generic-name': 'error' } } }));
    folders = [join(dir, 'orders'), join(dir, 'billing')];
    await session.foldersChanged();
    assert.deepEqual(siteNames(), ['billing/invoice.ts:handler', 'billing/tax.ts:billing.tax', 'orders/orders.ts:orders.place']);
    const invoice = uriOf('billing', 'invoice.ts');
    session.documentChanged(doc(invoice, 1, source('handler')));
    session.documentSettled(invoice);
    assert.deepEqual(rules(invoice), ['generic-name:error']);

    folders = [join(dir, 'orders')];
    await session.foldersChanged();
    // The file still open stays analysed, now outside every folder: with the defaults.
    assert.deepEqual(siteNames(), ['billing/invoice.ts:handler', 'orders/orders.ts:orders.place']);
    assert.deepEqual(rules(invoice), ['generic-name:warning']);
  });
});
