// The span-not-ended fix in Python's idiom: `span = tracer.start_span(X)` and the rest of its
// block become `with tracer.start_as_current_span(X) as span:` over that rest (the with-block
// ends the span on every way out), or, when the code ends the span itself with arguments, the
// rest is wrapped in `try:` ... `finally: span.end()`. `span.end()` statements in the moved code
// go (the block now ends the span). Offered only when the span is used nowhere after the block.

import type { Node } from 'web-tree-sitter';
import type { Fix } from '../types';
import { descendants, identifiersNamed, indentationOf, namedChildren, rangeOf } from '../treeNodes';

const STRINGS = new Set(['string']);

export function endFix(text: string, call: Node, variable: string, region: Node): Fix | undefined {
  const assignment = call.parent;
  const statement = assignment?.parent;
  const block = statement?.parent;
  if (assignment?.type !== 'assignment' || statement?.type !== 'expression_statement' || !block || (block.type !== 'block' && block.type !== 'module')) return undefined;
  const row = statement.endPosition.row;
  const rest = namedChildren(block).filter((s) => s.startIndex > statement.endIndex && !(s.type === 'comment' && s.startPosition.row === row));
  if (rest.some((s) => s.startPosition.row === row)) return undefined;
  const last = rest[rest.length - 1];
  const end = last?.endIndex ?? statement.endIndex;
  const uses = identifiersNamed(text, region, variable, call.endIndex);
  if (uses.some((u) => u.startIndex > end)) return undefined;
  // Indenting a multi-line string would change its text.
  if (rest.some((s) => descendants(s, STRINGS).some((str) => str.startPosition.row !== str.endPosition.row))) return undefined;

  const indent = indentationOf(text, statement);
  const unit = indentUnit(text, statement, indent);
  const ends = uses.filter((u) => isEndStatement(u, variable));
  const endsWithArguments = uses.some((u) => u.parent?.type === 'attribute' && u.parent.childForFieldName('attribute')?.text === 'end' && !isEndStatement(u, variable));
  const lineAfter = text.indexOf('\n', statement.endIndex);
  const trailing = lineAfter < 0 ? text.slice(statement.endIndex) : text.slice(statement.endIndex, lineAfter);
  const moved = last && lineAfter >= 0 ? withoutEnds(text, lineAfter + 1, end, ends.map((u) => u.parent?.parent?.parent as Node)) : '';
  const body = moved.trim() ? indentLines(moved, unit) : `${indent}${unit}pass`;

  const fn = call.childForFieldName('function');
  const receiver = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  const method = fn?.childForFieldName('attribute')?.text;
  const args = call.childForFieldName('arguments')?.text ?? '()';
  if (receiver && method === 'start_span' && !endsWithArguments) {
    const header = `with ${receiver.text}.start_as_current_span${args} as ${variable}:`;
    return {
      title: `Rewrite \`${variable} = ${receiver.text}.start_span(...)\` as \`with ${receiver.text}.start_as_current_span(...) as ${variable}:\` around the rest of the block`,
      edits: [{ range: { start: rangeOf(statement).start, end: rangeOf(last ?? statement).end }, newText: `${header}${trailing.trimEnd()}\n${body}` }],
      preferred: true,
    };
  }
  if (!last) return undefined;
  const endRange = rangeOf(last).end;
  return {
    title: `Wrap the rest of the block in \`try:\` ... \`finally: ${variable}.end()\``,
    edits: [{ range: { start: rangeOf(statement).end, end: endRange }, newText: `${trailing.trimEnd()}\n${indent}try:\n${body}\n${indent}finally:\n${indent}${unit}${variable}.end()` }],
    preferred: true,
  };
}

/** `span.end()` as a statement of its own. */
function isEndStatement(use: Node, variable: string): boolean {
  const statement = use.parent?.parent?.parent;
  return statement?.type === 'expression_statement' && statement.text.replace(/\s+/g, '') === `${variable}.end()`;
}

/** The text from `start` to `end` with the given statements removed (`pass` where a block would be left empty). */
function withoutEnds(text: string, start: number, end: number, statements: Node[]): string {
  let out = text.slice(start, end);
  for (const s of [...statements].sort((a, b) => b.startIndex - a.startIndex)) {
    if (s.startIndex < start || s.endIndex > end) continue;
    const siblings = s.parent ? namedChildren(s.parent).filter((c) => c.type !== 'comment') : [];
    const from = s.startIndex - start;
    const to = s.endIndex - start;
    if (siblings.length > 1) {
      const lineStart = out.lastIndexOf('\n', from - 1) + 1;
      const onlyThere = out.slice(lineStart, from).trim() === '' && /^[ \t]*(?:\n|$)/.test(out.slice(to));
      if (onlyThere) {
        const lineEnd = out.indexOf('\n', to);
        out = out.slice(0, lineStart) + (lineEnd < 0 ? '' : out.slice(lineEnd + 1));
        continue;
      }
    }
    out = out.slice(0, from) + 'pass' + out.slice(to);
  }
  return out.replace(/\n+$/, '');
}

function indentLines(body: string, unit: string): string {
  return body.split('\n').map((line) => (line.trim() ? unit + line : line)).join('\n');
}

/** One level of indentation as the file writes it: the step from the enclosing line, else four spaces. */
function indentUnit(text: string, statement: Node, indent: string): string {
  if (indent.includes('\t')) return '\t';
  const header = statement.parent?.parent;
  const outer = header && statement.parent?.type === 'block' ? indentationOf(text, header) : '';
  const step = indent.length - outer.length;
  return step > 0 ? ' '.repeat(step) : '    ';
}
