import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../common/src/settings';
import { createPythonFrontEnd } from '../../../server/src/analysis/python/pythonFrontEnd';
import type { SpanSite } from '../../../server/src/analysis/types';
import { FIXTURES, fixtureSites, lineOf, siteOnLine } from '../treeSitterSupport';

const ROOT = join(FIXTURES, 'python');
const CLOSURES = join(ROOT, 'shop', 'scoping', 'closures.py');
const TEXT = readFileSync(CLOSURES, 'utf8');

describe('Python scopes: nested functions, comprehensions and __name__', () => {
  let sites: SpanSite[];
  const nameAt = (marker: string, nth = 0) => siteOnLine(sites, lineOf(TEXT, marker) + nth).name;

  before(async () => {
    sites = fixtureSites(await createPythonFrontEnd(DEFAULT_SETTINGS.analysis), ROOT, CLOSURES);
  });

  it('binds an assignment in the innermost function only, and lets closures read outer locals', () => {
    assert.equal(nameAt('name = "closures.inner"', 1)?.value, 'closures.inner');
    assert.equal(nameAt('def reader', 1)?.value, 'closures.outer', 'the closure reads the outer function\'s local');
    assert.equal(nameAt('labels = [', 2)?.value, 'closures.label', 'a comprehension variable is not the function\'s');
    assert.equal(nameAt('label = "closures.label"', 3)?.value, 'closures.outer', 'the inner assignment does not rebind the outer name');
  });

  it('treats a name rebound through `nonlocal` as dynamic', () => {
    const step = nameAt('start_as_current_span(step)');
    assert.equal(step?.constant, false);
    assert.equal(step?.text, 'step');
  });

  it('scopes `get_tracer(__name__)` to the dotted module name', () => {
    assert.ok(sites.every((s) => s.scope === 'scoping.closures'), sites.map((s) => s.scope).join(', '));
    assert.equal(sites.length, 6);
  });

  it('names a module outside any package after its file stem', async () => {
    const frontEnd = await createPythonFrontEnd(DEFAULT_SETTINGS.analysis);
    const script = join(ROOT, 'tools', 'report.py');
    frontEnd.updateFile(script, 'from opentelemetry import trace\nwith trace.get_tracer(__name__).start_as_current_span("report"):\n    pass\n');
    assert.equal(frontEnd.sitesOf(script).sites[0]?.scope, 'report');
    const shadowed = 'from opentelemetry import trace\n__name__ = "custom"\nwith trace.get_tracer(__name__).start_as_current_span("report"):\n    pass\n';
    frontEnd.updateFile(script, shadowed);
    assert.equal(frontEnd.sitesOf(script).sites[0]?.scope, 'custom', 'an assigned __name__ wins');
  });
});
