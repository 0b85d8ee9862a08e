import { join } from 'node:path';
import { createPythonFrontEnd } from '../../../server/src/analysis/python/pythonFrontEnd';
import { FIXTURES, describeRuleFixtures } from '../treeSitterSupport';

describeRuleFixtures({
  title: 'Python',
  language: 'python',
  createFrontEnd: createPythonFrontEnd,
  root: join(FIXTURES, 'python'),
  rulesFile: join(FIXTURES, 'python', 'rules.py'),
  endFixText: '\n    span.end()',
});
