import assert from 'node:assert/strict';
import type { CodeLocation } from '../../../common/src/graph';
import { mergeLocations, resolveRuntimeFile, runtimeFileResolver } from '../../../webview/src/codeLinks';

const FILES = ['demo/services/payments.mjs', 'demo/services/web.mjs', 'a/index.ts', 'b/index.ts', 'src/app.py'];
const at = (file: string, line: number, source: CodeLocation['source']): CodeLocation => ({ file, line, source });

describe('runtime code paths resolved to site files', () => {
  it('maps an absolute runtime path to the site file by longest whole-segment suffix', () => {
    assert.equal(resolveRuntimeFile('/home/u/repo/demo/services/payments.mjs', FILES), 'demo/services/payments.mjs');
    assert.equal(resolveRuntimeFile('C:\\work\\repo\\demo\\services\\web.mjs', FILES), 'demo/services/web.mjs');
    assert.equal(resolveRuntimeFile('/srv/x/a/index.ts', FILES), 'a/index.ts');
  });

  it('accepts a relative runtime path that the site path ends with', () => {
    assert.equal(resolveRuntimeFile('app.py', FILES), 'src/app.py');
    assert.equal(resolveRuntimeFile('./app.py', FILES), 'src/app.py');
  });

  it('never invents a path: partial segments, other directories, ties and junk resolve to null', () => {
    assert.equal(resolveRuntimeFile('/x/demo/services/xpayments.mjs', FILES), null);
    assert.equal(resolveRuntimeFile('/x/other/services/payments.mjs', FILES), null);
    assert.equal(resolveRuntimeFile('/x/c/index.ts', FILES), null);
    assert.equal(resolveRuntimeFile('index.ts', FILES), null);
    assert.equal(resolveRuntimeFile('', FILES), null);
    assert.equal(resolveRuntimeFile('///', FILES), null);
    assert.equal(resolveRuntimeFile('/srv/<img src=x onerror=alert(1)>.ts', FILES), null);
    assert.equal(resolveRuntimeFile('/home/u/demo/services/payments.mjs', []), null);
  });

  it('prefers the longer suffix when a deeper site file also matches', () => {
    const resolve = runtimeFileResolver(['services/payments.mjs', 'demo/services/payments.mjs']);
    assert.equal(resolve('/r/demo/services/payments.mjs'), 'demo/services/payments.mjs');
    assert.equal(resolve('/r/other/services/payments.mjs'), 'services/payments.mjs');
  });
});

describe('merged code locations', () => {
  const resolve = runtimeFileResolver(FILES);

  it('folds a runtime copy of a static site into it and marks it seen at runtime', () => {
    const merged = mergeLocations([at('demo/services/payments.mjs', 12, 'static')], [at('/home/u/repo/demo/services/payments.mjs', 12, 'runtime')], resolve);
    assert.deepEqual(merged, [{ location: at('demo/services/payments.mjs', 12, 'static'), seenAtRuntime: true }]);
  });

  it('keeps other lines and unknown paths as runtime entries, resolved only when a site file matches', () => {
    const merged = mergeLocations(
      [at('demo/services/payments.mjs', 12, 'static'), at('demo/services/payments.mjs', 12, 'static')],
      [at('/r/demo/services/payments.mjs', 30, 'runtime'), at('/elsewhere/lib.ts', 4, 'runtime'), at('/q/demo/services/payments.mjs', 30, 'runtime')],
      resolve,
    );
    assert.deepEqual(merged, [
      { location: at('demo/services/payments.mjs', 12, 'static'), seenAtRuntime: false },
      { location: at('demo/services/payments.mjs', 30, 'runtime'), seenAtRuntime: false },
      { location: at('/elsewhere/lib.ts', 4, 'runtime'), seenAtRuntime: false },
    ]);
  });
});
