import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RULE_IDS } from '../../../common/src/settings';
import type { ScanOutput } from '../../../server/src/analysis/workspace';
import { FIXTURES, defaults, expectations, findingsByLine, lineOf, scanFixtures } from './fixtures';

describe('rules over TypeScript fixtures', () => {
  let scan: ScanOutput;
  before(async () => {
    scan = await scanFixtures(['rules', 'decoys']);
  });

  for (const file of ['rules/positives.ts', 'rules/negatives.ts', 'decoys/decoys.ts', 'decoys/untyped.js']) {
    it(`${file}: exactly the findings its // expect: markers list`, () => {
      assert.deepEqual(Object.fromEntries(findingsByLine(scan, file)), Object.fromEntries(expectations(file)));
    });
  }

  it('has a positive case for every rule id', () => {
    const seen = new Set([...expectations('rules/positives.ts').values()].flat());
    assert.deepEqual(RULE_IDS.filter((r) => !seen.has(r)), []);
  });

  it('reports no parse problems for valid fixtures', () => {
    assert.deepEqual(scan.problems, []);
  });

  it('honours severities, including off', async () => {
    const s = await scanFixtures(['rules/positives.ts'], defaults({ severities: { 'id-in-name': 'off', 'generic-name': 'error' } }));
    assert.ok(!s.findings.some((f) => f.rule === 'id-in-name'));
    assert.ok(s.findings.filter((f) => f.rule === 'generic-name').every((f) => f.severity === 'error'));
    assert.equal(scan.findings.find((f) => f.rule === 'flow-missing-run-id')?.severity, 'information');
  });

  it('uses a custom attribute prefix and generic-name list', async () => {
    const s = await scanFixtures(['rules/positives.ts'], defaults({ attributePrefix: 'app.flow.', genericNames: ['orders.dropped'] }));
    // With another prefix the coordimap.* attributes are ordinary attributes: no flow rules fire.
    assert.ok(!s.findings.some((f) => f.rule === 'dynamic-flow-name' || f.rule === 'flow-name-format'));
    const generic = s.findings.filter((f) => f.rule === 'generic-name');
    assert.equal(generic.length, 1);
    assert.equal(generic[0].range.start.line + 1, lineOf('rules/positives.ts', "'orders.dropped'"));
  });

  it('uses a custom name pattern', async () => {
    const s = await scanFixtures(['rules/positives.ts'], defaults({ namePattern: '^[A-Z][A-Za-z]+$' }));
    const format = s.findings.filter((f) => f.rule === 'flow-name-format').map((f) => f.range.start.line + 1);
    assert.ok(!format.includes(lineOf('rules/positives.ts', 'CheckoutPlaceOrder')), 'CheckoutPlaceOrder matches the custom pattern');
    assert.ok(format.length > 0);
  });

  it('falls back to the default pattern when the configured one is invalid', async () => {
    const s = await scanFixtures(['rules/positives.ts'], defaults({ namePattern: '([' }));
    assert.ok(s.findings.some((f) => f.rule === 'flow-name-format' && f.file === join(FIXTURES, 'rules/positives.ts')));
  });
});
