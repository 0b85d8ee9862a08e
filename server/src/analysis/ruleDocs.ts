// One-line descriptions of the rules and where their documentation lives (docs/rules.md),
// used for diagnostic links in the editor and rule metadata in SARIF.

import type { RuleId } from '../../../common/src/settings';

export const RULES_DOC_URL = 'https://example.com/otel-flow-map/blob/main/docs/rules.md';

export function ruleDocUrl(rule: RuleId): string {
  return `${RULES_DOC_URL}#${rule}`;
}

export const RULE_SUMMARIES: Record<RuleId, string> = {
  'dynamic-span-name': 'The span name is not a constant.',
  'dynamic-flow-name': 'The flow name or step is not a constant.',
  'id-in-name': 'A span, flow or step name embeds an ID (number, UUID, hex, email, date).',
  'generic-name': 'A span, flow or step name is a generic word.',
  'flow-name-format': 'A flow name or step does not match the naming pattern.',
  'flow-step-without-flow': 'A flow step is set without a flow name on the same span.',
  'flow-missing-run-id': 'A flow name is set without a run id.',
  'constant-run-id': 'The flow run id is a constant.',
  'db-operation-unknown': 'The database operation cannot be mapped to reads or writes.',
  'messaging-operation-unknown': 'The messaging operation cannot be mapped to publishes or consumes.',
  'messaging-missing-destination': 'A messaging system is set without a destination.',
  'span-not-ended': 'A span is not ended on every path.',
};
