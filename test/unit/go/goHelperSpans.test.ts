import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../common/src/settings';
import { createGoFrontEnd } from '../../../server/src/analysis/go/goFrontEnd';
import type { LanguageFrontEnd, SpanSite } from '../../../server/src/analysis/types';
import { scanPaths } from '../../../server/src/analysis/workspace';
import { FIXTURES, expectedFindings, findingsByLine, lineOf, loadInto } from '../treeSitterSupport';

// A dapr-shaped relay: diag's helpers start spans and return them; deliver and ingress own them.
const ROOT = join(FIXTURES, 'go', 'relay');
const DELIVER = join(ROOT, 'deliver', 'deliver.go');
const INGRESS = join(ROOT, 'ingress', 'ingress.go');
const DIAG = join(ROOT, 'diag', 'diag.go');
const DELIVER_TEXT = readFileSync(DELIVER, 'utf8');

const line = (span: SpanSite) => span.range.start.line + 1;

describe('Go spans from project helpers (helperSpansOf)', () => {
  let frontEnd: LanguageFrontEnd;

  beforeEach(async () => {
    frontEnd = await createGoFrontEnd(DEFAULT_SETTINGS.analysis);
    loadInto(frontEnd, ROOT);
  });

  it('reports span-not-ended at the helper call exactly where each fixture line expects, through the workspace analyzer', async () => {
    const out = await scanPaths([ROOT], DEFAULT_SETTINGS.analysis, process.cwd());
    assert.deepEqual(out.problems, []);
    for (const file of [DELIVER, INGRESS]) {
      const text = readFileSync(file, 'utf8');
      const actual = findingsByLine(out.findings.filter((f) => f.file === file));
      const expected = expectedFindings(text);
      for (const [at, rules] of expected) assert.deepEqual(actual.get(at) ?? [], rules, `${file}:${at + 1}: ${text.split('\n')[at].trim()}`);
      for (const at of actual.keys()) assert.ok(expected.has(at), `unexpected finding at ${file}:${at + 1}`);
    }
    assert.deepEqual(out.findings.filter((f) => f.file === DIAG), [], 'the helpers hand their spans on');
  });

  it('finds the spans of package, local and multi-result helpers, not of accessors, same-named functions or tracer sites', () => {
    const spans = frontEnd.helperSpansOf!(DELIVER);
    const at = (marker: string) => spans.find((s) => line(s) === lineOf(DELIVER_TEXT, marker));
    for (const marker of ['"relay.callback"', '"relay.deferred"', 'diag.NewEnvelope(ctx, topic, data) // expect: none', '"relay.pubsub"', '"relay.local"']) {
      assert.ok(at(marker), `a helper span at ${marker}`);
    }
    assert.equal(at('diag.SpanFromContext'), undefined, 'an accessor starts no span');
    assert.equal(at('other.StartCallbackSpan'), undefined, 'another package\'s function of the same name returns no span');
    assert.equal(at('otel.Tracer('), undefined, 'the tracer call inside the local helper is a site, not a helper span');
    assert.ok(frontEnd.sitesOf(DELIVER).sites.every((s) => !spans.some((h) => line(h) === line(s))), 'helper spans are not sites');
    assert.deepEqual(frontEnd.helperSpansOf!(DIAG).map(line), [], 'diag calls no helper of its own');
  });

  it('puts the span at the helper\'s callee, the leak at the early return, and offers `defer span.End()`', () => {
    const callback = frontEnd.helperSpansOf!(DELIVER).find((s) => line(s) === lineOf(DELIVER_TEXT, '"relay.callback"'))!;
    const callLine = lineOf(DELIVER_TEXT, '"relay.callback"') - 1;
    const column = DELIVER_TEXT.split('\n')[callLine].indexOf('diag.StartCallbackSpan');
    assert.deepEqual(callback.headRange, { start: { line: callLine, character: column }, end: { line: callLine, character: column + 'diag.StartCallbackSpan'.length } });
    assert.equal(callback.ended, false);
    assert.equal(callback.leak?.start.line, callLine + 2, 'the `return errNoApp` of the missing app');
    assert.equal(callback.endFix?.edits[0].newText, '\n\tdefer span.End()');
    assert.equal(callback.enclosingFunction, 'Deliverer.Callback');
  });

  it('follows edits: a deferred End fixes the leak, and a helper that stops returning a span gives none', () => {
    const marker = 'ctx, span := diag.StartCallbackSpan(ctx, "relay.callback", d.enabled)';
    frontEnd.updateFile(DELIVER, DELIVER_TEXT.replace(marker, `${marker}\n\tdefer span.End()`));
    assert.equal(frontEnd.helperSpansOf!(DELIVER).find((s) => line(s) === lineOf(DELIVER_TEXT, '"relay.callback"'))?.ended, true);
    frontEnd.updateFile(DELIVER, DELIVER_TEXT);
    const diagText = readFileSync(DIAG, 'utf8');
    frontEnd.updateFile(DIAG, diagText.replace('func StartClientSpan(r *http.Request, name string) oteltrace.Span {\n\t_, span := tracer.Start(r.Context(), name)\n\treturn span', 'func StartClientSpan(r *http.Request, name string) *http.Request {\n\treturn r'));
    assert.equal(frontEnd.helperSpansOf!(DELIVER).find((s) => line(s) === lineOf(DELIVER_TEXT, '"relay.http") // expect: span-not-ended')), undefined);
  });

  it('takes a span from a package outside the workspace only when the caller ends it itself', () => {
    const text = readFileSync(INGRESS, 'utf8');
    const spans = frontEnd.helperSpansOf!(INGRESS);
    assert.deepEqual(spans.map(line), [lineOf(text, 'expect: span-not-ended'), lineOf(text, 'EnvelopeFromMessage(ctx, msg) // expect: none')]);
    assert.deepEqual(spans.map((s) => s.ended), [false, true]);
    frontEnd.updateFile(INGRESS, text.replace('import (', 'import (\n\t"github.com/acme/other"').replace(/\t\tspan\.End\(\)\n/, '\t\tother.Done()\n'));
    assert.equal(frontEnd.helperSpansOf!(INGRESS).length, 1, 'a span it never ends itself is not known to be its own');
  });
});
