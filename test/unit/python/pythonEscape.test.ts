import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../common/src/settings';
import { createPythonFrontEnd } from '../../../server/src/analysis/python/pythonFrontEnd';
import { createParser } from '../../../server/src/analysis/treeSitter';
import type { LanguageFrontEnd, SpanSite, TextEdit } from '../../../server/src/analysis/types';
import { scanPaths } from '../../../server/src/analysis/workspace';
import { FIXTURES, expectedFindings, findingsByLine, fixtureSites, lineOf, loadInto } from '../treeSitterSupport';

const ROOT = join(FIXTURES, 'python', 'escape');
const SPANS = join(ROOT, 'spans.py');
const TEXT = readFileSync(SPANS, 'utf8');

function offset(text: string, line: number, character: number): number {
  let at = 0;
  for (let i = 0; i < line; i++) at = text.indexOf('\n', at) + 1;
  return at + character;
}

/** The text after the edits (applied from the last one, so earlier ranges stay valid). */
function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offset(text, b.range.start.line, b.range.start.character) - offset(text, a.range.start.line, a.range.start.character));
  for (const e of sorted) text = text.slice(0, offset(text, e.range.start.line, e.range.start.character)) + e.newText + text.slice(offset(text, e.range.end.line, e.range.end.character));
  return text;
}

/** The source of the function `name` (up to the next top-level definition). */
function functionText(text: string, name: string): string {
  const start = text.indexOf(`def ${name}(`);
  const next = text.slice(start + 1).search(/\n\n\n(?:def|class) /);
  return text.slice(start, next < 0 ? undefined : start + 1 + next);
}

describe('Python span-not-ended: escapes, leaking paths and the with-statement fix', () => {
  let frontEnd: LanguageFrontEnd;
  let sites: SpanSite[];
  const named = (name: string, from = sites) => {
    const site = from.find((s) => s.name?.value === name);
    if (!site) throw new Error(`no site named ${name}`);
    return site;
  };

  before(async () => {
    frontEnd = await createPythonFrontEnd(DEFAULT_SETTINGS.analysis);
    sites = fixtureSites(frontEnd, ROOT, SPANS);
  });

  it('gives each span the verdict its `# ended:` comment expects (escapes count as handed over)', () => {
    let checked = 0;
    TEXT.split('\n').forEach((line, i) => {
      const m = /# ended: (true|false)/.exec(line);
      if (!m) return;
      const site = sites.find((s) => s.range.start.line === i);
      assert.ok(site, `a site on line ${i + 1}`);
      assert.equal(site.ended, m[1] === 'true', `line ${i + 1}: ${line.trim()}`);
      checked++;
    });
    assert.equal(checked, 26);
  });

  it('points at the return, raise or last line through which each leaking path leaves', () => {
    const leaks = [...TEXT.matchAll(/# leak: (\S+)/g)].map((m) => m[1]);
    assert.equal(leaks.length, 8);
    for (const name of leaks) {
      const site = named(name);
      assert.equal(site.leak?.start.line, lineOf(TEXT, `# leak: ${name}`) - 1, name);
    }
    assert.ok(sites.filter((s) => s.ended === true).every((s) => s.leak === undefined));
  });

  it('takes update_name on the span (also through get_current_span()) as renames, with judged parts', () => {
    const site = named('http.request');
    assert.deepEqual(site.renames?.map((r) => r.text), ['f"GET {route}"', 'f"GET /orders/{order_id}"', '"http.request.done"']);
    assert.deepEqual(site.renames?.[1].parts, [{ text: 'order_id', bound: 'unknown', param: { index: 1, name: 'order_id' } }]);
    assert.equal(site.renames?.[2].value, 'http.request.done');
    assert.deepEqual(site.enclosing, { name: 'renamed', method: false }, 'the parameters are judged where renamed() is called');
  });

  it('rewrites a leaking span into `with tracer.start_as_current_span(...) as span:` over the rest of the block, which then ends it', () => {
    const site = named('esc.early_return');
    assert.equal(site.endFix?.title, 'Rewrite `span = tracer.start_span(...)` as `with tracer.start_as_current_span(...) as span:` around the rest of the block');
    const fixed = applyEdits(TEXT, site.endFix.edits);
    assert.equal(functionText(fixed, 'early_return'), [
      'def early_return(order):',
      '    with tracer.start_as_current_span("esc.early_return") as span:  # ended: false',
      '        if not order:',
      '            return None  # leak: esc.early_return',
      '        span.set_attribute("order.id", order.id)',
      '        return order',
    ].join('\n'));
    frontEnd.updateFile(SPANS, fixed);
    const after = frontEnd.sitesOf(SPANS);
    assert.deepEqual(after.problems, []);
    assert.equal(named('esc.early_return', after.sites).ended, null, 'a with-block ends the span on every path');
    assert.equal(after.sites.length, sites.length);
    frontEnd.updateFile(SPANS, TEXT);
  });

  it('keeps the code valid where the moved span.end() was a block\'s only statement', () => {
    const fixed = applyEdits(TEXT, named('esc.conditional').endFix!.edits);
    assert.match(functionText(fixed, 'conditional_end'), /as span: {2}# ended: false\n {8}if ok:\n {12}pass\n {8}logger\.info\("done"\)/);
    frontEnd.updateFile(SPANS, fixed);
    assert.equal(named('esc.conditional', frontEnd.sitesOf(SPANS).sites).ended, null);
    frontEnd.updateFile(SPANS, TEXT);
  });

  it('wraps the rest in try/finally when the code ends the span itself with an end time', () => {
    const site = named('esc.timed');
    assert.equal(site.endFix?.title, 'Wrap the rest of the block in `try:` ... `finally: span.end()`');
    const fixed = applyEdits(TEXT, site.endFix.edits);
    assert.equal(functionText(fixed, 'timed'), [
      'def timed(start_ns, ok):',
      '    span = tracer.start_span("esc.timed", start_time=start_ns)  # ended: false',
      '    try:',
      '        if not ok:',
      '            return  # leak: esc.timed',
      '        span.end(end_time=time.time_ns())',
      '    finally:',
      '        span.end()',
    ].join('\n'));
    frontEnd.updateFile(SPANS, fixed);
    const after = named('esc.timed', frontEnd.sitesOf(SPANS).sites);
    assert.equal(after.ended, true);
    assert.equal(after.leak, undefined);
    frontEnd.updateFile(SPANS, TEXT);
  });

  it('offers every leaking span a fix whose result parses without errors and ends the span', async () => {
    const parser = await createParser('python');
    for (const site of sites.filter((s) => s.ended === false)) {
      assert.ok(site.endFix, `${String(site.name?.value)} has a fix`);
      const fixed = applyEdits(TEXT, site.endFix.edits);
      const tree = parser.parse(fixed);
      assert.equal(tree?.rootNode.hasError, false, `${String(site.name?.value)}:\n${fixed}`);
      tree?.delete();
      frontEnd.updateFile(SPANS, fixed);
      const after = frontEnd.sitesOf(SPANS);
      assert.deepEqual(after.problems, []);
      assert.notEqual(named(String(site.name?.value), after.sites).ended, false, String(site.name?.value));
    }
    frontEnd.updateFile(SPANS, TEXT);
  });
});

describe('Python spans from project helpers (helperSpansOf): span-not-ended at the helper call', () => {
  const HELPERS = join(FIXTURES, 'python', 'helper_spans');
  const HANDLERS = join(HELPERS, 'handlers.py');
  const HANDLERS_TEXT = readFileSync(HANDLERS, 'utf8');
  let frontEnd: LanguageFrontEnd;
  const spanOn = (marker: string, from = frontEnd.helperSpansOf!(HANDLERS)) => {
    const line = lineOf(HANDLERS_TEXT, marker) - 1;
    const span = from.find((s) => s.range.start.line === line);
    if (!span) throw new Error(`no helper span on line ${line + 1}`);
    return span;
  };

  before(async () => {
    frontEnd = await createPythonFrontEnd(DEFAULT_SETTINGS.analysis);
    loadInto(frontEnd, HELPERS);
  });

  it('reports through the workspace exactly the findings each `expect:` line says (escapes, None checks, look-alikes)', async () => {
    const out = await scanPaths([HELPERS], DEFAULT_SETTINGS.analysis, process.cwd());
    assert.deepEqual(out.problems, []);
    assert.deepEqual(out.findings.filter((f) => f.file !== HANDLERS), []);
    const actual = findingsByLine(out.findings.filter((f) => f.file === HANDLERS));
    const expected = expectedFindings(HANDLERS_TEXT);
    for (const [line, rules] of expected) assert.deepEqual(actual.get(line) ?? [], rules, `line ${line + 1}: ${HANDLERS_TEXT.split('\n')[line].trim()}`);
    for (const line of actual.keys()) assert.ok(expected.has(line), `unexpected finding on line ${line + 1}`);
  });

  it('finds the span at the helper\'s tuple position, with the helper call as head and the leaking path', () => {
    const charge = spanOn('"payments.charge"');
    const line = HANDLERS_TEXT.split('\n')[charge.range.start.line];
    assert.equal(charge.headRange?.start.character, line.indexOf('start_server_span'));
    assert.equal(charge.ended, false);
    assert.equal(charge.leak?.start.line, lineOf(HANDLERS_TEXT, 'return None') - 1);
    assert.equal(frontEnd.helperSpansOf!(HANDLERS).some((s) => s.range.start.line === lineOf(HANDLERS_TEXT, 'datadog_span(') - 1), false, 'a Datadog span is no OpenTelemetry span');
  });

  it('fixes a method helper\'s span with try/finally; the fixed file parses and the span is ended', async () => {
    const ship = spanOn('self.telemetry._start(');
    assert.equal(ship.endFix?.title, 'Wrap the rest of the block in `try:` ... `finally: span.end()`');
    const fixed = applyEdits(HANDLERS_TEXT, ship.endFix.edits);
    const tree = (await createParser('python')).parse(fixed);
    assert.equal(tree?.rootNode.hasError, false, fixed);
    tree?.delete();
    frontEnd.updateFile(HANDLERS, fixed);
    assert.equal(spanOn('self.telemetry._start(', frontEnd.helperSpansOf!(HANDLERS)).ended, true);
    frontEnd.updateFile(HANDLERS, HANDLERS_TEXT);
    assert.equal(spanOn('self.telemetry._start(').ended, false);
  });

  it('drops a helper that stops returning its span', () => {
    const telemetry = join(HELPERS, 'telemetry.py');
    const text = readFileSync(telemetry, 'utf8');
    frontEnd.updateFile(telemetry, text.replace('    return span, token\n', '    span.end()\n    return None, token\n'));
    assert.throws(() => spanOn('"payments.charge"'));
    frontEnd.updateFile(telemetry, text);
    assert.equal(spanOn('"payments.charge"').ended, false);
  });
});
