import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { listSourceFiles } from '../../../server/src/analysis/files';
import { scanPaths } from '../../../server/src/analysis/workspace';
import { defaults } from './fixtures';

// Real, installed OpenTelemetry JS (CommonJS, ES2015+ and ES5 builds): every grep hit of
// `.startSpan(` / `.startActiveSpan(` is either a site or a known look-alike receiver.
const ROOT = resolve(__dirname, '../../../node_modules/@opentelemetry');
const DIRS = ['api/build/src', 'api/build/esm', 'sdk-trace/build/src', 'sdk-trace/build/esm'].map((d) => join(ROOT, d)).filter((d) => existsSync(d));
const LOOK_ALIKE = /_tracerMetrics\.startSpan\(/;

describe('real OpenTelemetry JS sources in node_modules', () => {
  it('finds every span call a grep finds, except look-alike receivers', async function () {
    if (DIRS.length === 0) this.skip();
    const grep: string[] = [];
    for (const dir of DIRS) {
      const { files } = await listSourceFiles(dir, { extensions: new Set(['.js']), include: [], exclude: [] });
      for (const f of files) {
        readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
          if (/\.(startSpan|startActiveSpan)\(/.test(line) && !LOOK_ALIKE.test(line)) grep.push(`${f}:${i + 1}`);
        });
      }
    }
    const scan = await scanPaths(DIRS, defaults(), dirname(ROOT));
    const found = scan.sites.map((s) => `${s.file}:${s.range.start.line + 1}`);
    assert.deepEqual(found.sort(), grep.sort());
    assert.ok(found.length >= 6);
  });
});
