import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../common/src/settings';
import { createPythonFrontEnd } from '../../../server/src/analysis/python/pythonFrontEnd';
import type { LanguageFrontEnd, PassedArgument, SpanSite } from '../../../server/src/analysis/types';
import { FIXTURES, fixtureSites, lineOf, siteOnLine } from '../treeSitterSupport';

const ROOT = join(FIXTURES, 'python', 'helpers');
const TRACING = join(ROOT, 'tracing.py');
const ORDERS = join(ROOT, 'orders.py');
const TRACING_TEXT = readFileSync(TRACING, 'utf8');
const ORDERS_TEXT = readFileSync(ORDERS, 'utf8');

/** What a call passes, in a form that is easy to compare. */
function summary(passed: PassedArgument[]) {
  return passed.map((p) => ({
    line: p.headRange.start.line + 1,
    text: p.value.text,
    value: p.value.value,
    bounds: p.value.parts?.map((part) => part.bound),
  }));
}

describe('Python pass-through helpers: parameters in names, and the calls that pass them', () => {
  let frontEnd: LanguageFrontEnd;
  let sites: SpanSite[];
  const at = (marker: string) => siteOnLine(sites, lineOf(TRACING_TEXT, marker));

  before(async () => {
    frontEnd = await createPythonFrontEnd(DEFAULT_SETTINGS.analysis);
    sites = fixtureSites(frontEnd, ROOT, TRACING);
  });

  it('marks the helper\'s parameter in the name and names the helper as its callers do', () => {
    const traced = at('start_as_current_span(name');
    assert.deepEqual(traced.name?.parts, [{ text: 'name', bound: 'unknown', param: { index: 0, name: 'name' } }]);
    assert.deepEqual(traced.enclosing, { name: 'traced', method: false });
    // The decorator factory's parameter is read in the innermost wrapper: the factory is what callers call.
    assert.deepEqual(at('start_as_current_span(span_name').enclosing, { name: 'instrument', method: false });
    const method = at('f"shop.{operation}"');
    assert.deepEqual(method.name?.parts?.[0].param, { index: 0, name: 'operation' }, '`self` is not counted');
    assert.deepEqual(method.enclosing, { name: 'span', method: true });
  });

  it('finds the calls of a function: plain, through its module, by keyword, and as a decorator', () => {
    const passed = frontEnd.callsTo!(ORDERS, { name: 'traced', method: false }, 0);
    assert.deepEqual(summary(passed), [
      { line: lineOf(ORDERS_TEXT, 'traced(LOAD)'), text: 'LOAD', value: 'orders.load', bounds: undefined },
      { line: lineOf(ORDERS_TEXT, 'traced(f"orders.load.'), text: 'f"orders.load.{order_id}"', value: undefined, bounds: ['unknown'] },
      { line: lineOf(ORDERS_TEXT, 'tracing.traced(name='), text: 'request.path', value: undefined, bounds: ['unbounded'] },
      { line: lineOf(ORDERS_TEXT, 'traced(step'), text: 'step', value: undefined, bounds: ['unknown'] },
    ]);
    assert.equal(passed[2].headRange.start.character, ORDERS_TEXT.split('\n')[passed[2].headRange.start.line].indexOf('tracing.traced'));
    assert.deepEqual(passed[0].enclosing, { name: 'load', method: false });
    const decorated = frontEnd.callsTo!(ORDERS, { name: 'instrument', method: false }, 0);
    assert.deepEqual(summary(decorated).map((d) => d.value), ['orders.ship']);
  });

  it('passes a caller\'s own parameter on with the caller as enclosing, so the next level up can be asked', () => {
    const relay = frontEnd.callsTo!(ORDERS, { name: 'traced', method: false }, 0).find((p) => p.value.text === 'step');
    assert.deepEqual(relay?.value.parts?.[0].param, { index: 0, name: 'step' });
    assert.deepEqual(relay?.enclosing, { name: 'relay', method: false });
  });

  it('finds method calls on any receiver for a method, and only module-qualified calls for a function', () => {
    const passed = frontEnd.callsTo!(ORDERS, { name: 'span', method: true }, 0);
    assert.deepEqual(summary(passed).map((p) => [p.text, p.value ?? p.bounds?.join()]), [['"checkout"', 'checkout'], ['request.method', 'bounded']]);
    assert.ok(!summary(frontEnd.callsTo!(ORDERS, { name: 'traced', method: false }, 0)).some((p) => p.text === '"x"'), '`cache.traced("x")` is some other object\'s method');
  });

  it('answers nothing for files that do not mention the helper, and sees edits', () => {
    assert.deepEqual(frontEnd.callsTo!(TRACING, { name: 'relay', method: false }, 0), []);
    const edited = ORDERS_TEXT.replace('traced(LOAD)', 'traced(f"orders.{request.url}")');
    frontEnd.updateFile(ORDERS, edited);
    const first = frontEnd.callsTo!(ORDERS, { name: 'traced', method: false }, 0)[0];
    assert.deepEqual(first.value.parts?.map((p) => [p.text, p.bound]), [['request.url', 'unbounded']]);
    frontEnd.updateFile(ORDERS, ORDERS_TEXT);
    assert.equal(frontEnd.callsTo!(ORDERS, { name: 'traced', method: false }, 0)[0].value.value, 'orders.load');
  });
});
