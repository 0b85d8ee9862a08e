// The client's copy of the site list: the whole list once, then only the files whose sites
// changed (a file's sites are the same array while unchanged), which the client applies over
// what it holds.
import assert from 'node:assert/strict';
import { applySitesDelta, type SpanSiteSummary } from '../../../common/src/sites';
import type { SpanSite } from '../../../server/src/analysis/types';
import { SiteListSync } from '../../../server/src/lsp/siteSync';

const R = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
const site = (file: string, line: number): SpanSite => ({ file, language: 'go', range: { ...R, start: { line, character: 0 } }, scope: null, kind: null, attributes: [], ended: true });
/** Summaries relative to /a or /b (a path both folders hold is one relative path). */
const summarize = (sites: SpanSite[]): SpanSiteSummary[] =>
  sites.map((s) => ({ file: s.file.slice(3), line: s.range.start.line + 1, column: 1, language: 'go', name: null, flow: null, step: null, scope: null, kind: null, attributes: {} }));
const names = (list: SpanSiteSummary[]) => list.map((s) => `${s.file}:${s.line}`).sort();

describe('site list sync', () => {
  const files = (entries: [string, SpanSite[]][]) => new Map(entries);
  const a = [site('/a/x.go', 1)];
  const b = [site('/a/y.go', 1), site('/a/y.go', 5)];
  const rest = Array.from({ length: 6 }, (_, i): [string, SpanSite[]] => [`/a/r${i}.go`, [site(`/a/r${i}.go`, 1)]]);

  it('sends the whole list first, then the changed, new and gone files only; nothing when nothing changed', () => {
    const sync = new SiteListSync();
    const first = sync.next(files([['/a/x.go', a], ['/a/y.go', b], ...rest]), summarize, 'k');
    assert.ok(first?.full);
    assert.deepEqual(names(first.full), ['r0.go:2', 'r1.go:2', 'r2.go:2', 'r3.go:2', 'r4.go:2', 'r5.go:2', 'x.go:2', 'y.go:2', 'y.go:6']);
    let client = first.full;
    assert.equal(sync.next(files([['/a/x.go', a], ['/a/y.go', b], ...rest]), summarize, 'k'), undefined, 'the same arrays: nothing to send');

    const b2 = [b[0], site('/a/y.go', 9)];
    const z = [site('/a/z.go', 3)];
    const next = sync.next(files([['/a/y.go', b2], ['/a/z.go', z], ...rest]), summarize, 'k');
    assert.deepEqual(next?.delta?.files.sort(), ['x.go', 'y.go', 'z.go']);
    const delta = next?.delta;
    assert.ok(delta);
    assert.deepEqual(names(delta.sites), ['y.go:10', 'y.go:2', 'z.go:4']);
    client = applySitesDelta(client, delta);
    assert.deepEqual(names(client), ['r0.go:2', 'r1.go:2', 'r2.go:2', 'r3.go:2', 'r4.go:2', 'r5.go:2', 'y.go:10', 'y.go:2', 'z.go:4']);
  });

  it('a relative path two folders share carries both files\' sites', () => {
    const sync = new SiteListSync();
    const inB = [site('/b/x.go', 7)];
    sync.next(files([['/a/x.go', a], ['/b/x.go', inB], ...rest]), summarize, 'k');
    const next = sync.next(files([['/a/x.go', [site('/a/x.go', 2)]], ['/b/x.go', inB], ...rest]), summarize, 'k');
    assert.deepEqual(next?.delta?.files, ['x.go']);
    assert.deepEqual(names(next.delta.sites), ['x.go:3', 'x.go:8']);
  });

  it('sends the whole list again when most files changed or the folders or prefix did', () => {
    const sync = new SiteListSync();
    sync.next(files([['/a/x.go', a], ['/a/y.go', b]]), summarize, 'k');
    assert.ok(sync.next(files([['/a/x.go', [site('/a/x.go', 1)]], ['/a/y.go', [site('/a/y.go', 1)]]]), summarize, 'k')?.full);
    assert.ok(sync.next(files([['/a/x.go', a], ['/a/y.go', b]]), summarize, 'other folders')?.full);
  });
});
