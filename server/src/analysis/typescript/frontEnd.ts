// The TypeScript / JavaScript front-end: keeps every TS/JS file's text, parses into a ts-morph
// Project (in memory) lazily and keeps only the most recently used trees, resolves constants
// across files through their exports, and caches each file's sites until the file or a file it
// took a constant from changes. Syntax only: no type checker on the hot path.

import { posix } from 'node:path';
import { Project, ts } from 'ts-morph';
import type { Language } from '../../../../common/src/sites';
import type { FileSites, LanguageFrontEnd } from '../types';
import { ConstantEvaluator, UNRESOLVED_IMPORT } from './constants';
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
  sites?: FileSites;
  /** Other files this file's sites took constants from. */
  uses?: Set<string>;
}

export class TypeScriptFrontEnd implements LanguageFrontEnd, SourceStore {
  readonly extensions = TS_EXTENSIONS;
  private readonly project = new Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    compilerOptions: { allowJs: true, noLib: true, target: ts.ScriptTarget.Latest },
  });
  private readonly files = new Map<string, Entry>();
  /** Files holding a parsed tree, least recently used first. */
  private readonly parsed = new Set<string>();

  constructor(private readonly options: FinderOptions) {}

  updateFile(file: string, text: string): void {
    const prev = this.files.get(file);
    if (prev?.text === text) return;
    if (prev?.sourceFile) this.forgetSourceFile(file);
    this.files.set(file, { text });
    this.invalidateUsersOf(file);
    if (!prev) this.invalidateUsersOf(UNRESOLVED_IMPORT);
  }

  removeFile(file: string): void {
    const entry = this.files.get(file);
    if (!entry) return;
    if (entry.sourceFile) this.forgetSourceFile(file);
    this.files.delete(file);
    this.invalidateUsersOf(file);
  }

  sitesOf(file: string): FileSites {
    const entry = this.files.get(file);
    if (!entry) return { sites: [], problems: [{ file, message: 'not loaded' }] };
    if (entry.sites) return entry.sites;
    const uses = new Set<string>();
    entry.sites = this.computeSites(file, entry, uses);
    uses.delete(file);
    entry.uses = uses;
    return entry.sites;
  }

  sourceFile(path: string): ts.SourceFile | undefined {
    const entry = this.files.get(path);
    if (!entry) return undefined;
    this.parsed.delete(path);
    this.parsed.add(path);
    if (!entry.sourceFile) {
      this.evictParsedTrees();
      try {
        // `overwrite` on a file ts-morph does not hold costs a thrown FileNotFoundError: only use it when needed.
        const overwrite = this.project.getSourceFile(path) !== undefined;
        entry.sourceFile = this.project.createSourceFile(path, entry.text, { overwrite }).compilerNode;
      } catch {
        return undefined;
      }
    }
    return entry.sourceFile;
  }

  resolveModule(fromFile: string, specifier: string): string | undefined {
    if (!specifier.startsWith('.')) return undefined;
    const base = posix.join(posix.dirname(fromFile), specifier);
    const ext = posix.extname(base);
    const candidates = [base];
    for (const alias of SPECIFIER_ALIASES[ext] ?? []) candidates.push(base.slice(0, -ext.length) + alias);
    for (const e of TS_EXTENSIONS) candidates.push(base + e, `${base}/index${e}`);
    return candidates.find((c) => this.files.has(c));
  }

  private computeSites(file: string, entry: Entry, uses: Set<string>): FileSites {
    if (!mayContainSpans(entry.text, this.options)) return { sites: [], problems: [] };
    const sf = this.sourceFile(file);
    if (!sf) return { sites: [], problems: [{ file, message: 'could not be parsed' }] };
    try {
      const sites = findSites(sf, languageOf(file), new ConstantEvaluator(this, uses), this.options);
      for (const site of sites) site.file = file; // the path as given, not ts-morph's standardized one
      return { sites, problems: syntaxProblems(sf) };
    } catch (err) {
      // The analyzer never takes the server down: a file it cannot handle is reported and skipped.
      return { sites: [], problems: [{ file, message: `analysis failed: ${(err as Error).message}` }] };
    }
  }

  private invalidateUsersOf(file: string): void {
    for (const [path, e] of this.files) {
      if (path === file || e.uses?.has(file)) {
        e.sites = undefined;
        e.uses = undefined;
      }
    }
  }

  /** Drops the oldest trees; nodes still referenced by a running evaluation stay valid objects. */
  private evictParsedTrees(): void {
    for (const path of this.parsed) {
      if (this.parsed.size <= MAX_PARSED) return;
      const entry = this.files.get(path);
      if (entry?.sourceFile) {
        this.forgetSourceFile(path);
        entry.sourceFile = undefined;
      }
      this.parsed.delete(path);
    }
  }

  private forgetSourceFile(path: string): void {
    this.parsed.delete(path);
    const sf = this.project.getSourceFile(path);
    if (sf) this.project.removeSourceFile(sf);
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
