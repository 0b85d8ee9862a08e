// The TypeScript / JavaScript front-end: keeps every TS/JS file's text, parses it lazily with
// ts-morph's bundled compiler (`ts.createSourceFile`; a ts-morph Project would add wrapper and
// removal costs the syntax-only analysis never uses) and keeps only the most recently used
// trees, resolves constants across files through their exports, and caches each file's sites
// until the file or a file it took a constant from changes. No type checker on the hot path.

import { posix } from 'node:path';
import { ts } from './tsApi';
import type { Language } from '../../../../common/src/sites';
import type { Callable, FileSites, LanguageFrontEnd, PassedArgument, SpanSite } from '../types';
import { findCallsTo, mayCall } from './callSites';
import { ConstantEvaluator, ExportValueMemo, UNRESOLVED_IMPORT } from './constants';
import { findHelperSpans, type SpanReturner } from './helperSpans';
import type { SourceStore } from './modules';
import { findSites, mayContainSpans, type FinderOptions } from './siteFinder';

export const TS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;
const JS_EXTENSIONS = new Set(['.js', '.jsx', '.mjs', '.cjs']);
/** Sources written as `./x.js` in ESM TypeScript are `./x.ts` on disk. */
/** Parsed trees kept at once (least recently used are dropped and re-parsed on demand): bounds memory on big workspaces. */
const MAX_PARSED = 400;
const SPECIFIER_ALIASES: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'], '.jsx': ['.tsx'] };

interface Entry {
  text: string;
  sourceFile?: ts.SourceFile;
  /**
   * Whether the tree is worth keeping after the file's sites are found: the file is being edited
   * (its next version re-parses incrementally) or other files read constants from it. Other trees
   * are dropped at once: trees that outlive many files' parses get promoted to the old generation,
   * which made a workspace scan's parses about half again as costly.
   */
  keepTree?: boolean;
  sites?: FileSites;
  /** Other files this file's sites took constants from. */
  uses?: Set<string>;
  /** callsTo answers by callee and index, with the other files they took constants from. */
  calls?: Map<string, PassedArgument[]>;
  callUses?: Set<string>;
  /** Functions of this file that return a span they start (found with the sites). */
  returners?: SpanReturner[];
  /** helperSpansOf's answer, for the helper index generation it was computed with, and the other files it used. */
  helperSpans?: SpanSite[];
  helperGen?: number;
  helperUses?: Set<string>;
}

/** The workspace's span-returning functions by name, and a text test for a call of any of them. */
interface HelperIndex {
  byName: Map<string, SpanReturner[]>;
  mentions?: RegExp;
}

const NO_CALLS: PassedArgument[] = [];
const NO_SITES: SpanSite[] = [];

export class TypeScriptFrontEnd implements LanguageFrontEnd, SourceStore {
  readonly extensions = TS_EXTENSIONS;
  private readonly files = new Map<string, Entry>();
  /** Files holding a parsed tree, least recently used first. */
  private readonly parsed = new Set<string>();
  private readonly exportValues = new ExportValueMemo();
  /** Files that may hold sites: only these can need invalidating (loading a workspace then costs no quadratic walk). */
  private readonly analyzed = new Set<string>();
  /** Files holding callsTo answers (invalidated like sites when a file they used changes). */
  private readonly withCalls = new Set<string>();
  /** resolveModule answers by directory and specifier; cleared when a file appears or goes. */
  private readonly resolved = new Map<string, string | undefined>();
  /** Rebuilt after a file that has (or had) span calls changes; `helperGen` moves when its content does. */
  private helperIndex: HelperIndex | undefined;
  private helperKey = '';
  private helperGen = 0;
  /** Files holding helperSpansOf answers (invalidated like sites). */
  private readonly withHelperSpans = new Set<string>();

  constructor(private readonly options: FinderOptions) {}

  updateFile(file: string, text: string): void {
    const prev = this.files.get(file);
    if (prev?.text === text) return;
    if (mayContainSpans(text, this.options) || (prev && mayContainSpans(prev.text, this.options))) this.helperIndex = undefined;
    // A file with a tree (typically the one being edited) is re-parsed incrementally.
    const sourceFile = prev?.sourceFile ? reparse(prev.sourceFile, prev.text, text) : undefined;
    if (!sourceFile) this.parsed.delete(file);
    this.files.set(file, { text, sourceFile, keepTree: prev !== undefined });
    this.invalidateUsersOf(file);
    if (!prev) {
      this.resolved.clear();
      this.invalidateUsersOf(UNRESOLVED_IMPORT);
    }
  }

  removeFile(file: string): void {
    const entry = this.files.get(file);
    if (!entry) return;
    if (entry.returners?.length) this.helperIndex = undefined;
    this.parsed.delete(file);
    this.files.delete(file);
    this.resolved.clear();
    this.invalidateUsersOf(file);
  }

  sitesOf(file: string): FileSites {
    const entry = this.files.get(file);
    if (!entry) return { sites: [], problems: [{ file, message: 'not loaded' }] };
    if (entry.sites) return entry.sites;
    const uses = new Set<string>();
    entry.returners = [];
    entry.sites = this.computeSites(file, entry, uses);
    uses.delete(file);
    entry.uses = uses;
    this.analyzed.add(file);
    return entry.sites;
  }

  callsTo(file: string, callee: Callable, index: number): PassedArgument[] {
    const entry = this.files.get(file);
    // Most files never mention a helper's name: they are answered without parsing.
    if (!entry || !mayCall(entry.text, callee)) return NO_CALLS;
    const key = `${callee.method ? '.' : ''}${callee.name}/${index}`;
    const known = entry.calls?.get(key);
    if (known) return known;
    const sf = this.tree(file);
    if (!sf) return NO_CALLS;
    const uses = new Set<string>();
    let found: PassedArgument[];
    try {
      found = findCallsTo(sf, callee, index, new ConstantEvaluator(this, uses, this.exportValues));
    } catch {
      found = NO_CALLS; // never fatal: a file the walk cannot handle passes nothing on
    } finally {
      if (!entry.keepTree) this.dropTree(file, entry);
    }
    uses.delete(file);
    entry.calls ??= new Map();
    entry.calls.set(key, found.length ? found : NO_CALLS);
    entry.callUses = entry.callUses ? new Set([...entry.callUses, ...uses]) : uses;
    this.withCalls.add(file);
    return found;
  }

  /**
   * Spans this file holds from calls of project functions that return a span they started
   * (helperSpans.ts). Files that mention none of those functions' names are answered without parsing.
   */
  helperSpansOf(file: string): SpanSite[] {
    const entry = this.files.get(file);
    if (!entry) return NO_SITES;
    const index = this.returnerIndex();
    if (!index.mentions?.test(entry.text)) return NO_SITES;
    if (entry.helperSpans && entry.helperGen === this.helperGen) return entry.helperSpans;
    const sf = this.tree(file);
    if (!sf) return NO_SITES;
    const uses = new Set<string>();
    let found: SpanSite[];
    try {
      found = findHelperSpans(sf, languageOf(file), index.byName, new ConstantEvaluator(this, uses, this.exportValues));
    } catch {
      found = NO_SITES; // never fatal: the file's own sites are still judged
    } finally {
      if (!entry.keepTree) this.dropTree(file, entry);
    }
    uses.delete(file);
    entry.helperSpans = found;
    entry.helperGen = this.helperGen;
    entry.helperUses = uses;
    this.withHelperSpans.add(file);
    return found;
  }

  /** Every file that may hold span calls is analysed once (a scan does so anyway) to learn its span-returning functions. */
  private returnerIndex(): HelperIndex {
    if (this.helperIndex) return this.helperIndex;
    const byName = new Map<string, SpanReturner[]>();
    for (const [path, entry] of this.files) {
      if (!mayContainSpans(entry.text, this.options)) continue;
      this.sitesOf(path);
      for (const r of entry.returners ?? []) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
    }
    const key = [...byName.values()].flat().map((r) => `${r.file}:${r.pos}:${r.name}`).sort().join('\n');
    if (key !== this.helperKey) {
      this.helperKey = key;
      this.helperGen++;
    }
    const names = [...byName.keys()].map((n) => n.replace(/[$]/g, '\\$&'));
    // `name(`, `name<T>(`, tsc's `(0, module_1.name)(`, and imports under another name (`name as x`, `{ name: x } = require(...)`).
    const mentions = names.length ? new RegExp(`(?<![\\w$])(?:${names.join('|')})(?:\\s*(?:<[^;(){}]*>\\s*)?\\)?\\s*\\(|\\s+as\\s|\\s*:)`) : undefined;
    this.helperIndex = { byName, mentions };
    return this.helperIndex;
  }

  /** The tree of a file other files read constants from (kept for them). */
  sourceFile(path: string): ts.SourceFile | undefined {
    const entry = this.files.get(path);
    if (entry) entry.keepTree = true;
    return this.tree(path);
  }

  private tree(path: string): ts.SourceFile | undefined {
    const entry = this.files.get(path);
    if (!entry) return undefined;
    this.parsed.delete(path);
    this.parsed.add(path);
    if (!entry.sourceFile) {
      this.evictParsedTrees();
      try {
        entry.sourceFile = ts.createSourceFile(path, entry.text, ts.ScriptTarget.Latest, true);
      } catch {
        return undefined;
      }
    }
    return entry.sourceFile;
  }

  resolveModule(fromFile: string, specifier: string): string | undefined {
    if (!specifier.startsWith('.')) return undefined;
    const dir = posix.dirname(fromFile);
    const key = `${dir}\0${specifier}`;
    if (this.resolved.has(key)) return this.resolved.get(key);
    const target = this.findModule(posix.join(dir, specifier));
    this.resolved.set(key, target);
    return target;
  }

  private findModule(base: string): string | undefined {
    const ext = posix.extname(base);
    const candidates = [base];
    for (const alias of SPECIFIER_ALIASES[ext] ?? []) candidates.push(base.slice(0, -ext.length) + alias);
    for (const e of TS_EXTENSIONS) candidates.push(base + e, `${base}/index${e}`);
    return candidates.find((c) => this.files.has(c));
  }

  private computeSites(file: string, entry: Entry, uses: Set<string>): FileSites {
    if (!mayContainSpans(entry.text, this.options)) return { sites: [], problems: [] };
    const sf = this.tree(file);
    if (!sf) return { sites: [], problems: [{ file, message: 'could not be parsed' }] };
    try {
      const sites = findSites(sf, languageOf(file), new ConstantEvaluator(this, uses, this.exportValues), this.options, entry.returners);
      return { sites, problems: syntaxProblems(sf) };
    } catch (err) {
      // The analyzer never takes the server down: a file it cannot handle is reported and skipped.
      return { sites: [], problems: [{ file, message: `analysis failed: ${(err as Error).message}` }] };
    } finally {
      if (!entry.keepTree) this.dropTree(file, entry);
    }
  }

  private dropTree(file: string, entry: Entry): void {
    entry.sourceFile = undefined;
    this.parsed.delete(file);
  }

  private invalidateUsersOf(file: string): void {
    this.exportValues.invalidate(file);
    for (const path of this.withCalls) {
      const e = this.files.get(path);
      if (e && path !== file && !e.callUses?.has(file)) continue;
      if (e) {
        e.calls = undefined;
        e.callUses = undefined;
      }
      this.withCalls.delete(path);
    }
    for (const path of this.withHelperSpans) {
      const e = this.files.get(path);
      if (e && path !== file && !e.helperUses?.has(file)) continue;
      if (e) {
        e.helperSpans = undefined;
        e.helperUses = undefined;
      }
      this.withHelperSpans.delete(path);
    }
    for (const path of this.analyzed) {
      const e = this.files.get(path);
      if (e && path !== file && !e.uses?.has(file)) continue;
      if (e) {
        // Its span-returning functions are found again with its sites.
        if (e.returners?.length) this.helperIndex = undefined;
        e.sites = undefined;
        e.uses = undefined;
      }
      this.analyzed.delete(path);
    }
  }

  /** Drops the oldest trees; nodes still referenced by a running evaluation stay valid objects. */
  private evictParsedTrees(): void {
    for (const path of this.parsed) {
      if (this.parsed.size <= MAX_PARSED) return;
      const entry = this.files.get(path);
      if (entry) this.dropTree(path, entry);
      else this.parsed.delete(path);
    }
  }
}

/** Incremental re-parse over the changed span (common prefix and suffix kept); the old tree must not be used after. */
function reparse(old: ts.SourceFile, oldText: string, text: string): ts.SourceFile | undefined {
  const min = Math.min(oldText.length, text.length);
  let start = 0;
  while (start < min && oldText.charCodeAt(start) === text.charCodeAt(start)) start++;
  let oldEnd = oldText.length;
  let newEnd = text.length;
  while (oldEnd > start && newEnd > start && oldText.charCodeAt(oldEnd - 1) === text.charCodeAt(newEnd - 1)) {
    oldEnd--;
    newEnd--;
  }
  try {
    return ts.updateSourceFile(old, text, { span: { start, length: oldEnd - start }, newLength: newEnd - start });
  } catch {
    return undefined;
  }
}

/** TypeScript parses anything; syntax errors are reported while the sites found are kept. */
function syntaxProblems(sf: ts.SourceFile): FileSites['problems'] {
  const diags = (sf as unknown as { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  if (diags.length === 0) return [];
  const first = diags[0];
  const { line, character } = sf.getLineAndCharacterOfPosition(first.start);
  const message = ts.flattenDiagnosticMessageText(first.messageText, ' ');
  return [{ file: sf.fileName, message: `${diags.length} syntax error(s), first at ${line + 1}:${character + 1}: ${message}` }];
}

export function languageOf(file: string): Language {
  return JS_EXTENSIONS.has(posix.extname(file)) ? 'javascript' : 'typescript';
}
