import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../common/src/settings';
import { unboundedPart } from '../../../server/src/analysis/cardinality';
import { createGoFrontEnd } from '../../../server/src/analysis/go/goFrontEnd';
import type { LanguageFrontEnd, NamePart, SpanSite, ValueInfo } from '../../../server/src/analysis/types';
import { FIXTURES, fixtureSites, lineOf, siteOnLine } from '../treeSitterSupport';

const ROOT = join(FIXTURES, 'go');
const NAMING = join(ROOT, 'svc', 'naming', 'naming.go');
const TEXT = readFileSync(NAMING, 'utf8');

/** [text, bound] of each part, with the reason when the front-end gave one. */
const partsOf = (value: ValueInfo | undefined) => value?.parts?.map((p: NamePart) => [p.text, p.bound]);

describe('Go name parts: boundedness from the code, parameters for pass-through helpers', () => {
  let frontEnd: LanguageFrontEnd;
  let sites: SpanSite[];
  const at = (marker: string) => siteOnLine(sites, lineOf(TEXT, marker));

  before(async () => {
    frontEnd = await createGoFrontEnd(DEFAULT_SETTINGS.analysis);
    sites = fixtureSites(frontEnd, ROOT, NAMING);
  });

  it('bounds HTTP methods, route patterns and templates (ServeMux, gin, gorilla), gRPC full methods', () => {
    assert.deepEqual(partsOf(at('r.Method, r.Pattern').name), [['r.Method', 'bounded'], ['r.Pattern', 'bounded']]);
    assert.deepEqual(partsOf(at('c.FullPath()').name), [['c.Request.Method', 'bounded'], ['c.FullPath()', 'bounded']]);
    const grpc = at('info.FullMethod').name;
    assert.deepEqual(partsOf(grpc), [['info.FullMethod', 'bounded']]);
    assert.equal(grpc?.parts?.[0].reason, 'a gRPC full method (service/method)');
    for (const marker of ['r.Method, r.Pattern', 'c.FullPath()', 'info.FullMethod']) assert.equal(unboundedPart(at(marker).name!), undefined, marker);
  });

  it('bounds typed constants of an enum type, type names and a local assigned only literals', () => {
    const cache = at('"cache."+string(op)').name;
    assert.deepEqual(partsOf(cache), [['op', 'bounded']]);
    assert.equal(cache?.parts?.[0].type, 'Operation');
    assert.deepEqual(partsOf(at('reflect.TypeOf(msg)').name), [['reflect.TypeOf(msg).Name()', 'bounded']]);
    assert.deepEqual(partsOf(at('"handle.%T"').name), [['msg', 'bounded']]);
    assert.deepEqual(partsOf(at('"job."+strings.ToLower(name)').name), [['name', 'bounded']], 'every branch of the switch assigns a literal');
  });

  it('marks raw request paths, clocks and random values unbounded', () => {
    const raw = at('"GET "+r.URL.Path').name!;
    assert.deepEqual(partsOf(raw), [['r.URL.Path', 'unbounded']]);
    assert.equal(unboundedPart(raw)?.reason, 'a raw request path or URL');
    assert.deepEqual(partsOf(at('"batch.%d"').name), [['time.Now().Unix()', 'unbounded']]);
    assert.deepEqual(partsOf(at('uuid.NewString()').name), [['uuid.NewString()', 'unbounded']]);
  });

  it('leaves a loop counter unknown: `attempt++` reassigns it', () => {
    assert.deepEqual(partsOf(at('"retry.%d"').name), [['attempt', 'unknown']]);
  });

  it('judges a local grown by += or reassigned over every piece: a list index or an ID in one makes it unbounded', () => {
    // Appended constants may still grow on every pass: not bounded, only undecided.
    const expected: [string, string, string | undefined][] = [['name', 'unbounded', 'a list index'], ['label', 'unbounded', 'an identifier'], ['suffix', 'unknown', undefined]];
    for (const [local, bound, reason] of expected) {
      const [part] = at(`tracer.Start(ctx, ${local})`).name?.parts ?? [];
      assert.deepEqual([part?.text, part?.bound, part?.reason], [local, bound, reason], local);
    }
  });

  it('marks a parameter part with its index (receiver not counted) and sets the enclosing method', () => {
    const report = at('"report."+label');
    assert.deepEqual(report.name?.parts, [{ text: 'label', bound: 'unknown', type: 'string', param: { index: 1, name: 'label' } }]);
    assert.deepEqual(report.enclosing, { name: 'Report', method: true, dir: join(ROOT, 'svc', 'naming') });
    assert.equal(at('r.Method, r.Pattern').enclosing, undefined, 'no parameter in the name');
  });

  it('takes the parameters of a package helper and a method forwarding several', () => {
    const file = join(ROOT, 'svc', 'telemetry', 'telemetry.go');
    const text = readFileSync(file, 'utf8');
    const helpers = frontEnd.sitesOf(file).sites;
    const startSpan = siteOnLine(helpers, lineOf(text, 'return tracer.Start(ctx, name'));
    assert.deepEqual(startSpan.name?.parts?.map((p) => p.param), [{ index: 1, name: 'name' }]);
    assert.deepEqual(startSpan.enclosing, { name: 'StartSpan', method: false, dir: join(ROOT, 'svc', 'telemetry') });
    const trace = siteOnLine(helpers, lineOf(text, 'component+"."+operation'));
    assert.deepEqual(trace.name?.parts?.map((p) => p.param), [{ index: 1, name: 'component' }, { index: 2, name: 'operation' }]);
    assert.deepEqual(trace.enclosing, { name: 'Trace', method: true, dir: join(ROOT, 'svc', 'telemetry') });
  });

  it('reads SetName renames with their parts: a route template is bounded, the raw path is not', () => {
    const middleware = at('"http.request", trace.WithSpanKind');
    assert.equal(middleware.renames?.length, 1);
    assert.deepEqual(partsOf(middleware.renames?.[0]), [['r.Method', 'bounded'], ['tmpl', 'bounded']]);
    assert.equal(unboundedPart(middleware.renames[0]), undefined);
    const raw = siteOnLine(sites, lineOf(TEXT, 'func RenameRaw') + 1);
    assert.equal(raw.renames?.[0].text, 'r.Method + " " + r.URL.Path');
    assert.equal(unboundedPart(raw.renames[0])?.part.text, 'r.URL.Path');
  });
});
