// Shared machinery of the tree-sitter front-ends (Python, Go): WASM grammar loading, a per-file
// source store that re-parses incrementally, and the small static-value language both front-ends
// translate names and attribute values into before resolving them.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Edit, Language, Parser, type Node, type Point, type Tree } from 'web-tree-sitter';
import type { AttributeInfo, Range, ValueInfo } from './types';

// ---------------------------------------------------------------------------------------------
// Loading

export type GrammarName = 'python' | 'go';

let runtimeReady: Promise<void> | undefined;
const grammars = new Map<GrammarName, Promise<Language>>();

/**
 * Finds a bundled asset: next to the bundle (dist/, where esbuild.mjs copies the .wasm files),
 * else in node_modules when running from source (tests and benchmarks through tsx).
 */
function wasmPath(fileName: string, installedModule: string): string {
  const bundled = join(__dirname, fileName);
  if (existsSync(bundled)) return bundled;
  // Resolved at run time (not by the bundler): only reached when running from source.
  let dir = dirname(createRequire(__filename).resolve(installedModule));
  while (!existsSync(join(dir, fileName)) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, fileName);
}

/** Creates a parser for a grammar; the WASM runtime and each grammar load once per process. */
export async function createParser(name: GrammarName): Promise<Parser> {
  runtimeReady ??= Parser.init({
    locateFile: () => wasmPath('web-tree-sitter.wasm', 'web-tree-sitter'),
  });
  await runtimeReady;
  let grammar = grammars.get(name);
  if (!grammar) {
    const fileName = `tree-sitter-${name}.wasm`;
    grammar = Language.load(wasmPath(fileName, `tree-sitter-${name}`));
    grammars.set(name, grammar);
  }
  const parser = new Parser();
  parser.setLanguage(await grammar);
  return parser;
}

// ---------------------------------------------------------------------------------------------
// Source store

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

// ---------------------------------------------------------------------------------------------
// Tree helpers

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

/** Whether the text may contain a span site: a cheap check that lets most files skip parsing. */
export function mayContainCall(text: string, callNames: readonly string[]): boolean {
  return callNames.some((name) => text.includes(name));
}

/** The last segment of each configured wrapper (`tracing.StartSpan` -> `StartSpan`), for the prefilter. */
export function wrapperCallNames(wrapperFunctions: readonly string[]): string[] {
  return wrapperFunctions.map((w) => `${w.slice(w.lastIndexOf('.') + 1)}(`).filter((w) => w.length > 1);
}

// ---------------------------------------------------------------------------------------------
// Static values

/** An expression as far as static analysis cares, detached from the tree (so it can be cached per file). */
export type StaticExpr =
  | { k: 'literal'; value: string | number | boolean }
  /** An identifier or dotted member chain, resolved by the language (constants, enums, imports). */
  | { k: 'ref'; path: string[]; source: string }
  /** String concatenation: `+`, implicit concatenation, f-string parts. */
  | { k: 'concat'; parts: StaticExpr[] }
  /** printf / `%` / `.format()`: dynamic once the template has a placeholder; `args` are the sources of the values. */
  | { k: 'format'; template: StaticExpr; style: 'percent' | 'brace'; args: string[] }
  /** Anything else; `source` is its text. */
  | { k: 'dynamic'; source: string };

/** How a grammar spells the expressions every language has: numbers, and names or member chains. */
export interface ExprGrammar {
  numberTypes: ReadonlySet<string>;
  refTypes: ReadonlySet<string>;
  /** `a.b.c` -> ['a', 'b', 'c']; null when the chain contains anything but names. */
  path(node: Node): string[] | null;
}

export type ExprTranslator = (node: Node | null | undefined) => StaticExpr;

/**
 * A language's node -> StaticExpr translation: the kinds every grammar has first, then `own`
 * (which gets the other nodes, and `translate` to recurse with).
 */
export function exprTranslator(grammar: ExprGrammar, own: (node: Node, translate: ExprTranslator) => StaticExpr): ExprTranslator {
  const translate: ExprTranslator = (node) => {
    if (!node) return { k: 'dynamic', source: '' };
    return commonExpr(node, grammar, translate) ?? own(node, translate);
  };
  return translate;
}

/** Numbers, booleans, parentheses and references (the grammars share the other node type names). */
function commonExpr(node: Node, grammar: ExprGrammar, translate: ExprTranslator): StaticExpr | undefined {
  if (grammar.numberTypes.has(node.type)) {
    const n = Number(node.text.replace(/_/g, ''));
    return Number.isFinite(n) ? { k: 'literal', value: n } : { k: 'dynamic', source: node.text };
  }
  if (grammar.refTypes.has(node.type)) {
    const path = grammar.path(node);
    return path ? { k: 'ref', path, source: node.text } : { k: 'dynamic', source: node.text };
  }
  if (node.type === 'true' || node.type === 'false') return { k: 'literal', value: node.type === 'true' };
  if (node.type === 'parenthesized_expression') return translate(node.namedChildren[0]);
  return undefined;
}

export type StaticValue = { constant: true; value: string | number | boolean } | { constant: false; prefix: string };

export const DYNAMIC: StaticValue = { constant: false, prefix: '' };

const PLACEHOLDER = { percent: /%[^%]/, brace: /\{[^{]/ } as const;

/** Evaluates an expression; `resolve` gives the value of a reference (DYNAMIC when unknown). */
export function evaluate(expr: StaticExpr, resolve: (path: string[]) => StaticValue): StaticValue {
  switch (expr.k) {
    case 'literal':
      return { constant: true, value: expr.value };
    case 'ref':
      return resolve(expr.path);
    case 'dynamic':
      return DYNAMIC;
    case 'concat': {
      if (expr.parts.length === 1) return evaluate(expr.parts[0], resolve);
      let text = '';
      for (const part of expr.parts) {
        const v = evaluate(part, resolve);
        if (!v.constant) return { constant: false, prefix: text + v.prefix };
        text += String(v.value);
      }
      return { constant: true, value: text };
    }
    case 'format': {
      const template = evaluate(expr.template, resolve);
      if (!template.constant) return template;
      const text = String(template.value);
      const at = text.search(PLACEHOLDER[expr.style]);
      return at < 0 ? template : { constant: false, prefix: text.slice(0, at) };
    }
  }
}

/** The IR shape of a name or attribute value. */
export function valueInfo(node: Node, expr: StaticExpr, value: StaticValue, resolve: (path: string[]) => StaticValue): ValueInfo {
  const info: ValueInfo = { constant: value.constant, text: node.text, range: rangeOf(node) };
  if (value.constant) info.value = value.value;
  else if (expr.k === 'concat' || expr.k === 'format') {
    info.constantPrefix = value.prefix;
    info.dynamicParts = dynamicParts(expr, resolve);
  }
  return info;
}

/**
 * Turns the nodes of one file into IR values, resolving references where they occur: the
 * language decides what a name means there (locals first, then its module or package).
 */
export abstract class ValueEvaluator {
  /** How deep the current chain of locals goes: languages bound it so cycles end. */
  protected depth = 0;

  protected constructor(private readonly translate: (node: Node) => StaticExpr) {}

  /** The value of reference `path` as seen at node `at`. */
  protected abstract resolve(at: Node, path: string[]): StaticValue;

  info(node: Node): ValueInfo {
    const expr = this.translate(node);
    const resolve = (path: string[]) => this.resolve(node, path);
    return valueInfo(node, expr, evaluate(expr, resolve), resolve);
  }

  /** An attribute from its key and value nodes; the key counts only as a constant string. */
  protected keyValue(key: Node, value: Node): AttributeInfo {
    const k = this.info(key);
    return { key: k.constant && typeof k.value === 'string' ? k.value : null, keyRange: k.range, value: this.info(value) };
  }

  protected evaluateAt(at: Node, expr: StaticExpr): StaticValue {
    return evaluate(expr, (path) => this.resolve(at, path));
  }

  /** Runs `run` one level deeper into a chain of locals. */
  protected nested<T>(run: () => T): T {
    this.depth++;
    try {
      return run();
    } finally {
      this.depth--;
    }
  }
}

/** Source texts of the parts of a built string that are not constant, in order. */
function dynamicParts(expr: StaticExpr, resolve: (path: string[]) => StaticValue): string[] {
  switch (expr.k) {
    case 'literal':
      return [];
    case 'ref':
      return resolve(expr.path).constant ? [] : [expr.source];
    case 'dynamic':
      return [expr.source];
    case 'concat':
      return expr.parts.flatMap((p) => dynamicParts(p, resolve));
    case 'format':
      return [...dynamicParts(expr.template, resolve), ...expr.args];
  }
}

/** The span kinds OTel APIs name, lower-cased like SpanSite.kind. */
export const SPAN_KINDS: ReadonlySet<string> = new Set(['internal', 'server', 'client', 'producer', 'consumer']);
