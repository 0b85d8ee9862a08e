import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../common/src/settings';
import { createGoFrontEnd } from '../../../server/src/analysis/go/goFrontEnd';
import type { LanguageFrontEnd, SpanSite } from '../../../server/src/analysis/types';
import { FIXTURES, attributeValues, fixtureSites, lineOf, loadInto, siteOnLine } from '../treeSitterSupport';

const ROOT = join(FIXTURES, 'go');
const ORDERS = join(ROOT, 'shop', 'orders', 'orders.go');
const ORDERS_TEXT = readFileSync(ORDERS, 'utf8');
const WRAPPED = join(ROOT, 'shop', 'orders', 'wrapped.go');

describe('Go front-end (tree-sitter)', () => {
  let frontEnd: LanguageFrontEnd;
  let sites: SpanSite[];
  const at = (marker: string) => siteOnLine(sites, lineOf(ORDERS_TEXT, marker));

  before(async () => {
    frontEnd = await createGoFrontEnd({ ...DEFAULT_SETTINGS.analysis, wrapperFunctions: ['tracing.StartSpan'] });
    sites = fixtureSites(frontEnd, ROOT, ORDERS);
  });

  it('finds tracer.Start sites and ignores look-alikes, strings and comments', () => {
    assert.equal(sites.length, 12);
    const decoys = lineOf(ORDERS_TEXT, 'func Decoys');
    assert.ok(sites.every((s) => s.range.start.line < decoys - 1));
  });

  it('resolves names and attributes through package constants in other files and imported packages', () => {
    const site = at('s.tracer.Start(ctx, placeOrderName');
    assert.equal(site.name?.value, 'checkout.place_order');
    assert.equal(site.scope, 'shop/orders/service', 'scope of the struct field set in a composite literal');
    assert.equal(site.kind, 'server');
    assert.equal(site.ended, true);
    assert.equal(site.enclosingFunction, 'Service.PlaceOrder');
    assert.deepEqual(attributeValues(site), {
      'coordimap.flow.name': 'shop.checkout',
      'order.id': '<orderID>',
      'coordimap.flow.step': 'checkout.pay',
      'coordimap.flow.run_id': '<orderID>',
      retry: 3,
    });
    const line = lineOf(ORDERS_TEXT, 's.tracer.Start(ctx') - 1;
    const column = ORDERS_TEXT.split('\n')[line].indexOf('s.tracer.Start');
    assert.deepEqual(site.range.start, { line, character: column });
    assert.deepEqual(site.headRange?.end, { line, character: column + 's.tracer.Start'.length });
  });

  it('resolves semantic-convention helpers and span kinds', () => {
    const site = at('tracer.Start(ctx, "checkout.charge"');
    assert.equal(site.kind, 'client');
    assert.equal(site.scope, 'shop/orders');
    assert.deepEqual(attributeValues(site), { 'db.system': 'postgresql', 'db.operation.name': 'select', 'db.collection.name': 'orders' });
  });

  it('marks Sprintf, concatenation and strings.Join as dynamic with their constant prefix', () => {
    const sprintf = at('fmt.Sprintf("order.%s"').name;
    assert.equal(sprintf?.constant, false);
    assert.equal(sprintf?.constantPrefix, 'order.');
    assert.deepEqual(sprintf?.dynamicParts, ['orderID']);
    assert.equal(at('"orders."+orderID').name?.constantPrefix, 'orders.');
    assert.equal(at('strings.Join').name?.constant, false);
    const inline = at('otel.Tracer("inline")');
    assert.equal(inline.name?.value, 'shop.lookup');
    assert.equal(inline.scope, 'inline');
    assert.equal(at('"checkout.first"').scope, 'shop/orders');
    assert.equal(at('tracer.Start(ctx, name)').name?.value, 'handler', 'local assigned once');
  });

  it('knows which spans are ended and offers `defer span.End()`', () => {
    const charge = at('"checkout.charge"');
    assert.equal(charge.ended, false);
    const line = lineOf(ORDERS_TEXT, '"checkout.charge"') - 1;
    assert.deepEqual(charge.endFix?.edits, [{
      range: { start: { line, character: ORDERS_TEXT.split('\n')[line].length }, end: { line, character: ORDERS_TEXT.split('\n')[line].length } },
      newText: '\n\tdefer span.End()',
    }]);
    assert.equal(at('"checkout.first"').ended, true);
    assert.equal(at('"checkout.second"').ended, false, 'the reassigned span is never ended');
    assert.equal(at('tracer.Start(ctx, name)').ended, true, 'ended in a deferred closure');
    assert.equal(at('"checkout.child"').ended, true, 'returned to the caller: the span escapes');
    assert.equal(at('"checkout.handed"').ended, true, 'returned to the caller: the span escapes');
    assert.equal(at('"checkout.dropped"').ended, false);
  });

  it('recognises configured wrappers, including empty names', () => {
    const wrapped = frontEnd.sitesOf(WRAPPED).sites;
    assert.deepEqual(wrapped.map((s) => s.name?.value), ['checkout.wrapped', '']);
    assert.ok(wrapped.every((s) => s.ended === null));
  });

  it('re-resolves a constant edited in another file of the package', () => {
    const consts = join(ROOT, 'shop', 'orders', 'consts.go');
    const text = readFileSync(consts, 'utf8');
    frontEnd.updateFile(consts, text.replace('"checkout.place_order"', '"checkout.place_order_v2"'));
    assert.equal(siteOnLine(frontEnd.sitesOf(ORDERS).sites, lineOf(ORDERS_TEXT, 's.tracer.Start(ctx')).name?.value, 'checkout.place_order_v2');
    frontEnd.updateFile(consts, text);
    assert.equal(siteOnLine(frontEnd.sitesOf(ORDERS).sites, lineOf(ORDERS_TEXT, 's.tracer.Start(ctx')).name?.value, 'checkout.place_order');
  });

  it('re-resolves a name when a file that declares it appears in the package, and drops it when the file goes', async () => {
    const fresh = await createGoFrontEnd(DEFAULT_SETTINGS.analysis);
    const app = '/ws/m/app/main.go';
    fresh.updateFile(app, 'package main\n\nimport (\n\t"context"\n\t"example.com/m/names"\n\t"go.opentelemetry.io/otel"\n)\n\nfunc f(ctx context.Context) {\n\t_, span := otel.Tracer("t").Start(ctx, names.Pay)\n\tdefer span.End()\n}\n');
    fresh.updateFile('/ws/m/other/other.go', 'package other\n');
    const name = () => fresh.sitesOf(app).sites[0].name;
    assert.equal(name()?.constant, false);
    fresh.updateFile('/ws/m/names/late.go', 'package names\n\nconst Pay = "billing.pay"\n');
    assert.equal(name()?.value, 'billing.pay');
    fresh.removeFile('/ws/m/names/late.go');
    assert.equal(name()?.constant, false);
  });

  it('a file that comes into a package drops the results of its package and of its importers, not of files that only mention the folder', async () => {
    const fresh = await createGoFrontEnd(DEFAULT_SETTINGS.analysis);
    const span = (name: string) => `\t_, span := otel.Tracer("svc17").Start(ctx, ${name})\n\tdefer span.End()\n`;
    const files = {
      importer: ['/ws/m/app/main.go', `package main\n\nimport (\n\t"context"\n\tnames "example.com/m/svc17"\n\t"go.opentelemetry.io/otel"\n)\n\nfunc f(ctx context.Context) {\n${span('names.Pay')}}\n`],
      sibling: ['/ws/m/svc17/a.go', `package svc17\n\nimport (\n\t"context"\n\n\t"go.opentelemetry.io/otel"\n)\n\nfunc A(ctx context.Context) {\n${span('"a"')}}\n`],
      mention: ['/ws/m/other/b.go', `package other\n\nimport (\n\t"context"\n\n\t"go.opentelemetry.io/otel"\n)\n\nfunc B(ctx context.Context) {\n${span('"svc17"')}}\n`],
    } as const;
    for (const [file, text] of Object.values(files)) fresh.updateFile(file, text);
    const before = Object.fromEntries(Object.entries(files).map(([k, [file]]) => [k, fresh.sitesOf(file)]));
    fresh.updateFile('/ws/m/svc17/pay.go', 'package svc17\n\nconst Pay = "billing.pay"\n');
    assert.notEqual(fresh.sitesOf(files.importer[0]), before.importer, 'an importer of the package is analysed again');
    assert.equal(fresh.sitesOf(files.importer[0]).sites[0].name?.value, 'billing.pay');
    assert.notEqual(fresh.sitesOf(files.sibling[0]), before.sibling, 'a file of the same package is analysed again');
    assert.equal(fresh.sitesOf(files.mention[0]), before.mention, 'a tracer named like the folder is no import: its result is kept');
  });

  it('re-parses a small edit incrementally with the same result as a fresh parse', async () => {
    const edited = ORDERS_TEXT.replace('"checkout.charge"', '"checkout.charge_card"');
    frontEnd.updateFile(ORDERS, edited);
    const incremental = frontEnd.sitesOf(ORDERS).sites;
    const fresh = await createGoFrontEnd({ ...DEFAULT_SETTINGS.analysis, wrapperFunctions: ['tracing.StartSpan'] });
    loadInto(fresh, ROOT);
    fresh.updateFile(ORDERS, edited);
    assert.deepEqual(incremental, fresh.sitesOf(ORDERS).sites);
    assert.ok(incremental.some((s) => s.name?.value === 'checkout.charge_card'));
    frontEnd.updateFile(ORDERS, ORDERS_TEXT);
  });

  it('never throws on hostile or unparsable input', () => {
    const file = join(ROOT, 'shop', 'orders', 'hostile.go');
    const inputs = [
      'package orders\nfunc f() { tracer.Start(ctx, \n', '\u0000\ud800 .Start(', `package x\nfunc f() { x := ${'('.repeat(3000)} tracer.Start(ctx, "a") }`,
      'package orders\nconst A = B\nconst B = A\nfunc f() { _, span := tracer.Start(ctx, A) }\n',
    ];
    for (const text of inputs) {
      frontEnd.updateFile(file, text);
      assert.ok(Array.isArray(frontEnd.sitesOf(file).sites));
    }
    assert.equal(frontEnd.sitesOf(file).sites[0].name?.constant, false, 'cyclic constants resolve to dynamic');
    frontEnd.removeFile(file);
  });
});
