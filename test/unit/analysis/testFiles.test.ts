import assert from 'node:assert/strict';
import { isTestFile } from '../../../server/src/analysis/files';
import { WorkspaceAnalyzer } from '../../../server/src/analysis/workspace';
import { defaults } from './fixtures';

describe('test files', () => {
  it('knows test files by each ecosystem\'s naming convention', () => {
    for (const f of ['/ws/orders_test.go', '/ws/tests/test_orders.py', '/ws/orders_test.py', '/ws/conftest.py', '/ws/src/orders.test.ts', '/ws/src/orders.spec.mjs', '/ws/src/__tests__/orders.ts', 'C:\\ws\\src\\__tests__\\orders.ts']) {
      assert.ok(isTestFile(f), f);
    }
    for (const f of ['/ws/orders.go', '/ws/testing.py', '/ws/contest.py', '/ws/src/test/orders.ts', '/ws/src/latest.ts', '/ws/attest_test_x.py']) {
      assert.ok(!isTestFile(f), f);
    }
  });

  it('finds the sites of a test file but reports its findings only with checkTests', async () => {
    const text = "import { trace } from '@opentelemetry/api';\nconst s = trace.getTracer('t').startSpan('test');\n";
    const quiet = await WorkspaceAnalyzer.create(defaults(), ['/ws']);
    quiet.updateFile('/ws/orders.test.ts', text);
    quiet.updateFile('/ws/orders.ts', text);
    assert.equal(quiet.sitesOf('/ws/orders.test.ts').length, 1);
    assert.deepEqual(quiet.findingsOf('/ws/orders.test.ts'), []);
    assert.ok(quiet.findingsOf('/ws/orders.ts').some((f) => f.rule === 'generic-name'));
    const checked = await WorkspaceAnalyzer.create(defaults({ checkTests: true }), ['/ws']);
    checked.updateFile('/ws/orders.test.ts', text);
    assert.deepEqual(checked.findingsOf('/ws/orders.test.ts').map((f) => f.rule).sort(), quiet.findingsOf('/ws/orders.ts').map((f) => f.rule).sort());
  });
});
