// The workspace analyzer: dispatches files to the language front-ends by extension, applies
// include/exclude, runs the rules, and answers findings per file and the site index.
// `scanPaths` is the one-shot version used by the CLI (and the benchmark).

import { readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import type { AnalysisSettings } from '../../../common/src/settings';
import { acceptsFile, isGeneratedSource, isTestFile, listSourceFiles, ReadBudget, toPosix, type FileFilter } from './files';
import { createFrontEnds } from './frontEnds';
import { PassThroughIndex } from './passThrough';
import { isBelow } from './paths';
import { evaluateEnd, evaluateSite } from './rules';
import { applySuppressions, parseSuppressions, type Suppression, type SuppressionOutcome, type UnusedSuppression } from './suppressions';
import type { Finding, LanguageFrontEnd, ParseProblem, SpanSite } from './types';

/** Analysis settings of workspace folders (absolute paths), for files under each. */
export type FolderSettings = ReadonlyMap<string, AnalysisSettings>;

export class WorkspaceAnalyzer {
  private readonly byExtension = new Map<string, LanguageFrontEnd>();
  /** Each loaded file's front-end (looked up once, not by extension on every read). */
  private readonly known = new Map<string, LanguageFrontEnd>();
  /**
   * The known files in path order, replaced (never changed in place: a sliced walk may be going
   * over it) when a file comes or goes. Sorting 25k paths again for one new file took ~20 ms;
   * copying the list for each file of a scan made the scan quadratic: files that came since the
   * list was made wait in `added` and go in at the next read, a few by insertion, many by a sort.
   */
  private sortedFiles: string[] | undefined;
  private added: string[] = [];
  /** Each file's suppression comments (suppressions.ts), kept only for files that have some. */
  private readonly suppressions = new Map<string, Suppression[]>();
  /** Folder settings, longest folder first so the innermost folder wins. */
  private folders: [string, AnalysisSettings][] = [];
  private readonly passThrough = new PassThroughIndex({
    // In path order already: the index's own sort of it then costs little (25k paths sorted anew took ~10 ms).
    files: () => [...this.sortedPaths()],
    frontEndOf: (file) => this.known.get(file) ?? this.byExtension.get(extname(file)),
    sitesOf: (file) => this.sitesOf(file),
    settingsOf: (file) => this.settingsOf(file),
  });

  private constructor(frontEnds: LanguageFrontEnd[], private settings: AnalysisSettings, private readonly roots: string[], folders: FolderSettings) {
    for (const fe of frontEnds) for (const ext of fe.extensions) this.byExtension.set(ext, fe);
    this.folders = sortFolders(folders);
  }

  /**
   * `settings` apply to files outside every folder of `folders` (and give the front-ends their
   * span-detection settings); `onFailure` hears about front-ends that could not load (their languages are skipped).
   */
  static async create(settings: AnalysisSettings, roots: string[], onFailure?: (message: string) => void, folders: FolderSettings = new Map()): Promise<WorkspaceAnalyzer> {
    return new WorkspaceAnalyzer(await createFrontEnds(settings, onFailure), settings, roots.map((r) => resolve(r)), folders);
  }

  get currentSettings(): AnalysisSettings {
    return this.settings;
  }

  /** The settings that apply to `file`: those of the innermost folder holding it, else the base settings. */
  settingsOf(file: string): AnalysisSettings {
    return this.folders.find(([root]) => isBelow(file, root))?.[1] ?? this.settings;
  }

  /** Rules read settings on every call; a rebuild (rescan) is needed only when the file set or span detection changes. */
  setSettings(settings: AnalysisSettings, folders: FolderSettings = new Map()): { rebuildNeeded: boolean } {
    const scanKey = (base: AnalysisSettings, byFolder: [string, AnalysisSettings][]) =>
      JSON.stringify([['', base] as const, ...byFolder].map(([root, s]) => [root, s.wrapperFunctions, s.include, s.exclude]));
    const next = sortFolders(folders);
    const rebuildNeeded = scanKey(settings, next) !== scanKey(this.settings, this.folders);
    this.settings = settings;
    this.folders = next;
    this.passThrough.invalidateAll();
    return { rebuildNeeded };
  }

  /** Which files to list under `root` (a folder's own include/exclude when it has settings). */
  filter(root?: string): FileFilter {
    const s = (root && this.folders.find(([r]) => r === resolve(root))?.[1]) || this.settings;
    return { extensions: new Set(this.byExtension.keys()), include: s.include, exclude: s.exclude };
  }

  /** Whether a file belongs to the analysis: a handled language, inside include, outside exclude. */
  accepts(file: string): boolean {
    if (!this.byExtension.has(extname(file))) return false;
    const folder = this.folders.find(([r]) => isBelow(file, r))?.[0];
    const root = folder ?? this.roots.find((r) => isBelow(file, r));
    return acceptsFile(root ? toPosix(relative(root, file)) : toPosix(file), this.filter(folder));
  }

  updateFile(file: string, text: string): void {
    const fe = this.byExtension.get(extname(file));
    if (!fe) return;
    if (isGeneratedSource(file, text)) return this.removeFile(file);
    fe.updateFile(file, text);
    const isNew = !this.known.has(file);
    this.known.set(file, fe);
    if (isNew && this.sortedFiles) this.added.push(file);
    const suppressions = parseSuppressions(file, text);
    if (suppressions.length) this.suppressions.set(file, suppressions);
    else this.suppressions.delete(file);
    this.passThrough.invalidate(file, isNew);
  }

  removeFile(file: string): void {
    this.byExtension.get(extname(file))?.removeFile(file);
    if (this.known.delete(file) && this.sortedFiles) {
      const pending = this.added.indexOf(file);
      if (pending >= 0) this.added.splice(pending, 1);
      else this.sortedFiles = this.sortedFiles.filter((f) => f !== file);
    }
    this.suppressions.delete(file);
    this.passThrough.invalidate(file, true);
  }

  has(file: string): boolean {
    return this.known.has(file);
  }

  /** In path order (a copy: callers may sort it again, which costs little on sorted input). */
  files(): string[] {
    return [...this.sortedPaths()];
  }

  /** The known files in path order; the same array until a file comes or goes. */
  sortedPaths(): readonly string[] {
    if (this.sortedFiles && this.added.length) {
      this.sortedFiles = this.added.length <= INSERT_LIMIT ? withInserted(this.sortedFiles, this.added) : undefined;
      this.added = [];
    }
    return (this.sortedFiles ??= [...this.known.keys()].sort());
  }

  sitesOf(file: string): SpanSite[] {
    return this.known.get(file)?.sitesOf(file).sites ?? [];
  }

  problemsOf(file: string): ParseProblem[] {
    return this.known.get(file)?.sitesOf(file).problems ?? [];
  }

  /** The file's own sites' findings, and those about values it passes to span helpers elsewhere (passThrough.ts). */
  findingsOf(file: string): Finding[] {
    return this.checkedFindingsOf(file).findings;
  }

  /** The file's findings less those its suppression comments silence, and the comments that silenced nothing. */
  checkedFindingsOf(file: string): SuppressionOutcome {
    const settings = this.settingsOf(file);
    // Not checked at all, so a suppression comment in a test file is not reported unused either.
    if (!settings.checkTests && isTestFile(file)) return { findings: [], unused: [] };
    const own = this.sitesOf(file).flatMap((s) => evaluateSite(s, settings));
    if (!this.known.has(file)) return applySuppressions(own, []);
    for (const span of this.byExtension.get(extname(file))!.helperSpansOf?.(file) ?? []) own.push(...evaluateEnd(span, settings));
    const at = new Set(own.map((f) => `${f.rule}@${f.range.start.line}`));
    const all = [...own, ...this.passedFindingsOf(file).filter((f) => !at.has(`${f.rule}@${f.range.start.line}`))];
    return applySuppressions(all, this.suppressions.get(file) ?? []);
  }

  /** Findings about values this file passes to span helpers; the same array while nothing changed. */
  passedFindingsOf(file: string): readonly Finding[] {
    return this.passThrough.findingsOf(file);
  }

  /** Every site of every known file, in file order. */
  sites(): SpanSite[] {
    const out: SpanSite[] = [];
    for (const f of this.sortedPaths()) for (const site of this.sitesOf(f)) out.push(site);
    return out;
  }
}

/** Files that came since the sorted list was made, put in by insertion up to this many (else sorted anew). */
const INSERT_LIMIT = 32;

/** A sorted copy of `sorted` with `items` in their places (the order of Array.prototype.sort: code units). */
function withInserted(sorted: readonly string[], items: readonly string[]): string[] {
  const out = sorted.slice();
  for (const item of items) {
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (out[mid] < item) lo = mid + 1;
      else hi = mid;
    }
    out.splice(lo, 0, item);
  }
  return out;
}

function sortFolders(folders: FolderSettings): [string, AnalysisSettings][] {
  return [...folders].map(([root, s]): [string, AnalysisSettings] => [resolve(root), s]).sort((a, b) => b[0].length - a[0].length);
}

export interface ScanOutput {
  files: string[];
  sites: SpanSite[];
  findings: Finding[];
  problems: ParseProblem[];
  /** Suppression comments that silenced nothing (`scan --report-unused-disables`). */
  unusedSuppressions: (UnusedSuppression & { file: string })[];
}

/** Files read at once by a scan: one awaited read after another left the scan waiting on I/O round trips. */
const READ_BATCH = 32;

/** Reads `batch` concurrently and loads the files in their order. */
async function readInto(analyzer: WorkspaceAnalyzer, batch: string[], loaded: string[], problems: ParseProblem[]): Promise<void> {
  const texts = await Promise.allSettled(batch.map((file) => readFile(file, 'utf8')));
  texts.forEach((text, i) => {
    const file = batch[i];
    if (text.status === 'rejected') problems.push({ file, message: `unreadable: ${(text.reason as Error).message}` });
    else {
      analyzer.updateFile(file, text.value);
      loaded.push(file);
    }
  });
}

/**
 * Scans files and folders (relative to `cwd`): folders are walked with include/exclude, files
 * named explicitly are scanned when their language is handled. Missing paths and unreadable or
 * oversized files become problems, never failures.
 */
export async function scanPaths(paths: string[], settings: AnalysisSettings, cwd: string): Promise<ScanOutput> {
  const targets = (paths.length ? paths : ['.']).map((p) => (isAbsolute(p) ? p : resolve(cwd, p)));
  const problems: ParseProblem[] = [];
  const analyzer = await WorkspaceAnalyzer.create(settings, targets, (message) => problems.push({ file: '', message }));
  const files = new Set<string>();
  for (const target of targets) {
    let isDir: boolean;
    try {
      isDir = (await stat(target)).isDirectory();
    } catch {
      problems.push({ file: target, message: 'no such file or directory' });
      continue;
    }
    if (!isDir) {
      if (analyzer.filter().extensions.has(extname(target))) files.add(target);
      continue;
    }
    const listing = await listSourceFiles(target, analyzer.filter());
    listing.files.forEach((f) => files.add(f));
    problems.push(...listing.skipped);
  }
  const loaded: string[] = [];
  const budget = new ReadBudget();
  let admitted: string[] = [];
  for (const file of files) {
    const refused = await budget.admit(file);
    if (refused) problems.push({ file, message: refused });
    else admitted.push(file);
    if (admitted.length === READ_BATCH) {
      await readInto(analyzer, admitted, loaded, problems);
      admitted = [];
    }
  }
  await readInto(analyzer, admitted, loaded, problems);
  loaded.sort();
  const sites: SpanSite[] = [];
  const findings: Finding[] = [];
  const unusedSuppressions: ScanOutput['unusedSuppressions'] = [];
  for (const file of loaded) {
    sites.push(...analyzer.sitesOf(file));
    const checked = analyzer.checkedFindingsOf(file);
    unusedSuppressions.push(...checked.unused.map((u) => ({ ...u, file })));
    findings.push(...checked.findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character));
    problems.push(...analyzer.problemsOf(file));
  }
  return { files: loaded, sites, findings, problems, unusedSuppressions };
}
