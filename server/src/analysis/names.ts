// Detects identifiers embedded in names: the id-in-name rule.

const PATTERNS: [RegExp, string][] = [
  [/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i, 'a UUID'],
  [/[^\s@/:]+@[^\s@/:]+\.[a-z]{2,}/i, 'an email address'],
  [/\d{4}-\d{2}-\d{2}/, 'an ISO date'],
  [/(?:^|[^a-z0-9])[0-9a-f]{12,}(?=$|[^a-z0-9])/i, 'a hex ID'],
  [/(?:^|[^a-z0-9])\d{3,}(?=$|[^a-z0-9])/i, 'a numeric ID'],
];

/** Describes the first ID-like part of `name` ("a UUID", ...), or undefined. */
export function findIdInName(name: string): string | undefined {
  if (name.length > 10_000) return undefined;
  for (const [re, what] of PATTERNS) {
    const m = re.exec(name);
    if (m) return `${what} (${JSON.stringify(m[0].replace(/^[^a-z0-9]/i, ''))})`;
  }
  return undefined;
}
