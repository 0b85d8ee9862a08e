// Searching tree-sitter trees for the Python and Go front-ends. Each call into WASM has a cost, so
// the helpers search inside WASM (descendantsOfType) or answer from JS-side indexes.

import type { Node } from 'web-tree-sitter';
import type { Range } from './types';

export function rangeOf(node: Node): Range {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
  };
}

export function namedChildren(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}

/**
 * Every descendant of `root` of one of `types`, not inside nodes of `barrierTypes` (nested
 * functions). The search runs inside WASM: walking the tree from JS costs a call per node.
 */
export function descendants(root: Node, types: ReadonlySet<string>, barrierTypes?: ReadonlySet<string>): Node[] {
  const found = root.descendantsOfType([...types]).filter((n) => n.id !== root.id);
  if (!barrierTypes?.size) return found;
  return found.filter((n) => {
    for (let p = n.parent; p && p.id !== root.id; p = p.parent) if (barrierTypes.has(p.type)) return false;
    return true;
  });
}

/**
 * The identifiers named `name` in `region` starting at or after `from`, in document order: found
 * where the text holds the name (listing every identifier of a function costs a WASM call per node).
 * `text` is the file's text (tree indexes are UTF-16 offsets into it).
 */
export function identifiersNamed(text: string, region: Node, name: string, from: number): Node[] {
  const found: Node[] = [];
  const end = region.endIndex;
  for (let at = text.indexOf(name, Math.max(from, region.startIndex)); at !== -1 && at + name.length <= end; at = text.indexOf(name, at + name.length)) {
    const node = region.descendantForIndex(at, at + name.length);
    if (node && node.type === 'identifier' && node.startIndex === at && node.endIndex === at + name.length && node.id !== region.id) found.push(node);
  }
  return found;
}

/**
 * The descendants of `root` of several types, found in one search: each search walks the whole
 * subtree inside WASM (about a tenth of a parse), so a file's analysis searches its tree once.
 */
export class NodesByType {
  private readonly found: { node: Node; type: string }[] = [];

  constructor(root: Node, types: Iterable<string>) {
    for (const node of root.descendantsOfType([...new Set(types)])) if (node.id !== root.id) this.found.push({ node, type: node.type });
  }

  /** The nodes of any of `types`, in document order. */
  of(types: ReadonlySet<string>): Node[] {
    return this.found.filter((f) => types.has(f.type)).map((f) => f.node);
  }
}

/**
 * The functions of a tree by byte range, so "which functions enclose this node" is answered in
 * JS: walking `parent` links costs a WASM call per step.
 */
export class FunctionIndex {
  private readonly functions: { node: Node; start: number; end: number }[];

  /** `functions` in document order (as descendantsOfType lists them): outer functions before the ones they contain. */
  constructor(functions: readonly Node[]) {
    this.functions = functions.map((node) => ({ node, start: node.startIndex, end: node.endIndex }));
  }

  /** Functions containing `node`, innermost first. */
  enclosing(node: Node): Node[] {
    const at = node.startIndex;
    const out: Node[] = [];
    for (const f of this.functions) if (f.start <= at && at < f.end && f.node.id !== node.id) out.push(f.node);
    return out.reverse();
  }

  /** The innermost function containing `node` (not `node` itself), or null at module level. */
  innermost(node: Node): Node | null {
    const at = node.startIndex;
    let found: Node | null = null;
    // Document order: a later containing function is nested in an earlier one.
    for (const f of this.functions) {
      if (f.start > at) break;
      if (at < f.end && f.node.id !== node.id) found = f.node;
    }
    return found;
  }
}

/** The nearest ancestor (or the node itself) of one of `types`. */
export function ancestorOfType(node: Node, types: ReadonlySet<string>): Node | null {
  for (let n: Node | null = node; n; n = n.parent) if (types.has(n.type)) return n;
  return null;
}

/** Leading whitespace of the line holding `node`. */
export function indentationOf(text: string, node: Node): string {
  const lineStart = text.lastIndexOf('\n', node.startIndex - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
}
