import { join } from 'node:path';
import { createGoFrontEnd } from '../../../server/src/analysis/go/goFrontEnd';
import { FIXTURES, describeRuleFixtures } from '../treeSitterSupport';

describeRuleFixtures({
  title: 'Go',
  language: 'go',
  createFrontEnd: createGoFrontEnd,
  root: join(FIXTURES, 'go'),
  rulesFile: join(FIXTURES, 'go', 'rules', 'rules.go'),
  endFixText: '\n\tdefer span.End()',
});
