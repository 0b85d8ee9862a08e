// link/: site summaries, runtime path mapping (never outside the workspace), the live join
// behind CodeLens and hover, and their text.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyGraph, type Graph } from '../../../common/src/graph';
import type { SpanSite, ValueInfo } from '../../../server/src/analysis/types';
import { lensTitle, liveStatsForSite } from '../../../server/src/link/liveMatch';
import { toSiteSummaries, toSiteSummary } from '../../../server/src/link/siteSummary';
import { relativeToFolders, RuntimePathResolver } from '../../../server/src/link/workspacePaths';
import { lensOf } from '../../../server/src/lsp/codeLens';
import { hoverMarkdown, md } from '../../../server/src/lsp/hover';
import type { SpanNameStat } from '../../../server/src/telemetry/topology/spanNames';
import type { LiveWindow } from '../../../server/src/telemetry/topology/liveWindow';

const R = { start: { line: 4, character: 2 }, end: { line: 4, character: 30 } };
const value = (v: string | null, extra: Partial<ValueInfo> = {}): ValueInfo => ({ constant: v !== null, ...(v !== null ? { value: v } : {}), text: String(v), range: R, ...extra });

function site(over: Partial<SpanSite> = {}, attrs: Record<string, string | null> = {}): SpanSite {
  return {
    file: '/ws/app/src/orders.ts', language: 'typescript', range: R, name: value('orders.place'), scope: 'orders', kind: null, ended: true,
    attributes: Object.entries(attrs).map(([key, v]) => ({ key, keyRange: R, value: value(v) })),
    ...over,
  };
}

const stat = (name: string, over: Partial<SpanNameStat> = {}): SpanNameStat => ({
  service: 'api', name, kind: 'internal', scopes: ['orders'], count: 10, errors: 1, p50Ms: 5, p95Ms: 40, p99Ms: 50, codeRefs: [], ...over,
});

describe('link: workspace paths', () => {
  let ws: string;
  before(() => {
    ws = mkdtempSync(join(tmpdir(), 'ofm-ws-'));
    mkdirSync(join(ws, 'src', 'orders'), { recursive: true });
    writeFileSync(join(ws, 'src', 'orders', 'service.ts'), '');
    writeFileSync(join(ws, 'main.go'), '');
    symlinkSync('/etc', join(ws, 'etc-link'));
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  it('relativeToFolders picks the containing folder and refuses outside paths', () => {
    assert.deepEqual(relativeToFolders('/a/b/c.ts', ['/a', '/a/b']), { folder: '/a/b', relative: 'c.ts' });
    assert.equal(relativeToFolders('/elsewhere/c.ts', ['/a']), undefined);
    assert.equal(relativeToFolders('/a/../etc/passwd', ['/a']), undefined);
  });

  it('maps runtime paths from another machine by the longest existing suffix', () => {
    const r = new RuntimePathResolver(() => [ws]);
    assert.deepEqual(r.resolve('/srv/app/src/orders/service.ts'), { folder: ws, relative: 'src/orders/service.ts' });
    assert.deepEqual(r.resolve('C:\\build\\src\\orders\\service.ts'), { folder: ws, relative: 'src/orders/service.ts' });
    assert.deepEqual(r.resolve('/go/src/main.go'), { folder: ws, relative: 'main.go' });
  });

  it('never resolves outside the workspace: .., symlinks out, unknown files', () => {
    const r = new RuntimePathResolver(() => [ws]);
    assert.equal(r.resolve('/x/../../etc/passwd'), undefined);
    assert.equal(r.resolve('/x/etc-link/passwd'), undefined);
    assert.equal(r.resolve('/nope/missing.ts'), undefined);
    assert.equal(r.resolve(''), undefined);
  });
});

describe('link: live join, CodeLens and hover text', () => {
  const graph: Graph = {
    ...emptyGraph(),
    flows: [{ name: 'checkout.place_order', runs: 3, steps: [{ name: 'checkout.pay', count: 1204, errors: 10, p50Ms: 12, p95Ms: 38, p99Ms: 60, services: ['billing'], scopes: [], spanNames: [] }], transitions: [] }],
  };

  it('summarises a site relative to its folder, with flow attributes and dynamic values as null', () => {
    const s = toSiteSummary(site({}, { 'coordimap.flow.name': 'checkout.place_order', 'coordimap.flow.step': 'checkout.pay', 'order.id': null }), ['/ws/app'], 'coordimap.flow.')!;
    assert.deepEqual({ file: s.file, line: s.line, column: s.column, flow: s.flow, step: s.step, name: s.name }, { file: 'src/orders.ts', line: 5, column: 3, flow: 'checkout.place_order', step: 'checkout.pay', name: 'orders.place' });
    assert.equal(s.attributes['order.id'], null);
    assert.equal(toSiteSummary(site(), ['/other'], 'coordimap.flow.'), undefined);
  });

  it('a summary made once per site is made again for other folders or another flow prefix', () => {
    const s = site({}, { 'coordimap.flow.name': 'checkout.place_order' });
    const first = toSiteSummaries([s], ['/ws'], 'coordimap.flow.');
    assert.equal(toSiteSummaries([s], ['/ws'], 'coordimap.flow.')[0], first[0], 'the same object: not summarised again');
    assert.equal(toSiteSummaries([s], ['/ws/app'], 'coordimap.flow.')[0].file, 'src/orders.ts');
    assert.equal(toSiteSummaries([s], ['/ws/app'], 'other.')[0].flow, null);
    assert.deepEqual(toSiteSummaries([s], ['/elsewhere'], 'coordimap.flow.'), []);
  });

  it('matches by (flow, step) first, then by span name narrowed by scope, then by a dynamic prefix', () => {
    const byStep = toSiteSummary(site({}, { 'coordimap.flow.name': 'checkout.place_order', 'coordimap.flow.step': 'checkout.pay' }), ['/ws'], 'coordimap.flow.')!;
    const stats = liveStatsForSite(byStep, undefined, graph, [])!;
    assert.equal(stats.matchedBy, 'step');
    assert.equal(lensTitle(stats), '1,204 spans since start · 0.8% errors · p95 38 ms', 'no window numbers: the totals, said to be');

    const byName = toSiteSummary(site(), ['/ws'], 'coordimap.flow.')!;
    const names = [stat('orders.place'), stat('orders.place', { service: 'worker', scopes: ['other'], count: 99 })];
    const n = liveStatsForSite(byName, undefined, graph, names)!;
    assert.equal(n.count, 10, 'narrowed to the site scope');

    const dynamic = toSiteSummary(site({ name: value(null, { constantPrefix: 'order.' }) }), ['/ws'], 'coordimap.flow.')!;
    const many = Array.from({ length: 25 }, (_, i) => stat(`order.${i}`));
    const d = liveStatsForSite(dynamic, 'order.', graph, many)!;
    assert.equal(d.distinctNames, 25);
    assert.match(hoverMarkdown({ site: site(), summary: dynamic, stats: d }, []), /high cardinality: 25 distinct live names/);
    assert.equal(lensTitle(undefined), 'not seen live');
  });

  it('a client span and the server span answering it share a name: each site counts its own kind', () => {
    const names = [stat('POST /charge', { kind: 'client', service: 'checkout', count: 4 }), stat('POST /charge', { kind: 'server', service: 'payments', count: 2 })];
    const asKind = (kind: string | null) => liveStatsForSite(toSiteSummary(site({ name: value('POST /charge'), kind }), ['/ws'], 'coordimap.flow.')!, undefined, graph, names)!;
    assert.deepEqual([asKind('client').count, asKind('client').services], [4, ['checkout']]);
    assert.deepEqual([asKind('server').count, asKind('server').services], [2, ['payments']]);
    assert.equal(asKind('producer').count, 6, 'no span of the site\'s kind: every kind, as before');
    const withInternal = [...names, stat('POST /charge', { kind: 'internal', service: 'checkout', count: 7 })];
    assert.equal(liveStatsForSite(toSiteSummary(site({ name: value('POST /charge') }), ['/ws'], 'coordimap.flow.')!, undefined, graph, withInternal)!.count, 7, 'no kind in the code: the API default, internal');
  });

  it('the lens and hover lead with the recent window: rate, errors, p95, last seen; idle once silent for the whole window', () => {
    const summary = toSiteSummary(site(), ['/ws'], 'coordimap.flow.')!;
    const names = [stat('orders.place', { count: 1204, errors: 10 }), stat('orders.place', { kind: 'server', service: 'other', count: 5 })];
    const live = (count: number, errors: number, idleMs: number): LiveWindow => ({
      windowMs: 60_000,
      names: [
        { service: 'api', name: 'orders.place', kind: 'internal', window: { count, errors, ratePerSec: count / 60, p50Ms: 12, p95Ms: 38, p99Ms: 50 }, idleMs },
        { service: 'other', name: 'orders.place', kind: 'server', window: { count: 500, errors: 0, ratePerSec: 8, p50Ms: 1, p95Ms: 2, p99Ms: 3 }, idleMs: 0 },
      ],
      steps: [],
    });
    const active = liveStatsForSite(summary, undefined, graph, names, live(144, 2, 1_500))!;
    assert.equal(lensTitle(active), '144 spans in 1m · 2.4/s · 1.4% errors · p95 38 ms · seen 2s ago');
    const hover = hoverMarkdown({ site: site(), summary, stats: active }, []);
    assert.match(hover, /Last 1m: 144 spans · 2\.4\/s · 1\.4% errors · p50 12 ms · p95 38 ms/);
    assert.match(hover, /Last seen 2s ago/);
    assert.match(hover, /Since start: 1,204 spans · 0\.8% errors/);
    assert.equal(lensTitle(liveStatsForSite(summary, undefined, graph, names, live(3, 0, 20_000))), '3 spans in 1m · 3.0/min · 0% errors · p95 38 ms · seen 20s ago');
    const idle = liveStatsForSite(summary, undefined, graph, names, live(0, 0, 185_000))!;
    assert.equal(lensTitle(idle), 'idle 3m · 1,204 spans since start');
    assert.match(hoverMarkdown({ site: site(), summary, stats: idle }, []), /Idle 3m: no spans in the last 1m/);
  });

  it('a step site: the window\'s step counts, its latency and silence from its span name', () => {
    const byStep = toSiteSummary(site({}, { 'coordimap.flow.name': 'checkout.place_order', 'coordimap.flow.step': 'checkout.pay' }), ['/ws'], 'coordimap.flow.')!;
    const names = [stat('orders.place')];
    const live = (idleMs: number): LiveWindow => ({
      windowMs: 60_000,
      names: [{ service: 'api', name: 'orders.place', kind: 'internal', window: { count: 9, errors: 0, ratePerSec: 0.15, p50Ms: 3, p95Ms: 7, p99Ms: 9 }, idleMs }],
      steps: [{ flow: 'checkout.place_order', step: 'checkout.pay', count: 12, errors: 3 }],
    });
    assert.equal(lensTitle(liveStatsForSite(byStep, undefined, graph, names, live(4_000))), '12 spans in 1m · 12.0/min · 25% errors · p95 7.0 ms · seen 4s ago');
    assert.equal(lensTitle(liveStatsForSite(byStep, undefined, graph, names, live(61_000))), 'idle 1m · 1,204 spans since start', 'the step\'s minute still counts it; its name is silent for the whole window');
  });

  it('the lens command targets the step or the span name', () => {
    const s = site({}, { 'coordimap.flow.name': 'f.a', 'coordimap.flow.step': 'f.b' });
    const lens = lensOf({ site: s, summary: toSiteSummary(s, ['/ws'], 'coordimap.flow.')!, stats: undefined });
    assert.deepEqual(lens.command, { title: 'not seen live', command: 'otelFlowMap.showInMap', arguments: [{ flow: 'f.a', step: 'f.b' }] });
    const byName = lensOf({ site: site(), summary: toSiteSummary(site(), ['/ws'], 'coordimap.flow.')!, stats: undefined });
    assert.deepEqual(byName.command?.arguments, [{ name: 'orders.place' }]);
  });

  it('hover escapes hostile span data', () => {
    assert.equal(md('[x](javascript:alert(1)) <img>'), '\\[x\\]\\(javascript:alert\\(1\\)\\) \\<img\\>');
    const summary = toSiteSummary(site(), ['/ws'], 'coordimap.flow.')!;
    const text = hoverMarkdown({ site: site(), summary, stats: { matchedBy: 'name', count: 3, errors: 0, p50Ms: 1, p95Ms: 2, services: ['<script>'] } }, ['src/a.ts:3']);
    assert.ok(text.includes('\\<script\\>') && !text.includes('<script>'));
    assert.match(text, /Emitted at runtime from: src\/a\\\.ts:3/);
  });
});
