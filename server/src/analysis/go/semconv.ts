// Go semantic-convention identifiers (go.opentelemetry.io/otel/semconv/vX): `DBSystemKey`
// (an attribute.Key), `DBSystemPostgreSQL` (a KeyValue), `DBOperationName("select")` (a helper).

import { SEMCONV_CONSTANTS } from '../../../../common/src/semconv';

const ACRONYMS = new Set(['db', 'rpc', 'http', 'url', 'id', 'sql']);

/** Go spelling of a key without the `Key` suffix: `db.system.name` -> `DBSystemName`. */
function goName(key: string): string {
  return key
    .split(/[._]/)
    .map((part) => (ACRONYMS.has(part) ? part.toUpperCase() : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');
}

const BY_NAME = new Map([...new Set(Object.values(SEMCONV_CONSTANTS))].map((key) => [goName(key), key]));
/** Longest names first, so `DBSystemName...` wins over `DBSystem...`. */
const NAMES_LONGEST_FIRST = [...BY_NAME.keys()].sort((a, b) => b.length - a.length);

export function isSemconvImport(path: string): boolean {
  return path.startsWith('go.opentelemetry.io/otel/semconv');
}

/** `DBSystemKey` -> `db.system`. */
export function semconvKey(identifier: string): string | undefined {
  return identifier.endsWith('Key') ? BY_NAME.get(identifier.slice(0, -3)) : undefined;
}

/** `DBOperationName` (helper taking the value) -> `db.operation.name`. */
export function semconvHelperKey(identifier: string): string | undefined {
  return BY_NAME.get(identifier);
}

/** `DBSystemPostgreSQL` -> { key: 'db.system', value: 'postgresql' }. */
export function semconvKeyValue(identifier: string): { key: string; value: string } | undefined {
  const name = NAMES_LONGEST_FIRST.find((n) => identifier.startsWith(n) && identifier.length > n.length);
  return name ? { key: BY_NAME.get(name) ?? '', value: identifier.slice(name.length).toLowerCase() } : undefined;
}
