import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { candidatePaths, resolveWorkspaceFile } from '../../../client/src/workspacePaths';

describe('client workspacePaths', () => {
  let root: string;
  let ws: string;
  let other: string;

  before(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'ofm-paths-')));
    ws = join(root, 'ws');
    other = join(root, 'outside');
    mkdirSync(join(ws, 'src'), { recursive: true });
    mkdirSync(other);
    writeFileSync(join(ws, 'src', 'orders.ts'), 'x');
    writeFileSync(join(ws, '..foo.ts'), 'x');
    writeFileSync(join(other, 'secret.txt'), 'x');
    symlinkSync(other, join(ws, 'link'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('resolves relative and absolute paths inside the workspace', async () => {
    assert.equal(await resolveWorkspaceFile('src/orders.ts', [ws]), join(ws, 'src', 'orders.ts'));
    assert.equal(await resolveWorkspaceFile(join(ws, 'src', 'orders.ts'), [ws]), join(ws, 'src', 'orders.ts'));
    assert.equal(await resolveWorkspaceFile('..foo.ts', [ws]), join(ws, '..foo.ts'));
  });

  it('finds the file in whichever folder holds it', async () => {
    assert.equal(await resolveWorkspaceFile('secret.txt', [ws, other]), join(other, 'secret.txt'));
  });

  it('refuses escapes, absolute paths outside, symlinks out, directories, missing files and NUL bytes', async () => {
    for (const file of ['../outside/secret.txt', 'src/../../outside/secret.txt', join(other, 'secret.txt'), 'link/secret.txt', 'src', 'src/missing.ts', 'src/orders.ts\0.png', '/etc/passwd', '']) {
      assert.equal(await resolveWorkspaceFile(file, [ws]), undefined, JSON.stringify(file));
    }
  });

  it('has no candidates without workspace folders', () => {
    assert.deepEqual(candidatePaths('src/orders.ts', []), []);
  });
});
