import assert from 'node:assert/strict';
import { applySuppressions, parseSuppressions, type Suppression } from '../../../server/src/analysis/suppressions';
import type { Finding } from '../../../server/src/analysis/types';

const scopes = (s: Suppression[]) => s.map((x) => [x.line, x.scope, x.rules.join(',')]);

function finding(rule: Finding['rule'], line: number): Finding {
  return { rule, severity: 'warning', file: 'f', range: { start: { line, character: 4 }, end: { line, character: 9 } }, message: 'm', fixes: [] };
}

describe('suppression comments', () => {
  it('TS/JS: disable-next-line, disable-line, and a file-wide block comment only at the top', () => {
    const text = [
      '#!/usr/bin/env node',
      '// header',
      '/* otel-flow-map-disable generic-name, id-in-name */',
      "'use strict';",
      "foo(); // otel-flow-map-disable-line dynamic-span-name -- name from a fixed table",
      '  // otel-flow-map-disable-next-line',
      'bar();',
      '/* otel-flow-map-disable span-not-ended */', // not at the top: ignored
      "const s = 'otel-flow-map-disable-line generic-name';", // not a comment
    ].join('\n');
    assert.deepEqual(scopes(parseSuppressions('a.ts', text)), [[2, 'file', 'generic-name,id-in-name'], [4, 4, 'dynamic-span-name'], [5, 6, '']]);
    for (const ext of ['.tsx', '.js', '.mjs', '.cjs', '.jsx', '.mts']) assert.equal(parseSuppressions(`a${ext}`, text).length, 3, ext);
  });

  it('Python: disable= on its own line (like noqa), disable-next-line=, a trailing # noqa is not a rule', () => {
    const text = [
      'x = 1  # otel-flow-map: disable=generic-name  # noqa: E501',
      '# otel-flow-map: disable-next-line=id-in-name,generic-name',
      'y = 2',
      'z = 3  # otel-flow-map: disable',
      '// otel-flow-map-disable-line generic-name', // the TS form means nothing in Python
    ].join('\n');
    assert.deepEqual(scopes(parseSuppressions('a.py', text)), [[0, 0, 'generic-name'], [1, 2, 'id-in-name,generic-name'], [3, 3, '']]);
  });

  it('Go: //otel-flow-map:ignore on its own line (trailing) or the next (alone), and the // forms', () => {
    const text = [
      'x := 1 //otel-flow-map:ignore generic-name',
      '\t//otel-flow-map:ignore',
      'y := 2',
      '// otel-flow-map-disable-next-line span-not-ended',
      'z := 3 // otel-flow-map-disable-line generic-name',
      '/* otel-flow-map-disable generic-name */', // file form is TS/JS only
      '# otel-flow-map: disable=generic-name',
    ].join('\n');
    assert.deepEqual(scopes(parseSuppressions('a.go', text)), [[0, 0, 'generic-name'], [1, 2, ''], [3, 4, 'span-not-ended'], [4, 4, 'generic-name']]);
  });

  it('skips text without the marker and unknown languages', () => {
    assert.deepEqual(parseSuppressions('a.ts', 'foo(); // eslint-disable-line\n'), []);
    assert.deepEqual(parseSuppressions('a.rb', '# otel-flow-map: disable=generic-name\n'), []);
  });

  it('silences by rule and line, and reports what silenced nothing per rule', () => {
    const sups = parseSuppressions('a.ts', [
      '/* otel-flow-map-disable span-not-ended */',
      'a(); // otel-flow-map-disable-line generic-name, id-in-name',
      '// otel-flow-map-disable-next-line',
      'b();',
      'c(); // otel-flow-map-disable-line generic-name',
    ].join('\n'));
    const out = applySuppressions([finding('generic-name', 1), finding('dynamic-span-name', 1), finding('id-in-name', 3), finding('span-not-ended', 7), finding('generic-name', 6)], sups);
    assert.deepEqual(out.findings.map((f) => [f.rule, f.range.start.line]), [['dynamic-span-name', 1], ['generic-name', 6]]);
    assert.deepEqual(out.unused.map((u) => [u.suppression.line, u.rule]), [[1, 'id-in-name'], [4, 'generic-name']]);
    const none = applySuppressions([], parseSuppressions('a.ts', '// otel-flow-map-disable-next-line\nx();\n'));
    assert.deepEqual(none.unused.map((u) => [u.suppression.line, u.rule]), [[0, undefined]]);
  });
});
