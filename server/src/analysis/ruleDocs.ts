// The rules' documentation: one Markdown file per rule, docs/rules/<rule>.md, shipped inside the
// extension (.vscodeignore lets docs/rules in) and the npm package. Diagnostics link to the file
// itself (a `file:` URI VS Code opens), because the project has no public URL to link to; SARIF
// embeds the text (`fullDescription`, `help`) so code scanning can show it offline.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RuleId } from '../../../common/src/settings';

export const RULE_SUMMARIES: Record<RuleId, string> = {
  'dynamic-span-name': 'The span name has a part that takes a new value for every request or entity.',
  'dynamic-flow-name': 'The flow name or step has a part that takes a new value for every request or entity.',
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

/**
 * The folder holding docs/rules: the extension or package root above dist/server.js or
 * dist/cli.js when bundled, the repository root when run from source (tests).
 */
function findDocsDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'docs', 'rules');
    if (existsSync(join(candidate, 'dynamic-span-name.md'))) return candidate;
    dir = dirname(dir);
  }
  return join(dirname(__dirname), 'docs', 'rules');
}

let docsDir: string | undefined;

/** Absolute path of a rule's document (`id` is a rule id, or a report of the CLI such as `unused-suppression`). */
export function ruleDocPath(id: string): string {
  return join((docsDir ??= findDocsDir()), `${id}.md`);
}

/** The `file:` URI of a rule's document, for `codeDescription.href`. */
export function ruleDocUri(id: string): string {
  return pathToFileURL(ruleDocPath(id)).href;
}

export interface RuleDoc {
  /** The paragraph under the title: what the rule finds and why it matters. */
  description: string;
  /** The whole document without its title line. */
  markdown: string;
  /** The same as plain text (no code fences, emphasis or link syntax). */
  text: string;
}

const docs = new Map<string, RuleDoc>();

/** A rule's document, read once per process; a missing file yields the one-line summary (never a failure). */
export function ruleDoc(id: string, fallback: string): RuleDoc {
  let doc = docs.get(id);
  if (!doc) {
    let source: string;
    try {
      source = readFileSync(ruleDocPath(id), 'utf8');
    } catch {
      source = `# ${id}\n\n${fallback}\n`;
    }
    docs.set(id, (doc = parseDoc(source)));
  }
  return doc;
}

function parseDoc(source: string): RuleDoc {
  const markdown = source.replace(/^# .*\r?\n/, '').trim();
  const description = plainText(markdown.split(/\r?\n\s*\r?\n/)[0] ?? '').replace(/\s+/g, ' ').trim();
  return { description, markdown, text: plainText(markdown) };
}

function plainText(markdown: string): string {
  return markdown
    .replace(/^```.*$/gm, '')
    .replace(/^#+\s*/gm, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|`)/g, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
