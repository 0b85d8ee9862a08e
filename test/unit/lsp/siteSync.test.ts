// The client's copy of the site list: the whole list once, then only the files whose sites
// changed, which the client applies over what it holds.
import assert from 'node:assert/strict';
import { applySitesDelta, type SpanSiteSummary } from '../../../common/src/sites';
import { SiteListSync } from '../../../server/src/lsp/siteSync';

const site = (file: string, line: number): SpanSiteSummary => ({ file, line, column: 1, language: 'go', name: `s${line}`, flow: null, step: null, scope: null, kind: null, attributes: {} });

describe('site list sync', () => {
  it('sends the whole list first, then the changed, new and gone files only; nothing when nothing changed', () => {
    const sync = new SiteListSync();
    const a = site('a.go', 1);
    const rest = Array.from({ length: 6 }, (_, i) => site(`r${i}.go`, 1));
    const b = [site('b.go', 1), site('b.go', 5)];
    const c = site('c.go', 2);
    const first = [a, ...b, c, ...rest];
    assert.deepEqual(sync.next(first), { full: first });
    let client = first;
    assert.equal(sync.next([a, ...b, c, ...rest]), undefined, 'the same summaries: nothing to send');

    const b2 = [b[0], site('b.go', 9)];
    const d = site('d.go', 3);
    const second = [a, ...b2, d, ...rest];
    const next = sync.next(second);
    assert.deepEqual(next, { delta: { files: ['b.go', 'd.go', 'c.go'], sites: [...b2, d] } });
    client = applySitesDelta(client, next!.delta!);
    assert.deepEqual(new Set(client), new Set(second), 'the client holds what the server has');
  });

  it('sends the whole list again when most files changed (a rescan makes every site anew)', () => {
    const sync = new SiteListSync();
    sync.next([site('a.go', 1), site('b.go', 1)]);
    const rescanned = [site('a.go', 1), site('b.go', 1)];
    assert.deepEqual(sync.next(rescanned), { full: rescanned });
  });
});
