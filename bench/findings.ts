// Findings benchmark (`npm run bench:findings [-- --json]`): scores the analyzer against the
// hand-labelled evaluation set of bench/findings/ (real packages installed by name at pinned
// versions; see bench/findings/README.md). Fetches each package of manifest.json into a cache
// outside the repo (reused when present), copies the listed files into a temp workspace laid out
// `<ecosystem>/<name>@<version>/<path>`, scans it in-process with the default settings and prints,
// per language, span-site and per-rule finding precision/recall plus every false positive and miss.

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { resolveSettings } from '../common/src/settings';
import { scanPaths } from '../server/src/analysis/workspace';

type Ecosystem = 'npm' | 'pypi' | 'go';

interface PackageEntry {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  files: string[];
}

interface LabelledFinding {
  line: number;
  rule: string;
  why: string;
}

interface FileLabels {
  sites: number[];
  findings: LabelledFinding[];
}

/** One (file, line[, rule]) item, with text to show when it is a false positive or a miss. */
interface Item {
  key: string;
  line: number;
  rule: string;
  text: string;
}

interface Score {
  tp: number;
  fp: number;
  fn: number;
  precision: number | null;
  recall: number | null;
}

type Lang = 'ts/js' | 'python' | 'go';
const LANGS: Lang[] = ['ts/js', 'python', 'go'];
const SITE = '(site)';

const HERE = resolve(__dirname, 'findings');
const CACHE = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'otel-flow-map', 'bench-findings');

function langOf(path: string): Lang | null {
  const ext = extname(path);
  if (['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'].includes(ext)) return 'ts/js';
  if (ext === '.py') return 'python';
  if (ext === '.go') return 'go';
  return null;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/** Fetches (once) the package and returns the folder its manifest paths are relative to. */
function fetchPackage(pkg: PackageEntry): string {
  if (pkg.ecosystem === 'go') {
    const work = join(CACHE, 'go-work');
    mkdirSync(work, { recursive: true });
    const env = { ...process.env, GOFLAGS: '-mod=mod', GO111MODULE: 'on' };
    const info = JSON.parse(run('go', ['mod', 'download', '-json', `${pkg.name}@${pkg.version}`], work, env)) as { Dir?: string; Error?: string };
    if (!info.Dir) throw new Error(`go mod download ${pkg.name}@${pkg.version}: ${info.Error ?? 'no Dir'}`);
    return info.Dir;
  }
  const dest = join(CACHE, pkg.ecosystem, `${pkg.name.replace(/[/@]/g, '_')}@${pkg.version}`);
  if (existsSync(dest)) return pkg.ecosystem === 'npm' ? join(dest, 'package') : dest;
  const tmp = mkdtempSync(join(tmpdir(), 'ofm-bench-fetch-'));
  try {
    const unpacked = join(tmp, 'unpacked');
    mkdirSync(unpacked);
    if (pkg.ecosystem === 'npm') {
      const out = run('npm', ['pack', `${pkg.name}@${pkg.version}`, '--pack-destination', tmp, '--silent'], tmp).trim().split('\n');
      run('tar', ['xzf', join(tmp, out[out.length - 1].trim()), '-C', unpacked], tmp);
    } else {
      // Wheels are zips of the sources; their .py files do not depend on the platform tag.
      run('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary', ':all:', '-q', '-d', tmp, `${pkg.name}==${pkg.version}`], tmp);
      const wheel = readdirSync(tmp).find((f) => f.endsWith('.whl'));
      if (!wheel) throw new Error(`pip download ${pkg.name}==${pkg.version}: no wheel`);
      run('python3', ['-m', 'zipfile', '-e', join(tmp, wheel), unpacked], tmp);
    }
    mkdirSync(dirname(dest), { recursive: true });
    renameSync(unpacked, dest);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return pkg.ecosystem === 'npm' ? join(dest, 'package') : dest;
}

const oneLine = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
};

const keyOf = (pkg: PackageEntry, path: string): string => `${pkg.ecosystem}:${pkg.name}@${pkg.version}/${path}`;

function score(expected: Item[], actual: Item[]): { score: Score; fps: Item[]; misses: Item[] } {
  const id = (i: Item): string => `${i.key}\0${i.line}\0${i.rule}`;
  const pending = new Map<string, Item[]>();
  for (const e of expected) pending.set(id(e), [...(pending.get(id(e)) ?? []), e]);
  const fps: Item[] = [];
  let tp = 0;
  for (const a of actual) {
    const left = pending.get(id(a));
    if (left?.length) {
      left.pop();
      tp++;
    } else fps.push(a);
  }
  const misses = [...pending.values()].flat();
  const fp = fps.length;
  const fn = misses.length;
  return {
    score: { tp, fp, fn, precision: tp + fp ? tp / (tp + fp) : null, recall: tp + fn ? tp / (tp + fn) : null },
    fps,
    misses,
  };
}

const fmt = (v: number | null): string => (v === null ? '  -  ' : v.toFixed(2).padStart(5));
const row = (label: string, s: Score): string =>
  `  ${label.padEnd(32)} P ${fmt(s.precision)}  R ${fmt(s.recall)}   tp ${String(s.tp).padStart(3)}  fp ${String(s.fp).padStart(3)}  fn ${String(s.fn).padStart(3)}`;

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const manifest = JSON.parse(readFileSync(join(HERE, 'manifest.json'), 'utf8')) as PackageEntry[];
  const labels = JSON.parse(readFileSync(join(HERE, 'labels.json'), 'utf8')) as Record<string, FileLabels>;
  const work = mkdtempSync(join(tmpdir(), 'ofm-bench-findings-'));
  try {
    const files: string[] = [];
    const keyByFile = new Map<string, string>();
    for (const pkg of manifest) {
      const root = fetchPackage(pkg);
      for (const path of pkg.files) {
        const src = join(root, path);
        if (!existsSync(src)) throw new Error(`${keyOf(pkg, path)}: not in the package`);
        const dst = join(work, pkg.ecosystem, `${pkg.name}@${pkg.version}`, path);
        mkdirSync(dirname(dst), { recursive: true });
        copyFileSync(src, dst);
        files.push(dst);
        keyByFile.set(dst, keyOf(pkg, path));
        if (!labels[keyOf(pkg, path)]) console.error(`warning: ${keyOf(pkg, path)} has no labels (counted as no sites, no findings)`);
      }
    }
    // Files are named one by one so the default excludes (dist/, vendor/, ...) do not drop them.
    const result = await scanPaths(files, resolveSettings({}).analysis, work);
    const keyOfAbs = (file: string): string => keyByFile.get(resolve(file)) ?? relative(work, file).split(sep).join('/');

    const expected: Record<Lang, Item[]> = { 'ts/js': [], python: [], go: [] };
    const actual: Record<Lang, Item[]> = { 'ts/js': [], python: [], go: [] };
    for (const key of keyByFile.values()) {
      const lang = langOf(key);
      if (!lang) continue;
      const l = labels[key] ?? { sites: [], findings: [] };
      for (const line of l.sites) expected[lang].push({ key, line, rule: SITE, text: 'span site' });
      for (const f of l.findings) expected[lang].push({ key, line: f.line, rule: f.rule, text: f.why });
    }
    for (const s of result.sites) {
      const lang = langOf(s.file);
      const start = (s.headRange ?? s.range).start;
      if (lang) actual[lang].push({ key: keyOfAbs(s.file), line: start.line + 1, rule: SITE, text: `span site${s.name?.text ? ` ${oneLine(s.name.text)}` : ''}` });
    }
    for (const f of result.findings) {
      const lang = langOf(f.file);
      if (lang) actual[lang].push({ key: keyOfAbs(f.file), line: f.range.start.line + 1, rule: f.rule, text: oneLine(f.message) });
    }

    const report: Record<string, unknown> = {};
    const lines: string[] = [];
    const fpLines: string[] = [];
    const missLines: string[] = [];
    const all = { expected: [] as Item[], actual: [] as Item[] };
    for (const lang of LANGS) {
      const isSite = (i: Item): boolean => i.rule === SITE;
      const sites = score(expected[lang].filter(isSite), actual[lang].filter(isSite));
      const exp = expected[lang].filter((i) => !isSite(i));
      const act = actual[lang].filter((i) => !isSite(i));
      all.expected.push(...exp);
      all.actual.push(...act);
      const overall = score(exp, act);
      const rules = [...new Set([...exp, ...act].map((i) => i.rule))].sort();
      const perRule = Object.fromEntries(rules.map((r) => [r, score(exp.filter((i) => i.rule === r), act.filter((i) => i.rule === r)).score]));
      const nFiles = [...keyByFile.values()].filter((k) => langOf(k) === lang).length;
      report[lang] = { files: nFiles, sites: sites.score, findings: overall.score, rules: perRule };
      lines.push(`${lang} (${nFiles} files)`, row('span sites', sites.score), row('findings (all rules)', overall.score));
      for (const r of rules) lines.push(row(`  ${r}`, perRule[r]));
      for (const i of [...sites.fps, ...overall.fps]) fpLines.push(`  ${i.key}:${i.line} ${i.rule}  ${i.text}`);
      for (const i of [...sites.misses, ...overall.misses]) missLines.push(`  ${i.key}:${i.line} ${i.rule}  ${i.text}`);
    }
    const total = score(all.expected, all.actual).score;
    report.findings = total;
    if (result.problems.length) report.problems = result.problems.map((p) => `${p.file ? keyOfAbs(p.file) : ''} ${p.message}`.trim());
    if (json) {
      console.log(JSON.stringify(report, null, 2));
      return;
    }
    console.log(`Evaluation set: ${manifest.length} packages, ${keyByFile.size} files; ${result.sites.length} sites and ${result.findings.length} findings reported\n`);
    console.log([...lines, '', 'all languages', row('findings (all rules)', total)].join('\n'));
    console.log(`\nFalse positives (${fpLines.length}):\n${fpLines.sort().join('\n') || '  none'}`);
    console.log(`\nMisses (${missLines.length}):\n${missLines.sort().join('\n') || '  none'}`);
    if (result.problems.length) console.log(`\nProblems:\n${(report.problems as string[]).map((p) => `  ${p}`).join('\n')}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
