// The code line of each span of a trace: the analyzer's site when exactly one matches (by flow
// and step, else by name narrowed by scope), the span's own code.* attributes otherwise, and
// nothing for a path that maps to no workspace file.

import assert from 'node:assert/strict';
import type { SpanSiteSummary } from '../../../common/src/sites';
import type { TraceDetail, TraceSpan } from '../../../common/src/traces';
import { runtimeFileResolver } from '../../../common/src/runtimePaths';
import { withCode } from '../../../server/src/link/traceCode';

const site = (over: Partial<SpanSiteSummary>): SpanSiteSummary => ({
  file: 'src/a.ts', line: 1, column: 1, language: 'typescript', name: null, flow: null, step: null, scope: null, kind: null, attributes: {}, ...over,
});
const span = (name: string, over: Partial<TraceSpan> = {}): TraceSpan => ({
  spanId: '1'.repeat(16), name, service: 'svc', kind: 'internal', startMs: 0, durationMs: 1, status: 'unset', attributes: {}, events: [], links: [], ...over,
});
const codeOf = (spans: TraceSpan[], sites: SpanSiteSummary[], resolve?: (p: string) => string | undefined) => {
  const trace: TraceDetail = { traceId: 'a'.repeat(32), spans, logs: [] };
  return withCode(trace, { sites, attributePrefix: 'coordimap.flow.', resolve }).spans.map((s) => s.code);
};

describe('link/traceCode', () => {
  it('one site by name, flow and step first, scope narrowing several', () => {
    const sites = [
      site({ file: 'src/pay.ts', line: 4, name: 'pay', scope: 'billing' }),
      site({ file: 'src/legacy.ts', line: 9, name: 'pay', scope: 'old' }),
      site({ file: 'src/flow.ts', line: 2, name: 'x', flow: 'shop.checkout', step: 'shop.pay' }),
    ];
    assert.deepEqual(codeOf([span('pay', { scope: 'billing' })], sites), [{ file: 'src/pay.ts', line: 4, column: 1, source: 'static' }]);
    assert.deepEqual(codeOf([span('anything', { attributes: { 'coordimap.flow.name': 'shop.checkout', 'coordimap.flow.step': 'shop.pay' } })], sites), [{ file: 'src/flow.ts', line: 2, column: 1, source: 'static' }]);
    assert.deepEqual(codeOf([span('pay')], sites), [undefined], 'two sites and nothing to choose: no link');
  });

  it('tells the client and the server site of one span name apart by kind', () => {
    const sites = [site({ file: 'src/checkout.ts', line: 7, name: 'POST /charge', kind: 'client' }), site({ file: 'src/payments.ts', line: 3, name: 'POST /charge', kind: 'server' })];
    assert.deepEqual(codeOf([span('POST /charge', { kind: 'client' }), span('POST /charge', { kind: 'server' })], sites), [
      { file: 'src/checkout.ts', line: 7, column: 1, source: 'static' },
      { file: 'src/payments.ts', line: 3, column: 1, source: 'static' },
    ]);
  });

  it("a span's code.* attributes pick one of several sites, or stand alone when mapped into the workspace", () => {
    const sites = [site({ file: 'src/pay.ts', line: 4, name: 'pay' }), site({ file: 'src/pay.ts', line: 20, name: 'pay' })];
    const attrs = { 'code.filepath': '/srv/app/src/pay.ts', 'code.lineno': 20 };
    assert.deepEqual(codeOf([span('pay', { attributes: attrs })], sites), [{ file: 'src/pay.ts', line: 20, column: 1, source: 'static' }]);
    const other = { 'code.file.path': 'C:\\build\\src\\util.ts', 'code.line.number': '7' };
    assert.deepEqual(codeOf([span('util', { attributes: other })], sites, (p) => (p.endsWith('util.ts') ? 'src/util.ts' : undefined)), [{ file: 'src/util.ts', line: 7, source: 'runtime' }]);
    assert.deepEqual(codeOf([span('util', { attributes: { 'code.file.path': '/etc/passwd' } })], sites), [undefined], 'outside the workspace: no link');
  });

  it('a span that has a code line keeps it', () => {
    const kept = { file: 'lib/x.ts', line: 3, source: 'runtime' as const };
    assert.deepEqual(codeOf([span('pay', { code: kept })], [site({ name: 'pay' })]), [kept]);
  });

  it('suffix lookup: the longest whole-segment suffix, none on a tie or with ..', () => {
    const lookup = runtimeFileResolver(['src/a/x.ts', 'src/b/x.ts', 'lib/y.ts']);
    assert.equal(lookup('/srv/app/src/a/x.ts'), 'src/a/x.ts');
    assert.equal(lookup('/other/x.ts'), null, 'two files tie');
    assert.equal(lookup('y.ts'), 'lib/y.ts');
    assert.equal(lookup('/srv/lib/../lib/y.ts'), null);
    assert.equal(lookup('/srv/xlib/y.ts'), null, 'a segment must match whole');
  });
});
