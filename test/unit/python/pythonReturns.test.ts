import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../common/src/settings';
import { createPythonFrontEnd } from '../../../server/src/analysis/python/pythonFrontEnd';
import { scanPaths } from '../../../server/src/analysis/workspace';
import type { LanguageFrontEnd } from '../../../server/src/analysis/types';
import { FIXTURES, expectedFindings, findingsByLine, lineOf, loadInto } from '../treeSitterSupport';

const ROOT = join(FIXTURES, 'python', 'returns');
const PACKAGE = join(ROOT, 'instrumentation');
const FILES = ['wsgi.py', 'flask.py', 'asgi.py'].map((f) => join(PACKAGE, f));
const HELPER = { name: '_start_internal_or_server_span', method: false };

describe('Python names returned by the project\'s own functions (wsgi, flask, asgi shapes)', () => {
  it('reports each unbounded name where it is passed, judged by what the called function returns', async () => {
    const out = await scanPaths([ROOT], DEFAULT_SETTINGS.analysis, process.cwd());
    assert.deepEqual(out.problems, []);
    let checked = 0;
    for (const file of FILES) {
      const text = readFileSync(file, 'utf8');
      const actual = findingsByLine(out.findings.filter((f) => f.file === file));
      for (const [line, rules] of expectedFindings(text)) {
        assert.deepEqual(actual.get(line) ?? [], rules, `${file}:${line + 1}: ${text.split('\n')[line].trim()}`);
        checked++;
      }
      for (const line of actual.keys()) assert.ok(expectedFindings(text).has(line), `unexpected finding at ${file}:${line + 1}`);
    }
    assert.equal(checked, 8);
  });

  it('says which function returned the unbounded part, once', async () => {
    const out = await scanPaths([ROOT], DEFAULT_SETTINGS.analysis, process.cwd());
    const flask = out.findings.find((f) => f.file === FILES[1]);
    assert.match(flask?.message ?? '', /varies with a raw request path, returned by get_default_span_name\(\): /);
    assert.equal(flask?.message.match(/returned by/g)?.length, 1);
  });

  describe('through the front-end', () => {
    let frontEnd: LanguageFrontEnd;
    before(async () => {
      frontEnd = await createPythonFrontEnd(DEFAULT_SETTINGS.analysis);
      loadInto(frontEnd, ROOT);
      // The workspace reads the helper's site first: that is how callers passing `span_name=` by keyword are matched.
      assert.equal(frontEnd.sitesOf(join(PACKAGE, 'utils.py')).sites[0].enclosing?.name, HELPER.name);
    });

    it('takes the element at the unpacked position of a tuple return (the name, not the attributes)', () => {
      const asgiText = readFileSync(FILES[2], 'utf8');
      const passed = frontEnd.callsTo!(FILES[2], HELPER, 1);
      assert.deepEqual(passed.map((p) => [p.headRange.start.line + 1, p.value.parts?.map((part) => part.bound)]), [[lineOf(asgiText, 'span, token = _start_internal'), ['unbounded']]]);
    });

    it('maps a returned parameter to the call\'s argument', () => {
      const wsgiText = readFileSync(FILES[0], 'utf8');
      const byLine = new Map(frontEnd.callsTo!(FILES[0], HELPER, 1).map((p) => [p.headRange.start.line + 1, p.value.parts?.map((part) => part.bound)]));
      assert.deepEqual(byLine.get(lineOf(wsgiText, 'operation_name("select", "orders")')), ['bounded']);
      assert.deepEqual(byLine.get(lineOf(wsgiText, 'operation_name("select", user_id)')), ['unbounded']);
    });

    it('sees an edit of the called function in another file', () => {
      const wsgiText = readFileSync(FILES[0], 'utf8');
      const flaskBound = () => frontEnd.callsTo!(FILES[1], HELPER, 1).find((p) => p.value.text === 'span_name')?.value.parts?.[0].bound;
      assert.equal(flaskBound(), 'unbounded');
      frontEnd.updateFile(FILES[0], wsgiText.replace('return f"{method} {path}"', 'return f"{method} {environ[\'wsgiorg.route\']}"').replace('    return method\n', '    return "HTTP"\n'));
      assert.notEqual(flaskBound(), 'unbounded');
      frontEnd.updateFile(FILES[0], wsgiText);
      assert.equal(flaskBound(), 'unbounded');
    });
  });
});
