// Folder containment and folder keys with each platform's path rules: Windows paths (drive,
// backslashes) checked through path.win32 on any OS.
import assert from 'node:assert/strict';
import { posix, win32 } from 'node:path';
import { folderPath, isBelow } from '../../../server/src/analysis/paths';

describe('file paths on every platform', () => {
  it('a file is below a Windows folder by backslashes, not by a shared name prefix', () => {
    assert.equal(isBelow('C:\\ws\\orders\\src\\app.py', 'C:\\ws\\orders', win32), true);
    assert.equal(isBelow('C:\\ws\\orders-old\\app.py', 'C:\\ws\\orders', win32), false);
    assert.equal(isBelow('C:\\ws\\orders', 'C:\\ws\\orders', win32), false);
    assert.equal(isBelow('C:\\ws\\app.py', 'C:\\', win32), true);
  });

  it('a file is below a POSIX folder by slashes', () => {
    assert.equal(isBelow('/ws/orders/src/app.py', '/ws/orders', posix), true);
    assert.equal(isBelow('/ws/orders-old/app.py', '/ws/orders', posix), false);
    assert.equal(isBelow('/ws/app.py', '/', posix), true);
  });

  it('keys a folder without trailing separators, keeping a root whole', () => {
    assert.equal(folderPath('C:\\ws\\orders\\', win32), 'C:\\ws\\orders');
    assert.equal(folderPath('C:\\ws\\orders/', win32), 'C:\\ws\\orders');
    assert.equal(folderPath('C:\\', win32), 'C:\\');
    assert.equal(folderPath('\\\\server\\share\\ws\\', win32), '\\\\server\\share\\ws');
    assert.equal(folderPath('/ws/orders/', posix), '/ws/orders');
    assert.equal(folderPath('/', posix), '/');
    // A key made from a trailing-separator URI still contains its files.
    assert.equal(isBelow('C:\\ws\\orders\\app.go', folderPath('C:\\ws\\orders\\', win32), win32), true);
  });
});
