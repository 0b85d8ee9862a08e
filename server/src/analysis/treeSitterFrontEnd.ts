// What the tree-sitter front-ends (Python, Go) share: the source store, the substring prefilter,
// per-file symbol tables, and cached results invalidated by the files each one read constants
// from. A language supplies its symbol extraction, its site finder, its import index and its resolver.

import { basename, dirname, extname, sep } from 'node:path';
import type { Node } from 'web-tree-sitter';
import type { FileSites, LanguageFrontEnd, SpanSite } from './types';
import { SourceStore } from './sourceStore';
import { mayContainCall, wrapperCallNames } from './treeSitter';

/** Bounds the chains of constants, imports and tracer variables a resolution follows (cycles end here). */
export const MAX_RESOLUTION_DEPTH = 16;

/** Where a language looks up other workspace files (modules, packages); kept in step with the files given. */
export interface FileIndex {
  add(file: string): void;
  remove(file: string): void;
}

/** What a language's site finder gets: one parsed file, and a resolver for names declared elsewhere. */
export interface SiteInput<Resolver> {
  file: string;
  text: string;
  root: Node;
  wrappers: readonly string[];
  resolver: Resolver;
}

export interface TreeSitterLanguage<Symbols, Resolver> {
  /** Shown in problems, e.g. 'Python'. */
  name: string;
  extensions: readonly string[];
  /** Texts of the calls that create spans, e.g. `.Start(`: files without one (or a wrapper) are not parsed. */
  spanCallNames: readonly string[];
  /** The declarations of one file that other files may resolve names through. */
  symbols(root: Node): Symbols;
  sites(input: SiteInput<Resolver>): SpanSite[];
}

export abstract class TreeSitterFrontEnd<Symbols, Resolver> implements LanguageFrontEnd {
  readonly extensions: readonly string[];
  private readonly symbols = new Map<string, Symbols>();
  /** Cached results, with the files each one read constants from. */
  private readonly results = new Map<string, { sites: FileSites; dependencies: Set<string> }>();
  private readonly callNames: string[];

  protected constructor(
    private readonly language: TreeSitterLanguage<Symbols, Resolver>,
    private readonly store: SourceStore,
    private readonly wrappers: readonly string[],
    private readonly index: FileIndex,
  ) {
    this.extensions = language.extensions;
    this.callNames = [...language.spanCallNames, ...wrapperCallNames(wrappers)];
  }

  /** Resolves names for the analysis of `file`; every file it reads goes into `dependencies`. */
  protected abstract resolverFor(file: string, dependencies: Set<string>): Resolver;

  updateFile(file: string, text: string): void {
    const known = this.store.text(file) !== undefined;
    if (known && this.store.text(file) === text) return;
    this.store.setText(file, text);
    this.index.add(file);
    this.invalidate(file, !known);
  }

  removeFile(file: string): void {
    this.store.remove(file);
    this.index.remove(file);
    this.invalidate(file, true);
  }

  sitesOf(file: string): FileSites {
    const cached = this.results.get(file);
    if (cached) return cached.sites;
    const text = this.store.text(file);
    const dependencies = new Set<string>([file]);
    let sites: FileSites = { sites: [], problems: [] };
    if (text === undefined) {
      sites.problems.push({ file, message: 'File not loaded' });
    } else if (mayContainCall(text, this.callNames)) {
      sites = this.analyse(file, text, dependencies);
    }
    this.results.set(file, { sites, dependencies });
    return sites;
  }

  /** The symbols of `file`, recording that the current analysis read it. */
  protected symbolsOf(file: string, dependencies: Set<string>): Symbols | undefined {
    dependencies.add(file);
    let symbols = this.symbols.get(file);
    if (!symbols) {
      symbols = this.store.withFreshTree(file, (tree) => this.language.symbols(tree.rootNode));
      if (symbols) this.symbols.set(file, symbols);
    }
    return symbols;
  }

  private analyse(file: string, text: string, dependencies: Set<string>): FileSites {
    const { name } = this.language;
    try {
      const tree = this.store.tree(file);
      if (!tree) return { sites: [], problems: [{ file, message: `The ${name} parser gave up on this file` }] };
      if (!this.symbols.has(file)) this.symbols.set(file, this.language.symbols(tree.rootNode));
      const resolver = this.resolverFor(file, dependencies);
      return { sites: this.language.sites({ file, text, root: tree.rootNode, wrappers: this.wrappers, resolver }), problems: [] };
    } catch (error) {
      return { sites: [], problems: [{ file, message: `${name} analysis failed: ${String(error)}` }] };
    }
  }

  /** Drops cached results that read `file`; a new or removed file may change what any import or package resolves to. */
  private invalidate(file: string, fileSetChanged: boolean): void {
    this.symbols.delete(file);
    const mayNameIt = fileSetChanged ? fileSetTester(file) : undefined;
    for (const [other, result] of this.results) {
      if (result.dependencies.has(file) || (mayNameIt && mayNameIt(other, this.store.text(other) ?? ''))) this.results.delete(other);
    }
  }
}

/**
 * Which files a file that came or went could matter to: those of its own folder (a Go package, a
 * Python package's relative imports) and those that import it. A Go package is imported by a path
 * ending in its folder's name, on an import spec line (`"example.com/m/names"`, maybe aliased); a
 * Python module by its name (`names` for names.py; the folder's for an __init__.py, which also
 * names every module below it). Any mention of the folder was too broad: a file created in `svc17/`
 * dropped the result of every file that named a tracer "svc17" (1,250 re-analyses at 25k files).
 */
function fileSetTester(file: string): (other: string, text: string) => boolean {
  const dir = dirname(file);
  const folder = basename(dir);
  const sameFolder = (other: string) => dirname(other) === dir;
  if (extname(file) === '.go') {
    if (!folder) return sameFolder;
    const importSpec = new RegExp(`^[ \\t]*(?:import[ \\t]+)?(?:[\\w.]+[ \\t]+)?"(?:[^"\\n]*/)?${escapeRegExp(folder)}"`, 'm');
    // A substring test first: the pattern scans the whole text, and runs over every file of the language.
    const quoted = `${folder}"`;
    return (other, text) => sameFolder(other) || (text.includes(quoted) && importSpec.test(text));
  }
  const init = basename(file).startsWith('__init__.');
  const module = init ? folder : basename(file).replace(/\.[^.]+$/, '');
  const named = new RegExp(`(?<!\\w)${escapeRegExp(module)}(?!\\w)`);
  return (other, text) => sameFolder(other) || (init && other.startsWith(`${dir}${sep}`)) || (text.includes(module) && named.test(text));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
