// The client's copy of the site list over real JSON-RPC: the whole list once after the scan, then
// a file created or deleted on disk travels as a delta of that file alone, which applied to the
// list gives what the server holds.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SitesChangedNotification, SitesDeltaNotification } from '../../common/src/lspMethods';
import { applySitesDelta, type SitesDelta, type SpanSiteSummary } from '../../common/src/sites';
import { waitFor } from '../support/waitFor';
import { LspSession } from './lspClient';

const source = (spanName: string) => `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('billing');
export function run(): void {
  tracer.startActiveSpan('${spanName}', (span) => span.end());
}
`;

describe('site list sync (real JSON-RPC)', function () {
  this.timeout(30_000);
  let dir: string;
  let lsp: LspSession;
  let client: SpanSiteSummary[] = [];
  const fulls: SpanSiteSummary[][] = [];
  const deltas: SitesDelta[] = [];
  const names = (list: SpanSiteSummary[]) => list.map((s) => `${s.file}:${s.name}`).sort();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ofm-lsp-sitesync-'));
    mkdirSync(join(dir, 'src'));
    for (let i = 0; i < 4; i++) writeFileSync(join(dir, 'src', `f${i}.ts`), source(`orders.step_${i}`));
    lsp = new LspSession();
    lsp.connection.onNotification(SitesChangedNotification.method, (list: SpanSiteSummary[]) => void (fulls.push(list), (client = list)));
    lsp.connection.onNotification(SitesDeltaNotification.method, (d: SitesDelta) => void (deltas.push(d), (client = applySitesDelta(client, d))));
    await lsp.initialize(dir, { receiver: { autoStart: 'never' } });
    await waitFor('the whole list after the scan', () => fulls.some((l) => l.length === 4));
  });
  after(() => {
    lsp.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a created and a deleted file each travel as a delta of that file alone', async () => {
    const created = join(dir, 'src', 'new.ts');
    writeFileSync(created, source('orders.new'));
    await lsp.filesChanged([{ file: created, type: 1 }]);
    const added = await waitFor('a delta with the new file', () => deltas.find((d) => d.files.includes('src/new.ts')));
    assert.deepEqual(added.files, ['src/new.ts']);
    assert.deepEqual(names(added.sites), ['src/new.ts:orders.new']);
    assert.deepEqual(names(client), names(await lsp.sites()));
    assert.equal(fulls.length, 1, 'the whole list went once');

    unlinkSync(created);
    await lsp.filesChanged([{ file: created, type: 3 }]);
    const gone = await waitFor('a delta without the file', () => deltas.find((d) => d !== added && d.files.includes('src/new.ts')));
    assert.deepEqual(gone, { files: ['src/new.ts'], sites: [] });
    assert.deepEqual(names(client), ['src/f0.ts:orders.step_0', 'src/f1.ts:orders.step_1', 'src/f2.ts:orders.step_2', 'src/f3.ts:orders.step_3']);
  });
});
