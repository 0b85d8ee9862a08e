import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../common/src/settings';
import { unboundedPart } from '../../../server/src/analysis/cardinality';
import { createPythonFrontEnd } from '../../../server/src/analysis/python/pythonFrontEnd';
import type { SpanSite } from '../../../server/src/analysis/types';
import { FIXTURES, fixtureSites, lineOf, siteOnLine } from '../treeSitterSupport';

const ROOT = join(FIXTURES, 'python', 'parts');
const WEB = join(ROOT, 'web.py');
const TEXT = readFileSync(WEB, 'utf8');

describe('Python name parts: bounded by what the code means', () => {
  let sites: SpanSite[];
  const at = (marker: string) => siteOnLine(sites, lineOf(TEXT, marker));

  before(async () => {
    sites = fixtureSites(await createPythonFrontEnd(DEFAULT_SETTINGS.analysis), ROOT, WEB);
  });

  it('judges every dynamic part as each `# bounds:` comment says, in order', () => {
    const lines = TEXT.split('\n');
    let checked = 0;
    lines.forEach((line, i) => {
      const m = /# bounds: (.+)$/.exec(line);
      if (!m) return;
      const site = siteOnLine(sites, i + 1);
      assert.equal(site.name?.constant, false, line);
      assert.deepEqual(site.name?.parts?.map((p) => p.bound), m[1].split(',').map((s) => s.trim()), `${line.trim()}: ${JSON.stringify(site.name?.parts)}`);
      // The language-neutral classifier agrees: only names with an unbounded part are high-cardinality.
      assert.equal(!!unboundedPart(site.name), m[1].includes('unbounded'), line);
      checked++;
    });
    assert.ok(checked >= 20, `${checked} lines checked`);
  });

  it('says why a part is bounded or not', () => {
    const reasons = (marker: string) => at(marker).name?.parts?.map((p) => p.reason);
    assert.deepEqual(reasons('{request.method} {request.url_rule}"'), ['an HTTP method', 'a route template']);
    assert.deepEqual(reasons('{type(self).__name__}'), ['a function or class name']);
    assert.deepEqual(reasons('{op.value} orders'), ['an enum member']);
    assert.deepEqual(reasons('{method} /orders'), ['a literal union']);
    assert.deepEqual(reasons('{time.time()}'), ['a clock reading']);
    assert.deepEqual(reasons('{uuid.uuid4().hex}'), ['a random value']);
    assert.deepEqual(reasons('{scope[\'path\']}'), ['an HTTP method', 'a raw request path']);
  });

  it('marks a parameter part with its position, name and annotation, and the helper as enclosing', () => {
    const site = at('f"select {table}"');
    assert.deepEqual(site.name?.parts, [{ text: 'table', bound: 'unknown', param: { index: 3, name: 'table' }, type: 'str' }]);
    assert.deepEqual(site.enclosing, { name: 'database', method: false });
    assert.equal(at('{op.value} orders').enclosing, undefined, 'an Enum-typed parameter is bounded: nothing to judge at call sites');
  });

  it('fills parts of flow attribute values too', () => {
    const flow = at('"flask.request"').attributes.find((a) => a.key === 'coordimap.flow.name');
    assert.deepEqual(flow?.value.parts?.map((p) => [p.text, p.bound]), [['request.url', 'unbounded']]);
  });
});

describe('Python name parts: arithmetic', () => {
  const GUARDRAIL = join(ROOT, 'guardrail.py');
  const GUARD_TEXT = readFileSync(GUARDRAIL, 'utf8');
  let sites: SpanSite[];

  before(async () => {
    sites = fixtureSites(await createPythonFrontEnd(DEFAULT_SETTINGS.analysis), ROOT, GUARDRAIL);
  });

  it('analyses a file with arithmetic attribute values without exhausting the stack (traceloop guardrail)', () => {
    assert.deepEqual(sites.map((s) => s.range.start.line + 1), [lineOf(GUARD_TEXT, '.guard") as span'), lineOf(GUARD_TEXT, 'retry {attempt')]);
    const durations = sites[0].attributes.filter((a) => a.key === 'gen_ai.guardrail.duration');
    assert.equal(durations.length, 2);
    for (const d of durations) assert.deepEqual(d.value.parts?.map((p) => [p.bound, p.reason]), [['unbounded', 'a clock reading']]);
    const elapsed = sites[0].attributes.find((a) => a.key === 'gen_ai.guardrail.elapsed');
    assert.deepEqual(elapsed?.value.parts?.map((p) => p.bound), ['unbounded']);
  });

  it('judges arithmetic by its operands: parameters stay unknown, clocks are unbounded', () => {
    assert.deepEqual(sites[1].name?.parts?.map((p) => [p.text, p.bound]), [['attempt * 2 - 1', 'unknown'], ['limit // 2', 'unknown']]);
  });
});
