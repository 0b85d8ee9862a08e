import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../common/src/settings';
import { unboundedPart } from '../../../server/src/analysis/cardinality';
import { createGoFrontEnd } from '../../../server/src/analysis/go/goFrontEnd';
import type { GoCallable } from '../../../server/src/analysis/go/goSites';
import type { LanguageFrontEnd, PassedArgument } from '../../../server/src/analysis/types';
import { FIXTURES, lineOf, loadInto } from '../treeSitterSupport';

const ROOT = join(FIXTURES, 'go');
const HANDLERS = join(ROOT, 'svc', 'api', 'handlers.go');
const TEXT = readFileSync(HANDLERS, 'utf8');

const API = join(ROOT, 'svc', 'api');
const byLine = (calls: PassedArgument[]) => Object.fromEntries(calls.map((c) => [c.headRange.start.line + 1, c.value.text]));

describe('Go callsTo: the calls of pass-through helpers', () => {
  let frontEnd: LanguageFrontEnd;

  before(async () => {
    frontEnd = await createGoFrontEnd(DEFAULT_SETTINGS.analysis);
    loadInto(frontEnd, ROOT);
  });

  it('finds pkg.Fn(ctx, name) calls with the argument judged like a name and the calling method', () => {
    const calls = frontEnd.callsTo!(HANDLERS, { name: 'StartSpan', method: false }, 1);
    assert.deepEqual(byLine(calls), {
      [lineOf(TEXT, 'r.Method+" "+r.Pattern')]: 'r.Method+" "+r.Pattern',
      [lineOf(TEXT, 'r.URL.Path)')]: 'r.URL.Path',
      [lineOf(TEXT, 'StartSpan(ctx, stepName)')]: 'stepName',
      [lineOf(TEXT, 'string(component)+".run"')]: 'string(component)+".run"',
    });
    const [route, raw, passedOn, component] = calls;
    assert.deepEqual(component.value.parts?.map((p) => [p.text, p.bound, p.type]), [['component', 'bounded', 'telemetry.Component']], 'an enum type of the imported package');
    assert.equal(unboundedPart(route.value), undefined, 'method and route pattern are bounded');
    assert.equal(unboundedPart(raw.value)?.reason, 'a raw request path or URL');
    assert.deepEqual(raw.enclosing, { name: 'Legacy', method: true, dir: API }, 'with the package of the caller, for its own callers');
    const line = lineOf(TEXT, 'r.URL.Path)') - 1;
    const column = TEXT.split('\n')[line].indexOf('telemetry.StartSpan');
    assert.deepEqual(raw.headRange, { start: { line, character: column }, end: { line, character: column + 'telemetry.StartSpan'.length } });
    assert.deepEqual(passedOn.value.parts?.[0].param, { index: 1, name: 'stepName' }, 'a parameter of the caller: followed one level up');
    assert.deepEqual(passedOn.enclosing, { name: 'step', method: true, dir: API });
  });

  it('finds x.Method(...) calls of a method, and the caller\'s own parameters one level further up', () => {
    const operations = frontEnd.callsTo!(HANDLERS, { name: 'Trace', method: true }, 2);
    assert.deepEqual(operations.map((c) => c.value.text), ['"load"', '"fetch."+orderID']);
    assert.equal(operations[0].value.constant, true);
    assert.deepEqual(operations[1].value.parts?.map((p) => p.param), [{ index: 1, name: 'orderID' }]);
    assert.deepEqual(operations[1].enclosing, { name: 'fetch', method: true, dir: API });
    const steps = frontEnd.callsTo!(HANDLERS, { name: 'step', method: true }, 1);
    assert.deepEqual(steps.map((c) => c.value.text), ['"checkout.reserve"', 'cartKey']);
    assert.equal(unboundedPart(steps[1].value)?.reason, 'a key', 'the caller\'s parameter is judged by its name');
  });

  it('tells plain calls from method calls, and skips files that do not mention the helper', () => {
    assert.deepEqual(frontEnd.callsTo!(HANDLERS, { name: 'StartSpan', method: true }, 1), [], 'telemetry.StartSpan is a package function');
    assert.deepEqual(frontEnd.callsTo!(HANDLERS, { name: 'Trace', method: false }, 2), []);
    assert.deepEqual(frontEnd.callsTo!(join(ROOT, 'svc', 'naming', 'naming.go'), { name: 'StartSpan', method: false }, 1), []);
  });

  it('tells a helper from another package\'s function of the same name when the helper\'s package is known', () => {
    const relay = join(ROOT, 'relay');
    const deliver = join(relay, 'deliver', 'deliver.go');
    const text = readFileSync(deliver, 'utf8');
    const callee = (name: string, dir?: string): GoCallable => ({ name, method: false, ...(dir ? { dir } : {}) });
    const lines = (dir?: string) => frontEnd.callsTo!(deliver, callee('StartCallbackSpan', dir), 1).map((c) => c.headRange.start.line + 1);
    const fromDiag = ['"relay.callback"', '"relay.deferred"', '"relay.guarded"', '"relay.begin"', '"relay.keep"', '"relay.pubsub"', '"relay.hooked"'].map((m) => lineOf(text, m));
    assert.deepEqual(lines(join(relay, 'diag')), fromDiag, 'diag.StartCallbackSpan only');
    assert.deepEqual(lines(join(relay, 'other')), [lineOf(text, 'other.StartCallbackSpan')]);
    assert.deepEqual(lines(), [...fromDiag, lineOf(text, 'other.StartCallbackSpan')].sort((a, b) => a - b), 'no package known: every call by that name');
    const local = (dir: string) => frontEnd.callsTo!(deliver, callee('startLocal', dir), 1).map((c) => c.value.text);
    assert.deepEqual(local(join(relay, 'deliver')), ['"relay.local"'], 'a plain call in the helper\'s own package');
    assert.deepEqual(local(join(relay, 'diag')), [], 'a plain call names nothing of another package');
  });

  it('sees a changed file on the next call', () => {
    frontEnd.updateFile(HANDLERS, TEXT.replace('r.URL.Path)', 'r.URL.RawQuery)'));
    assert.ok(frontEnd.callsTo!(HANDLERS, { name: 'StartSpan', method: false }, 1).some((c) => c.value.text === 'r.URL.RawQuery'));
    frontEnd.updateFile(HANDLERS, TEXT);
    assert.ok(frontEnd.callsTo!(HANDLERS, { name: 'StartSpan', method: false }, 1).some((c) => c.value.text === 'r.URL.Path'));
  });
});
