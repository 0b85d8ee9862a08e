import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../common/src/settings';
import { createPythonFrontEnd } from '../../../server/src/analysis/python/pythonFrontEnd';
import type { LanguageFrontEnd, SpanSite } from '../../../server/src/analysis/types';
import { FIXTURES, attributeValues, fixtureSites, lineOf, siteOnLine } from '../treeSitterSupport';

const ROOT = join(FIXTURES, 'python');
const ORDERS = join(ROOT, 'shop', 'orders.py');
const ORDERS_TEXT = readFileSync(ORDERS, 'utf8');

describe('Python front-end (tree-sitter)', () => {
  let frontEnd: LanguageFrontEnd;
  let sites: SpanSite[];
  const at = (marker: string) => siteOnLine(sites, lineOf(ORDERS_TEXT, marker));

  before(async () => {
    frontEnd = await createPythonFrontEnd(DEFAULT_SETTINGS.analysis);
    sites = fixtureSites(frontEnd, ROOT, ORDERS);
  });

  it('finds with-statement, decorator and start_span sites, and no decoys', () => {
    assert.equal(sites.length, 16);
    const decoys = lineOf(ORDERS_TEXT, 'def decoys');
    assert.ok(sites.every((s) => s.range.start.line < decoys - 1), 'no site in the decoy function (strings, comments, look-alikes)');
  });

  it('resolves names, scope, kind and attributes across modules, classes and Enum members', () => {
    const site = at('start_as_current_span(PLACE_ORDER');
    assert.deepEqual(site.name?.value, 'checkout.place_order');
    assert.equal(site.name?.text, 'PLACE_ORDER');
    assert.equal(site.scope, 'shop.orders');
    assert.equal(site.kind, 'server');
    assert.equal(site.ended, null);
    assert.equal(site.enclosingFunction, 'OrderService.place_order');
    assert.deepEqual(attributeValues(site), {
      'coordimap.flow.name': 'shop.checkout',
      'order.id': '<order_id>',
      'coordimap.flow.step': 'checkout.pay',
      'coordimap.flow.run_id': '<order_id>',
      retry: 3,
    });
  });

  it('reports positions as 0-based lines and UTF-16 columns of the call and of the name', () => {
    const line = lineOf(ORDERS_TEXT, 'start_as_current_span(PLACE_ORDER') - 1;
    const column = ORDERS_TEXT.split('\n')[line].indexOf('tracer.start_as_current_span');
    const site = at('start_as_current_span(PLACE_ORDER');
    assert.deepEqual(site.range.start, { line, character: column });
    assert.deepEqual(site.headRange?.end, { line, character: column + 'tracer.start_as_current_span'.length });
    assert.deepEqual(site.name?.range.start, { line, character: column + 'tracer.start_as_current_span('.length });
  });

  it('counts columns in UTF-16 code units after non-ASCII text', () => {
    const file = join(ROOT, 'unicode.py');
    const text = 'from opentelemetry import trace\nx = "héllo 😀"; s = tracer.start_span("a.b")\n';
    frontEnd.updateFile(file, text);
    assert.equal(frontEnd.sitesOf(file).sites[0].range.start.character, text.split('\n')[1].indexOf('tracer'));
    frontEnd.removeFile(file);
  });

  it('resolves self class attributes and tracers assigned to self', () => {
    const site = at('self._tracer.start_as_current_span');
    assert.equal(site.name?.value, 'checkout.reserve');
    assert.equal(site.scope, 'shop.orders.service');
  });

  it('marks f-strings, %, .format() and concatenation with non-constants as dynamic, with their constant prefix', () => {
    const expectations: [string, string, string[]][] = [
      ['f"order.{order_id}"', 'order.', ['order_id']],
      ['"orders.fetch_%s" % order_id', 'orders.fetch_', ['order_id']],
      ['"orders.{}".format(order_id)', 'orders.', ['order_id']],
      ['"orders." + order_id', 'orders.', ['order_id']],
    ];
    for (const [text, prefix, parts] of expectations) {
      const name = at(text).name;
      assert.equal(name?.constant, false, text);
      assert.equal(name?.constantPrefix, prefix, text);
      assert.deepEqual(name?.dynamicParts, parts, text);
    }
    assert.equal(at('f"{names.SERVICE}.lookup"').name?.value, 'shop.lookup', 'f-string of constants through `from . import names`');
    assert.equal(at('start_as_current_span(REBOUND)').name?.constant, false, 'a module name assigned twice is not constant');
    assert.equal(at('start_as_current_span(name)').name?.value, 'checkout.local', 'a local assigned once');
  });

  it('collects attributes from get_current_span() inside a decorated function', () => {
    const site = at('@tracer.start_as_current_span("checkout.ship"');
    assert.equal(site.kind, 'producer');
    assert.equal(site.enclosingFunction, 'ship');
    assert.equal(site.ended, null);
    assert.deepEqual(attributeValues(site), { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' });
  });

  it('knows which start_span spans are ended, and offers the with-statement where that is clear', () => {
    const never = at('"checkout.audit"');
    assert.equal(never.ended, false);
    assert.equal(never.endFix?.edits[0].newText, 'with tracer.start_as_current_span("checkout.audit") as span:\n        span.set_attribute("entity.type", "order")\n        do_work()');
    assert.equal(never.endFix?.edits[0].range.start.line, lineOf(ORDERS_TEXT, '"checkout.audit"') - 1);
    assert.equal(never.leak?.start.line, lineOf(ORDERS_TEXT, 'do_work()') - 1, 'falls off the end of the function after its last line');
    assert.equal(at('"checkout.refund"').ended, true, 'ended in finally');
    assert.equal(at('"checkout.dropped"').ended, false, 'created and dropped');
    assert.equal(at('"checkout.dropped"').endFix, undefined);
    assert.equal(at('"checkout.handed"').ended, true, 'returned to the caller: it escapes');
    assert.equal(at('"checkout.with_plain"').ended, null, 'a with-block ends it');
    assert.deepEqual(attributeValues(at('"checkout.with_plain"')), { 'entity.id': '1' });
  });

  it('takes the scope of an inline get_tracer()', () => {
    assert.equal(at('start_as_current_span("handler")').scope, 'inline.scope');
  });

  it('re-parses edits incrementally and re-resolves constants changed in another module', () => {
    const names = join(ROOT, 'shop', 'names', '__init__.py');
    const namesText = readFileSync(names, 'utf8');
    const edited = ORDERS_TEXT.replace('PLACE_ORDER = "checkout.place_order"', 'PLACE_ORDER = "checkout.place_order_v2"');
    frontEnd.updateFile(ORDERS, edited);
    assert.equal(siteOnLine(frontEnd.sitesOf(ORDERS).sites, lineOf(edited, 'start_as_current_span(PLACE_ORDER')).name?.value, 'checkout.place_order_v2');
    frontEnd.updateFile(names, namesText.replace('SERVICE = "shop"', 'SERVICE = "store"'));
    const site = siteOnLine(frontEnd.sitesOf(ORDERS).sites, lineOf(edited, 'start_as_current_span(PLACE_ORDER'));
    assert.equal(site.attributes[0].value.value, 'store.checkout');
    frontEnd.updateFile(names, namesText);
    frontEnd.updateFile(ORDERS, ORDERS_TEXT);
    assert.equal(frontEnd.sitesOf(ORDERS).sites.length, 16);
  });

  it('re-resolves a name when the module it is imported from appears, and drops it when the module goes', async () => {
    const fresh = await createPythonFrontEnd(DEFAULT_SETTINGS.analysis);
    const app = '/ws/app/main.py';
    fresh.updateFile(app, 'from opentelemetry import trace\nfrom billing.names import PAY\n\ntracer = trace.get_tracer(__name__)\nwith tracer.start_as_current_span(PAY):\n    pass\n');
    fresh.updateFile('/ws/other/other.py', 'X = 1\n');
    const name = () => fresh.sitesOf(app).sites[0].name;
    assert.equal(name()?.constant, false);
    fresh.updateFile('/ws/billing/names.py', 'PAY = "billing.pay"\n');
    assert.equal(name()?.value, 'billing.pay');
    fresh.removeFile('/ws/billing/names.py');
    assert.equal(name()?.constant, false);
  });

  it('a module that comes drops the results of its folder and of files naming it; an __init__.py also those below its folder', async () => {
    const fresh = await createPythonFrontEnd(DEFAULT_SETTINGS.analysis);
    const span = (name: string) => `\ntracer = trace.get_tracer("billing")\nwith tracer.start_as_current_span(${name}):\n    pass\n`;
    const files = {
      importer: ['/ws/app/main.py', `from opentelemetry import trace\nfrom billing.late import PAY\n${span('PAY')}`],
      sibling: ['/ws/billing/a.py', `from opentelemetry import trace\n${span('"a"')}`],
      below: ['/ws/billing/sub/c.py', `from opentelemetry import trace\n${span('__name__')}`],
      mention: ['/ws/other/b.py', `from opentelemetry import trace\n${span('"b"')}`],
    } as const;
    for (const [file, text] of Object.values(files)) fresh.updateFile(file, text);
    const sites = () => Object.fromEntries(Object.entries(files).map(([k, [file]]) => [k, fresh.sitesOf(file)]));
    const before = sites();
    fresh.updateFile('/ws/billing/late.py', 'PAY = "billing.pay"\n');
    const after = sites();
    assert.notEqual(after.importer, before.importer, 'a file importing the module is analysed again');
    assert.equal(after.importer.sites[0].name?.value, 'billing.pay');
    assert.notEqual(after.sibling, before.sibling, 'a file of the same folder is analysed again');
    assert.equal(after.below, before.below, 'a module below the folder keeps its result');
    assert.equal(after.mention, before.mention, 'a tracer named like the folder is no import of the module: its result is kept');
    fresh.updateFile('/ws/billing/__init__.py', '');
    const init = sites();
    assert.notEqual(init.below, after.below, 'an __init__.py makes the folder a package: the modules below it are named anew');
    assert.notEqual(init.mention, after.mention, 'a file naming the package is analysed again');
  });

  it('never throws on hostile or unparsable input', () => {
    const file = join(ROOT, 'hostile.py');
    const inputs = [
      'with tracer.start_as_current_span(\n', '\u0000\uffff\ud800 start_span(', '('.repeat(5000) + 'tracer.start_span("x")',
      'tracer.start_span()\nx = tracer.start_span(**kw)\n', 'import opentelemetry.trace\nA = B\nB = A\nwith tracer.start_as_current_span(A): pass\n',
    ];
    for (const text of inputs) {
      frontEnd.updateFile(file, text);
      const result = frontEnd.sitesOf(file);
      assert.ok(Array.isArray(result.sites));
    }
    const cyclic = frontEnd.sitesOf(file).sites[0];
    assert.equal(cyclic.name?.constant, false, 'cyclic constants resolve to dynamic');
    frontEnd.removeFile(file);
    assert.equal(frontEnd.sitesOf(file).problems.length, 1);
  });

  it('recognises configured wrapper functions', async () => {
    const wrapped = await createPythonFrontEnd({ ...DEFAULT_SETTINGS.analysis, wrapperFunctions: ['telemetry.traced_span'] });
    const file = join(ROOT, 'wrapped.py');
    wrapped.updateFile(file, 'from app import telemetry\n\nwith telemetry.traced_span("checkout.wrapped", extra=1):\n    pass\n');
    const [site] = wrapped.sitesOf(file).sites;
    assert.equal(site.name?.value, 'checkout.wrapped');
    assert.equal(site.ended, null);
  });
});
