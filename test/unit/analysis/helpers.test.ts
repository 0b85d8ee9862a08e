import assert from 'node:assert/strict';
import { layerSettings, parseConfig } from '../../../server/src/analysis/config';
import { isIncluded } from '../../../server/src/analysis/files';
import { findIdInName, removeIdFromName } from '../../../server/src/analysis/names';
import { deriveName, quoteLike, stablePrefix } from '../../../server/src/analysis/naming';
import { WorkspaceAnalyzer } from '../../../server/src/analysis/workspace';
import { defaults } from './fixtures';

describe('analyzer helpers', () => {
  it('reads otel-flow-map.json nested or flat, ignoring wrong types', () => {
    assert.equal(parseConfig({ analysis: { attributePrefix: 'app.flow.' } }).attributePrefix, 'app.flow.');
    assert.equal(parseConfig({ attributePrefix: 'app.flow.', genericNames: 'nope' }).attributePrefix, 'app.flow.');
    assert.deepEqual(parseConfig({ genericNames: 'nope' }).genericNames, defaults().genericNames);
    assert.deepEqual(parseConfig(null), defaults());
  });

  it('layers editor settings over the file: editor values the user did not set give way', () => {
    const file = parseConfig({ attributePrefix: 'app.flow.', namePattern: '^x$', severities: { 'generic-name': 'off', 'id-in-name': 'hint' } });
    // The client pushes only what the user set (client/src/settingsScopes.ts).
    const editor = { namePattern: '^y$', severities: { 'generic-name': 'error' as const } };
    const s = layerSettings(editor, file);
    assert.equal(s.attributePrefix, 'app.flow.');
    assert.equal(s.namePattern, '^y$');
    assert.deepEqual(s.severities, { 'generic-name': 'error', 'id-in-name': 'hint' });
  });

  it('precedence: defaults < otel-flow-map.json < user-set editor values, even when they equal the default', () => {
    const file = parseConfig({ attributePrefix: 'app.flow.', genericNames: ['misc'], exclude: ['**/gen/**'], severities: { 'span-not-ended': 'error' } });
    const d = defaults();
    // The user explicitly set the defaults back in the editor: those win over the file.
    const s = layerSettings({ attributePrefix: d.attributePrefix, genericNames: d.genericNames }, file);
    assert.equal(s.attributePrefix, 'coordimap.flow.');
    assert.deepEqual(s.genericNames, d.genericNames);
    assert.deepEqual(s.exclude, ['**/gen/**'], 'not set in the editor: the file decides');
    assert.equal(s.namePattern, d.namePattern, 'set nowhere: the default');
    assert.deepEqual(s.severities, { 'span-not-ended': 'error' });
    // Nothing pushed yet, or garbage: the file as is.
    assert.deepEqual(layerSettings(undefined, file), file);
    assert.deepEqual(layerSettings('nope', file), file);
    // Values of the wrong type (and unknown severities) are ignored, not turned into defaults over the file.
    const bad = layerSettings({ attributePrefix: 5, genericNames: 'x', severities: { 'span-not-ended': 'loud', 'generic-name': 'hint' }, bogus: 1 }, file);
    assert.equal(bad.attributePrefix, 'app.flow.');
    assert.deepEqual(bad.genericNames, ['misc']);
    assert.deepEqual(bad.severities, { 'span-not-ended': 'error', 'generic-name': 'hint' });
    assert.ok(!('bogus' in bad));
  });

  it('matches include/exclude globs like .gitignore', () => {
    const ex = defaults().exclude;
    assert.equal(isIncluded('src/app.ts', [], ex), true);
    assert.equal(isIncluded('node_modules/x/index.js', [], ex), false);
    assert.equal(isIncluded('pkg/dist/a.js', [], ex), false);
    assert.equal(isIncluded('src/app.ts', ['src/**/*.{ts,tsx}'], ex), true);
    assert.equal(isIncluded('test/app.ts', ['src/**'], ex), false);
    assert.equal(isIncluded('a/b/c.spec.ts', [], ['*.spec.ts']), false);
  });

  it('detects IDs in names, and only IDs', () => {
    for (const n of ['order.12345', 'x.3f2b8c1e-9a4d-4c21-8f3e-1b2c3d4e5f60', 'mail.a@b.io', 'report.2024-05-01', 'sync.deadbeef0011']) assert.ok(findIdInName(n), n);
    for (const n of ['checkout.place_order', 'GET /users/12', 'http.v2', 'oauth2.token', 'sha256.verify']) assert.equal(findIdInName(n), undefined, n);
  });

  it('removes an ID and one separator next to it from a name', () => {
    assert.deepEqual(removeIdFromName('checkout.order.12345'), { stable: 'checkout.order', id: '12345' });
    assert.deepEqual(removeIdFromName('checkout.12345.pay'), { stable: 'checkout.pay', id: '12345' });
    assert.deepEqual(removeIdFromName('12345.checkout'), { stable: 'checkout', id: '12345' });
    assert.deepEqual(removeIdFromName('x.3f2b8c1e-9a4d-4c21-8f3e-1b2c3d4e5f60'), { stable: 'x', id: '3f2b8c1e-9a4d-4c21-8f3e-1b2c3d4e5f60' });
    assert.deepEqual(removeIdFromName('report.2024-05-01'), { stable: 'report', id: '2024-05-01' });
    assert.deepEqual(removeIdFromName('sync/deadbeef0011'), { stable: 'sync', id: 'deadbeef0011' });
    assert.equal(removeIdFromName('12345'), undefined, 'nothing stable left');
    assert.equal(removeIdFromName('checkout.place_order'), undefined);
  });

  it('derives names, stable prefixes and literals for fixes', () => {
    assert.equal(deriveName('OrderService.placeOrder'), 'order_service.place_order');
    assert.equal(deriveName('HTTPServer.handleGETRequest'), 'http_server.handle_get_request');
    assert.equal(stablePrefix('checkout.order.'), 'checkout.order');
    assert.equal(stablePrefix('checkout/order-'), 'checkout/order');
    assert.equal(quoteLike("it's", "'x'", 'typescript'), "'it\\'s'");
    assert.equal(quoteLike('a', '"x"', 'typescript'), '"a"');
    assert.equal(quoteLike('a', '`x`', 'go'), '"a"');
  });

  it('moves a dynamic flow name out of an attributes object with one edit', async () => {
    const a = await WorkspaceAnalyzer.create(defaults(), ['/ws']);
    const text = [
      "const tracer = trace.getTracer('t');",
      'export function pay(id: string) {',
      "  tracer.startActiveSpan('billing.pay', { attributes: { 'coordimap.flow.name': `billing.pay.${id}` } }, (span) => span.end());",
      '}',
    ].join('\n');
    a.updateFile('/ws/pay.ts', text);
    const f = a.findingsOf('/ws/pay.ts').find((x) => x.rule === 'dynamic-flow-name');
    assert.ok(f);
    assert.equal(f.fixes.length, 2);
    assert.deepEqual(f.fixes[0].edits, [{ range: f.range, newText: "'billing.pay', 'coordimap.flow.run_id': id" }]);
    assert.equal(f.fixes[0].preferred, true);
  });

  it('renames a generic flow step after the enclosing method only when it fits the pattern', async () => {
    const a = await WorkspaceAnalyzer.create(defaults(), ['/ws']);
    a.updateFile('/ws/c.ts', [
      'class Checkout {',
      '  placeOrder(id: string) {',
      "    const span = tracer.startSpan('checkout.place_order');",
      "    span.setAttributes({ 'coordimap.flow.name': 'checkout.flow', 'coordimap.flow.step': 'process', 'coordimap.flow.run_id': id });",
      '    span.end();',
      '  }',
      '}',
      'function run() {',
      "  const span = tracer.startSpan('x.y');",
      "  span.setAttributes({ 'coordimap.flow.name': 'x.flow', 'coordimap.flow.step': 'handler', 'coordimap.flow.run_id': 1 });",
      '  span.end();',
      '}',
      "import { trace } from '@opentelemetry/api';",
    ].join('\n'));
    const generic = a.findingsOf('/ws/c.ts').filter((x) => x.rule === 'generic-name');
    assert.equal(generic.length, 2);
    assert.equal(generic[0].fixes[0].edits[0].newText, "'checkout.place_order'");
    assert.deepEqual(generic[1].fixes, [], "'run' is itself generic and single-segment: no rename offered");
  });

  it('supports wrapper functions from settings', async () => {
    const a = await WorkspaceAnalyzer.create(defaults({ wrapperFunctions: ['withSpan', 'tracing.span'] }), ['/ws']);
    a.updateFile('/ws/w.ts', "withSpan('orders.load', (span) => { span.setAttribute('k', 1); });\ntracing.span(`x.${id}`);\nother.withSpan('a.b', (s) => s.end());");
    const sites = a.sitesOf('/ws/w.ts');
    assert.deepEqual(sites.map((s) => s.name?.text), ["'orders.load'", '`x.${id}`', "'a.b'"]);
    assert.equal(sites[0].ended, false);
    assert.deepEqual(sites[0].attributes.map((x) => x.key), ['k']);
  });
});
