import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../common/src/settings';
import { createGoFrontEnd } from '../../../server/src/analysis/go/goFrontEnd';
import { evaluateSite } from '../../../server/src/analysis/rules';
import type { LanguageFrontEnd, SpanSite, TextEdit } from '../../../server/src/analysis/types';
import { FIXTURES, fixtureSites, lineOf } from '../treeSitterSupport';

const ROOT = join(FIXTURES, 'go');
const ESCAPE = join(ROOT, 'svc', 'escape', 'escape.go');
const TEXT = readFileSync(ESCAPE, 'utf8');

const siteNamed = (sites: SpanSite[], name: string) => {
  const site = sites.find((s) => s.name?.value === name);
  if (!site) throw new Error(`no site named ${name}`);
  return site;
};

/** Applies single-position insertions (what the Go fix makes) to a text. */
function apply(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  for (const edit of [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)) {
    assert.deepEqual(edit.range.start, edit.range.end, 'an insertion');
    const { line, character } = edit.range.start;
    const inserted = lines[line].slice(0, character) + edit.newText + lines[line].slice(character);
    lines.splice(line, 1, ...inserted.split('\n'));
  }
  return lines.join('\n');
}

describe('Go span-not-ended: escapes, leaking paths and the defer fix', () => {
  let frontEnd: LanguageFrontEnd;
  let sites: SpanSite[];
  const named = (name: string) => siteNamed(sites, name);

  before(async () => {
    frontEnd = await createGoFrontEnd(DEFAULT_SETTINGS.analysis);
    sites = fixtureSites(frontEnd, ROOT, ESCAPE);
  });

  it('takes a span that escapes as ended: returned, stored in a field or map, passed on, put in a context, ended by a goroutine, closure or Cleanup, carried by a context a hook hands on', () => {
    for (const name of [
      'http.request', 'rpc.call', 'queue.wait', 'queue.pending', 'orders.sync', 'orders.context', 'orders.background',
      'test.case', 'orders.begin', 'orders.close_later', 'redis.process', 'gorm.query', 'queue.queued', 'http.hook',
    ]) {
      assert.equal(named(name).ended, true, name);
      assert.equal(named(name).leak, undefined, name);
    }
  });

  it('hands a span on only from the statement that does so: a return before it leaks; `if span != nil` has nothing to end otherwise', () => {
    const file = join(ROOT, 'svc', 'escape', 'paths.go');
    const text = readFileSync(file, 'utf8');
    const paths = frontEnd.sitesOf(file).sites;
    const open = siteNamed(paths, 'batch.open');
    assert.equal(open.ended, false, 'stored in a field after an early return');
    assert.equal(open.leak?.start.line, lineOf(text, 'return errors.New("empty batch")') - 1);
    assert.equal(siteNamed(paths, 'batch.guard').ended, true);
    assert.equal(siteNamed(paths, 'batch.each').ended, true, 'a loop that passes the span on, taken as a whole');
  });

  it('gives a use after an if/else to the Start of each branch', () => {
    for (const name of ['store.op_linked', 'store.op']) {
      assert.equal(named(name).ended, true, `${name}: handed on in the context`);
      assert.ok(named(name).attributes.some((a) => a.key === 'store.transport'), `${name}: SetAttributes after the branches`);
    }
  });

  it('takes a span ended on every path as ended: deferred End or closure, End on both branches, a panic path, a loop left by return', () => {
    for (const name of ['store.save', 'store.count', 'orders.must_load', 'orders.poll']) assert.equal(named(name).ended, true, name);
  });

  it('reports the return that leaves before End, with its range', () => {
    const load = named('store.load');
    assert.equal(load.ended, false);
    const line = lineOf(TEXT, 'return "", err') - 1;
    const column = TEXT.split('\n')[line].indexOf('return');
    assert.deepEqual(load.leak, { start: { line, character: column }, end: { line, character: column + 'return "", err'.length } });
    assert.equal(named('orders.wait').leak?.start.line, lineOf(TEXT, 'return ctx.Err()') - 1, 'a select case that returns');
    assert.equal(named('store.prepare').leak?.start.line, lineOf(TEXT, 'return ctx, err') - 1, 'ended on one path: the returned context does not hand it over');
  });

  it('reports the end of the function when a path falls off it, and the continue that skips End in a loop', () => {
    const classify = named('orders.classify');
    assert.equal(classify.ended, false, 'a switch without default');
    const close = lineOf(TEXT, 'func mustLoad') - 4;
    assert.deepEqual(classify.leak, { start: { line: close, character: 0 }, end: { line: close, character: 1 } });
    assert.equal(named('orders.consume').leak?.start.line, lineOf(TEXT, 'continue') - 1);
    assert.equal(named('orders.consume').endFix, undefined, 'a defer in a loop would end the span late');
    assert.equal(named('orders.dropped').ended, false);
    assert.equal(named('orders.dropped').endFix, undefined, 'no variable to end');
    assert.equal(named('orders.forgotten').ended, false);
  });

  it('says span-not-ended with the leak as related information and the Go fix', () => {
    const findings = evaluateSite(named('store.load'), DEFAULT_SETTINGS.analysis).filter((f) => f.rule === 'span-not-ended');
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0].related?.map((r) => r.range), [named('store.load').leak]);
    assert.equal(findings[0].fixes[0].title, "Add 'defer span.End()' after Start");
    assert.doesNotMatch(findings[0].message + findings[0].fixes[0].title, /finally/);
  });

  it('inserts `defer <span>.End()` after the Start line; the fixed file parses with every span ended', () => {
    const fixable = sites.filter((s) => s.ended === false && s.endFix);
    assert.deepEqual(fixable.map((s) => s.name?.value), ['store.load', 'orders.classify', 'orders.wait', 'orders.forgotten', 'store.prepare']);
    const fixed = apply(TEXT, fixable.flatMap((s) => s.endFix!.edits));
    const loadLine = lineOf(fixed, '"store.load"');
    assert.equal(fixed.split('\n')[loadLine], '\tdefer span.End()');
    frontEnd.updateFile(ESCAPE, fixed);
    try {
      const after = frontEnd.sitesOf(ESCAPE);
      assert.deepEqual(after.problems, []);
      for (const name of ['store.load', 'orders.classify', 'orders.wait', 'orders.forgotten', 'store.prepare']) assert.equal(siteNamed(after.sites, name).ended, true, name);
      assert.deepEqual(after.sites.filter((s) => s.ended === false).map((s) => s.name?.value), ['orders.consume', 'orders.dropped']);
    } finally {
      frontEnd.updateFile(ESCAPE, TEXT);
    }
  });

  it('names the variable as written in the fix', () => {
    const file = join(ROOT, 'svc', 'escape', 'renamed.go');
    const text = 'package escape\n\nimport (\n\t"context"\n\n\t"go.opentelemetry.io/otel"\n)\n\nfunc Publish(ctx context.Context) {\n\tctx, pubSpan := otel.Tracer("pub").Start(ctx, "orders.publish")\n\tpublish(ctx)\n}\n\nfunc publish(context.Context) {}\n';
    frontEnd.updateFile(file, text);
    try {
      const [site] = frontEnd.sitesOf(file).sites;
      assert.equal(site.endFix?.title, "Add 'defer pubSpan.End()' after Start");
      assert.equal(site.endFix?.edits[0].newText, '\n\tdefer pubSpan.End()');
      assert.deepEqual(site.leak?.start, { line: 11, character: 0 });
    } finally {
      frontEnd.removeFile(file);
    }
  });
});
