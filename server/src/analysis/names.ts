// Detects identifiers embedded in names: the id-in-name rule.

const PATTERNS: [RegExp, string][] = [
  [/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i, 'a UUID'],
  [/[^\s@/:]+@[^\s@/:]+\.[a-z]{2,}/i, 'an email address'],
  [/\d{4}-\d{2}-\d{2}/, 'an ISO date'],
  [/(?:^|[^a-z0-9])[0-9a-f]{12,}(?=$|[^a-z0-9])/i, 'a hex ID'],
  [/(?:^|[^a-z0-9])\d{3,}(?=$|[^a-z0-9])/i, 'a numeric ID'],
];

/** Separators between name segments; the one next to a removed ID goes with it. */
const SEPARATOR = /[\s._\-/:#|=]/;

interface IdMatch {
  what: string;
  /** The ID itself, without the separator some patterns match before it. */
  id: string;
  index: number;
}

function matchId(name: string): IdMatch | undefined {
  if (name.length > 10_000) return undefined;
  for (const [re, what] of PATTERNS) {
    const m = re.exec(name);
    if (!m) continue;
    const lead = /^[^a-z0-9]/i.test(m[0]) ? 1 : 0;
    return { what, id: m[0].slice(lead), index: m.index + lead };
  }
  return undefined;
}

/** Describes the first ID-like part of `name` ("a UUID", ...), or undefined. */
export function findIdInName(name: string): string | undefined {
  const m = matchId(name);
  return m && `${m.what} (${JSON.stringify(m.id)})`;
}

/**
 * The name without its first ID and one separator next to it (`checkout.order.12345` ->
 * `checkout.order`, `12345.checkout` -> `checkout`), and the ID; undefined when no ID or
 * nothing stable would remain.
 */
export function removeIdFromName(name: string): { stable: string; id: string } | undefined {
  const m = matchId(name);
  if (!m) return undefined;
  let start = m.index;
  let end = m.index + m.id.length;
  if (start > 0 && SEPARATOR.test(name[start - 1])) start--;
  else if (end < name.length && SEPARATOR.test(name[end])) end++;
  const stable = name.slice(0, start) + name.slice(end);
  return stable.trim() ? { stable, id: m.id } : undefined;
}
