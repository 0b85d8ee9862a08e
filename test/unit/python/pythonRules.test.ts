import { join } from 'node:path';
import { createPythonFrontEnd } from '../../../server/src/analysis/python/pythonFrontEnd';
import { FIXTURES, describeRuleFixtures } from '../treeSitterSupport';

describeRuleFixtures({
  title: 'Python',
  language: 'python',
  createFrontEnd: createPythonFrontEnd,
  root: join(FIXTURES, 'python'),
  rulesFile: join(FIXTURES, 'python', 'rules.py'),
  endFixText: 'with tracer.start_as_current_span("orders.audit") as span:  # expect: span-not-ended\n        span.set_attribute("entity.type", "order")',
});
