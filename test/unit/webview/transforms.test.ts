import assert from 'node:assert/strict';
import { emptyGraph, type Graph } from '../../../common/src/graph';
import type { SpanSiteSummary } from '../../../common/src/sites';
import { coverage, runtimeLocation, runtimeLocations, sitesForSpanNames, sitesForStep } from '../../../webview/src/codeLinks';
import { filterGraph } from '../../../webview/src/filters';
import { formatMs, formatPercent, health } from '../../../webview/src/format';
import { normaliseGraph } from '../../../webview/src/model';
import { defaultUiState, sanitizeUiState } from '../../../webview/src/uiState';
import { edge, node } from '../../webview/support/graphs';

function sample(): Graph {
  const g = emptyGraph();
  g.nodes.push(node('service:web', 'service'), node('service:checkout', 'service'), node('database:postgresql:orders', 'database', 10, 0, 'postgresql'), node('external:stripe', 'external'), node('service:lonely', 'service'));
  g.edges.push(
    edge('service:web', 'calls', 'service:checkout', 10, 0, ['GET /checkout']),
    edge('service:checkout', 'writes', 'database:postgresql:orders', 5, 0, ['INSERT orders']),
    edge('service:checkout', 'calls', 'external:stripe', 3, 1, ['POST /charge']),
  );
  g.flows.push({ name: 'checkout.place_order', runs: 3, steps: [{ name: 'checkout.validate_cart', count: 3, errors: 0, p50Ms: 1, p95Ms: 2, p99Ms: 3, services: ['web'], scopes: ['web-tracer'], spanNames: ['validate'] }], transitions: [] });
  return g;
}

function site(partial: Partial<SpanSiteSummary>): SpanSiteSummary {
  return { file: 'src/a.ts', line: 1, column: 1, language: 'typescript', name: null, flow: null, step: null, scope: null, kind: null, attributes: {}, ...partial };
}

describe('webview filters', () => {
  const f = defaultUiState().filters;
  it('shows everything by default, including isolated nodes', () => {
    const v = filterGraph(sample(), f);
    assert.equal(v.nodes.length, 5);
    assert.equal(v.edges.length, 3);
  });
  it('hides relations and externals', () => {
    const v = filterGraph(sample(), { ...f, hiddenRelations: ['writes'], hideExternals: true });
    assert.deepEqual(v.edges.map((e) => e.relation), ['calls']);
    assert.ok(!v.nodes.some((n) => n.kind === 'external'));
  });
  it('narrows to a service and its neighbours', () => {
    const v = filterGraph(sample(), { ...f, service: 'web' });
    assert.deepEqual(v.nodes.map((n) => n.name).sort(), ['checkout', 'web']);
  });
  it('searches node names and span names', () => {
    assert.deepEqual(filterGraph(sample(), { ...f, search: 'INSERT' }).edges.map((e) => e.target), ['database:postgresql:orders']);
    assert.deepEqual(filterGraph(sample(), { ...f, search: 'lonely' }).nodes.map((n) => n.name), ['lonely']);
  });
  it('narrows to the services of a flow', () => {
    const v = filterGraph(sample(), { ...f, flow: 'checkout.place_order' });
    assert.deepEqual(v.edges.map((e) => e.source), ['service:web']);
  });
});

describe('webview code links', () => {
  const sites = [
    site({ file: 'a.ts', line: 3, flow: 'checkout.place_order', step: 'checkout.validate_cart', name: 'validate' }),
    site({ file: 'b.ts', line: 9, name: 'POST /charge', scope: 'other' }),
    site({ file: 'c.ts', line: 7, name: 'POST /charge', scope: 'bench' }),
    site({ file: 'd.ts', line: 1, name: 'never.live' }),
  ];
  it('matches a step by flow and step first', () => {
    assert.deepEqual(sitesForStep(sites, 'checkout.place_order', 'checkout.validate_cart', [], []).map((s) => s.file), ['a.ts']);
  });
  it('falls back to span names narrowed by scope', () => {
    assert.deepEqual(sitesForSpanNames(sites, ['POST /charge'], ['bench']).map((s) => s.file), ['c.ts']);
    assert.deepEqual(sitesForSpanNames(sites, ['POST /charge'], ['unknown']).map((s) => s.file), ['b.ts', 'c.ts']);
    assert.deepEqual(sitesForStep(sites, 'f', 's', ['POST /charge'], ['other']).map((s) => s.file), ['b.ts']);
  });
  it('reads runtime locations from current and older attribute keys', () => {
    assert.deepEqual(runtimeLocation({ 'code.file.path': '/srv/app.ts', 'code.line.number': 12 }), { file: '/srv/app.ts', line: 12, source: 'runtime' });
    assert.deepEqual(runtimeLocation({ 'code.filepath': 'app.py', 'code.lineno': '7' }), { file: 'app.py', line: 7, source: 'runtime' });
    assert.deepEqual(runtimeLocation({ 'code.filepath': 'app.py', 'code.lineno': -3 }), { file: 'app.py', line: 1, source: 'runtime' });
    assert.equal(runtimeLocation({ 'code.line.number': 3 }), null);
  });
  it('ranks runtime locations by frequency', () => {
    const span = (file: string) => ({ traceId: 't', spanId: 's', name: 'n', service: 's', scope: '', kind: 'internal', startMs: 0, durationMs: 1, error: false, attributes: { 'code.file.path': file, 'code.line.number': 1 } });
    assert.deepEqual(runtimeLocations([span('a'), span('b'), span('b')]).map((l) => l.file), ['b', 'a']);
  });
  it('reports live steps without a site and sites never seen live', () => {
    const g = sample();
    g.flows[0].steps.push({ name: 'payments.charge_card', count: 1, errors: 0, p50Ms: 1, p95Ms: 1, p99Ms: 1, services: ['payments'], scopes: [], spanNames: ['charge'] });
    const c = coverage(g, sites);
    assert.deepEqual([...c.stepsWithoutSite], ['checkout.place_order\u0000payments.charge_card']);
    assert.deepEqual(c.sitesNeverLive.map((s) => s.file), ['d.ts']);
  });
});

describe('webview model and state hygiene', () => {
  it('normalises malformed graphs from the host', () => {
    const g = normaliseGraph({ nodes: [null, { id: 1 }, { id: 'a', name: 'a' }], edges: 'x', flows: [{ name: 'f' }] } as unknown as Graph);
    assert.equal(g.nodes.length, 1);
    assert.deepEqual(g.edges, []);
    assert.deepEqual(g.flows[0].steps, []);
  });
  it('sanitises stored UI state', () => {
    const s = sanitizeUiState({ view: 'evil', selection: { kind: 'node', id: 5 }, filters: { hiddenRelations: ['calls', 'bogus'], search: 42 }, zoom: { x: 1, y: 2, k: -1 } });
    assert.equal(s.view, 'map');
    assert.equal(s.selection, null);
    assert.deepEqual(s.filters.hiddenRelations, ['calls']);
    assert.equal(s.filters.search, '');
    assert.equal(s.zoom, null);
    assert.deepEqual(sanitizeUiState('garbage'), defaultUiState());
  });
  it('formats numbers and health', () => {
    assert.equal(formatMs(0.5), '0.50 ms');
    assert.equal(formatMs(12345), '12.3 s');
    assert.equal(formatPercent(1, 3), '33%');
    assert.equal(health(0, 10), 'ok');
    assert.equal(health(1, 100), 'warn');
    assert.equal(health(10, 100), 'bad');
  });
});
