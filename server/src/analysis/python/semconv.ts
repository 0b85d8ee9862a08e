// Python semantic-convention constants (opentelemetry-semantic-conventions):
// `SpanAttributes.DB_SYSTEM` (older) and `DB_SYSTEM_NAME` from `...attributes.db_attributes`.

import { SEMCONV_CONSTANTS } from '../../../../common/src/semconv';
import { DYNAMIC, type StaticValue } from '../staticValues';

const BY_NAME = new Map([...new Set(Object.values(SEMCONV_CONSTANTS))].map((key) => [key.replace(/\./g, '_').toUpperCase(), key]));

/** The key a semconv reference names (its last segment), e.g. ['SpanAttributes', 'DB_SYSTEM'] -> `db.system`. */
export function semconvValue(names: string[]): StaticValue {
  const key = BY_NAME.get(names[names.length - 1] ?? '');
  return key ? { constant: true, value: key } : DYNAMIC;
}
