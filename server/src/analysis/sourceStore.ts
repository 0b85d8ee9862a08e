// The texts of one language's files and the parse trees of the most recently analysed ones, which
// make the next parse of a file incremental (tree-sitter front-ends).

import { Edit, type Parser, type Point, type Tree } from 'web-tree-sitter';

interface ParsedText {
  tree: Tree;
  text: string;
}

/**
 * Texts of all files of one language, plus the parse trees of the most recently analysed ones.
 * Trees live in WASM memory, so only `maxTrees` are kept (least recently used are deleted); a
 * kept tree makes the next parse of its file incremental.
 */
export class SourceStore {
  private readonly texts = new Map<string, string>();
  private readonly trees = new Map<string, ParsedText>();

  constructor(
    private readonly parser: Parser,
    private readonly maxTrees = 64,
  ) {}

  setText(file: string, text: string): void {
    this.texts.set(file, text);
  }

  text(file: string): string | undefined {
    return this.texts.get(file);
  }

  files(): IterableIterator<string> {
    return this.texts.keys();
  }

  remove(file: string): void {
    this.texts.delete(file);
    this.trees.get(file)?.tree.delete();
    this.trees.delete(file);
  }

  /**
   * The tree of the file's current text, owned by the store: valid until the next call of
   * `tree` or `remove`. Undefined for unknown files or when the parser gives up.
   */
  tree(file: string): Tree | undefined {
    const text = this.texts.get(file);
    if (text === undefined) return undefined;
    const previous = this.trees.get(file);
    this.trees.delete(file);
    let tree: Tree | null;
    if (previous && previous.text === text) {
      tree = previous.tree;
    } else {
      if (previous) previous.tree.edit(textEdit(previous.text, text));
      tree = this.parser.parse(text, previous?.tree ?? null);
      previous?.tree.delete();
    }
    if (!tree) return undefined;
    this.trees.set(file, { tree, text });
    for (const [oldest, parsed] of this.trees) {
      if (this.trees.size <= this.maxTrees) break;
      parsed.tree.delete();
      this.trees.delete(oldest);
    }
    return tree;
  }

  /** Parses the file's current text once, outside the cache (for files only read for constants). */
  withFreshTree<T>(file: string, use: (tree: Tree) => T): T | undefined {
    const text = this.texts.get(file);
    const tree = text === undefined ? null : this.parser.parse(text);
    if (!tree) return undefined;
    try {
      return use(tree);
    } finally {
      tree.delete();
    }
  }

  dispose(): void {
    for (const { tree } of this.trees.values()) tree.delete();
    this.trees.clear();
    this.texts.clear();
  }
}

/** The single edit turning `before` into `after` (common prefix and suffix kept), in UTF-16 units like web-tree-sitter. */
export function textEdit(before: string, after: string): Edit {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let suffix = 0;
  while (suffix < max - start && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  const oldEnd = before.length - suffix;
  const newEnd = after.length - suffix;
  const startPosition = pointAt(before, start);
  return new Edit({
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition,
    oldEndPosition: pointAfter(startPosition, before, start, oldEnd),
    newEndPosition: pointAfter(startPosition, after, start, newEnd),
  });
}

function pointAt(text: string, index: number): Point {
  return pointAfter({ row: 0, column: 0 }, text, 0, index);
}

function pointAfter(from: Point, text: string, fromIndex: number, index: number): Point {
  let { row } = from;
  let lineStart = -1;
  for (let nl = text.indexOf('\n', fromIndex); nl !== -1 && nl < index; nl = text.indexOf('\n', nl + 1)) {
    row++;
    lineStart = nl + 1;
  }
  return lineStart < 0 ? { row, column: from.column + index - fromIndex } : { row, column: index - lineStart };
}
