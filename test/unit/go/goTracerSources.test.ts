import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../common/src/settings';
import { createGoFrontEnd } from '../../../server/src/analysis/go/goFrontEnd';
import type { SpanSite } from '../../../server/src/analysis/types';
import { FIXTURES, attributeValues, fixtureSites, lineOf, siteOnLine } from '../treeSitterSupport';

const ROOT = join(FIXTURES, 'go');
const HARNESS = join(ROOT, 'shop', 'harness', 'harness.go');
const TEXT = readFileSync(HARNESS, 'utf8');

describe('Go tracers from factories and providers, attributes from variables', () => {
  let sites: SpanSite[];
  const at = (marker: string) => siteOnLine(sites, lineOf(TEXT, marker));

  before(async () => {
    sites = fixtureSites(await createGoFrontEnd(DEFAULT_SETTINGS.analysis), ROOT, HARNESS);
  });

  it('finds Start on what tracer factories return, and on tp.Tracer(...) of any provider', () => {
    assert.deepEqual(sites.map((s) => s.name?.value), [
      'factory.param', 'factory.direct', 'factory.function', 'factory.method', 'factory.field', 'factory.package_var',
      'factory.local_var', 'factory.literal', 'provider.api', 'provider.sdk', 'attrs.variables', 'attrs.appended',
    ]);
    assert.ok(sites.every((s) => s.ended === true));
  });

  it('takes the scope from the tracer a factory function returns, when it says', () => {
    assert.equal(at('"factory.function"').scope, 'shop/harness');
    assert.equal(at('"factory.method"').scope, 'shop/harness/method');
    assert.equal(at('"factory.param"').scope, null);
    assert.equal(at('Start(ctx, "provider.api"').scope, 'provider.api');
    assert.equal(at('Start(ctx, "provider.sdk"').scope, 'provider.sdk');
  });

  it('ignores Start on non-tracers made by factories, strings and comments', () => {
    const decoys = lineOf(TEXT, 'func Decoys');
    assert.ok(sites.every((s) => s.range.start.line < decoys - 1));
  });

  it('resolves attributes passed as a slice or KeyValue bound once in the function', () => {
    assert.deepEqual(attributeValues(at('"attrs.variables"')), { 'shop.region': 'eu', 'order.id': '<orderID>', retry: 3, express: true });
    const key = at('"attrs.variables"').attributes.find((a) => a.key === 'order.id');
    assert.equal(key?.keyRange.start.line, lineOf(TEXT, 'attrs := ') - 1, 'the key is where the slice literal writes it');
    assert.deepEqual(attributeValues(at('"attrs.appended"')), {}, 'a slice appended to later is unknown');
  });
});
