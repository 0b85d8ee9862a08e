// Python / Go scan benchmark: generates 1,000 realistic files per language in a temp folder and
// measures (1) a full scan through the front-ends (updateFile + sitesOf for every file) against
// the bare tree-sitter parse of the same files in the same run, and (2) the per-edit latency of
// a small edit to a 500-line file (updateFile + sitesOf), whose p95 must stay under 50 ms.
// Run alone with `npx tsx bench/scanPyGo.ts`; bench/scan.ts calls runPyGoBench().

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_SETTINGS } from '../common/src/settings';
import { createGoFrontEnd } from '../server/src/analysis/go/goFrontEnd';
import { createPythonFrontEnd } from '../server/src/analysis/python/pythonFrontEnd';
import { createParser, type GrammarName } from '../server/src/analysis/treeSitter';
import type { LanguageFrontEnd } from '../server/src/analysis/types';
import { CorpusWriter } from './corpusWriter';

const FILES = 1000;
const EDITS = 200;
const EDIT_P95_BUDGET_MS = 50;

interface Corpus {
  files: string[];
  lines: number;
  /** A 500-line file with span sites, for the edit measurement. */
  bigFile: string;
}

// ---------------------------------------------------------------------------------------------
// Corpus generation (deterministic)

const DOMAINS = ['checkout', 'billing', 'inventory', 'shipping', 'accounts', 'search', 'catalog', 'payments'];

function pythonFile(i: number, bodyRepeats: number): string {
  const domain = DOMAINS[i % DOMAINS.length];
  const out = [
    `"""Service module ${i} of the ${domain} domain."""`,
    'import logging',
    'from opentelemetry import trace',
    'from opentelemetry.trace import SpanKind',
    `from ${domain}.names import FLOW_NAME, Steps`,
    '',
    `tracer = trace.get_tracer("${domain}.service_${i}")`,
    `LOAD_NAME = "${domain}.load_${i}"`,
    'log = logging.getLogger(__name__)',
    '',
    '',
    `class Service${i}:`,
    `    """Handles ${domain} requests."""`,
    '',
    '    def __init__(self, repo, cache):',
    '        self.repo = repo',
    '        self.cache = cache',
    '',
  ];
  for (let r = 0; r < bodyRepeats; r++) {
    const spans = i % 3 !== 2 || r > 0; // a third of the files start with span-less helpers only
    out.push(
      `    def handle_${r}(self, request_id, items):`,
      spans
        ? `        with tracer.start_as_current_span(Steps.STEP_${r % 4}, kind=SpanKind.SERVER, attributes={"coordimap.flow.name": FLOW_NAME, "coordimap.flow.run_id": request_id}) as span:`
        : '        if True:',
      '            total = 0',
      '            for item in items:',
      '                if item.get("qty", 0) > 0:',
      '                    total += item["qty"] * item.get("price", 0)',
      '                else:',
      '                    log.debug("skipping %s", item)',
      spans ? '            span.set_attribute("order.total", total)' : '            pass',
      '            return total',
      '',
      `    def load_${r}(self, key):`,
      spans ? `        span = tracer.start_span(f"${domain}.load.{key}")` : '        span = None',
      '        try:',
      '            value = self.cache.get(key)',
      '            if value is None:',
      '                value = self.repo.fetch(key)',
      '                self.cache[key] = value',
      '            return value',
      '        finally:',
      spans ? '            span.end()' : '            pass',
      '',
    );
  }
  return `${out.join('\n')}\n`;
}

function pythonNames(domain: string): string {
  return [
    'from enum import Enum', '', `FLOW_NAME = "${domain}.place_order"`, '', '',
    'class Steps(str, Enum):', ...[0, 1, 2, 3].map((s) => `    STEP_${s} = "${domain}.step_${s}"`), '',
  ].join('\n');
}

function goFile(i: number, bodyRepeats: number): string {
  const domain = DOMAINS[i % DOMAINS.length];
  const out = [
    `// Package ${domain} serves ${domain} requests (file ${i}).`,
    `package ${domain}`,
    '',
    'import (',
    '\t"context"',
    '\t"fmt"',
    '',
    '\t"go.opentelemetry.io/otel"',
    '\t"go.opentelemetry.io/otel/attribute"',
    '\t"go.opentelemetry.io/otel/trace"',
    ')',
    '',
    `var tracer${i} = otel.Tracer("${domain}/service_${i}")`,
    '',
    `type Service${i} struct {`,
    '\trepo  map[string]int',
    '\tcache map[string]int',
    '}',
    '',
  ];
  for (let r = 0; r < bodyRepeats; r++) {
    const spans = i % 3 !== 2 || r > 0;
    out.push(
      `func (s *Service${i}) Handle${r}(ctx context.Context, requestID string, items []int) (int, error) {`,
      spans
        ? `\tctx, span := tracer${i}.Start(ctx, step${r % 4}Name, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(attribute.String("coordimap.flow.name", flowName), attribute.String("coordimap.flow.run_id", requestID)))`
        : '\t_ = ctx',
      spans ? '\tdefer span.End()' : '\t_ = requestID',
      '\ttotal := 0',
      '\tfor _, item := range items {',
      '\t\tif item > 0 {',
      '\t\t\ttotal += item * 2',
      '\t\t} else {',
      '\t\t\tcontinue',
      '\t\t}',
      '\t}',
      spans ? '\tspan.SetAttributes(attribute.Int("order.total", total))' : '\t_ = total',
      '\treturn total, nil',
      '}',
      '',
      `func (s *Service${i}) Load${r}(ctx context.Context, key string) int {`,
      spans ? `\t_, span := tracer${i}.Start(ctx, fmt.Sprintf("${domain}.load.%s", key))` : '\t_ = ctx',
      spans ? '\tdefer span.End()' : '\t_ = key',
      '\tif v, ok := s.cache[key]; ok {',
      '\t\treturn v',
      '\t}',
      '\treturn s.repo[key]',
      '}',
      '',
    );
  }
  return `${out.join('\n')}\n`;
}

function goNames(domain: string): string {
  return [`package ${domain}`, '', 'const (', `\tflowName = "${domain}.place_order"`, ...[0, 1, 2, 3].map((s) => `\tstep${s}Name = "${domain}.step_${s}"`), ')', ''].join('\n');
}

function generate(root: string, language: GrammarName): Corpus {
  const corpus = new CorpusWriter();
  const write = (path: string, text: string) => corpus.write(path, text);
  for (const domain of DOMAINS) {
    if (language === 'python') write(join(root, domain, 'names.py'), pythonNames(domain));
    else write(join(root, domain, 'names.go'), goNames(domain));
  }
  // Files of ~60-250 lines, a few spans each; the last one is the 500-line edit target.
  for (let i = 0; corpus.files.length < FILES; i++) {
    const domain = DOMAINS[i % DOMAINS.length];
    const big = corpus.files.length === FILES - 1;
    const repeats = big ? 23 : 2 + (i % 5);
    const name = language === 'python' ? `service_${i}.py` : `service_${i}.go`;
    write(join(root, domain, name), language === 'python' ? pythonFile(i, repeats) : goFile(i, repeats));
  }
  return { files: corpus.files, lines: corpus.lines, bigFile: corpus.files[corpus.files.length - 1] };
}

// ---------------------------------------------------------------------------------------------
// Measurements

async function bareParseMs(language: GrammarName, texts: string[]): Promise<number> {
  const parser = await createParser(language);
  const start = performance.now();
  for (const text of texts) parser.parse(text)?.delete();
  const ms = performance.now() - start;
  parser.delete();
  return ms;
}

function fullScan(frontEnd: LanguageFrontEnd, files: string[], texts: string[]): { ms: number; sites: number } {
  const start = performance.now();
  files.forEach((f, i) => frontEnd.updateFile(f, texts[i]));
  let sites = 0;
  for (const f of files) sites += frontEnd.sitesOf(f).sites.length;
  return { ms: performance.now() - start, sites };
}

/** Small edits (one character of a span name, alternating) to the 500-line file, each followed by sitesOf. */
function editLatencies(frontEnd: LanguageFrontEnd, file: string, text: string, language: GrammarName): number[] {
  const marker = language === 'python' ? '.load.{key}' : '.load.%s';
  const at = text.indexOf(marker) + 1;
  const times: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    const edited = text.slice(0, at) + (i % 2 ? 'L' : 'l') + text.slice(at + 1) + (i % 3 === 0 ? '\n' : '');
    const start = performance.now();
    frontEnd.updateFile(file, edited);
    const sites = frontEnd.sitesOf(file).sites.length;
    times.push(performance.now() - start);
    if (sites === 0) throw new Error('edit benchmark lost the sites');
  }
  return times;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function benchLanguage(language: GrammarName, root: string): Promise<boolean> {
  const corpus = generate(join(root, language), language);
  const texts = corpus.files.map((f) => readFileSync(f, 'utf8'));
  const create = language === 'python' ? createPythonFrontEnd : createGoFrontEnd;
  await bareParseMs(language, texts.slice(0, 50)); // warm up the WASM runtime and grammar
  const bare = await bareParseMs(language, texts);
  const scan = fullScan(await create(DEFAULT_SETTINGS.analysis), corpus.files, texts);
  const editor = await create(DEFAULT_SETTINGS.analysis);
  fullScan(editor, corpus.files, texts);
  const bigText = readFileSync(corpus.bigFile, 'utf8');
  const edits = editLatencies(editor, corpus.bigFile, bigText, language);
  const p50 = percentile(edits, 50);
  const p95 = percentile(edits, 95);
  const ok = p95 < EDIT_P95_BUDGET_MS;
  const kLinesPerS = (ms: number) => ((corpus.lines / ms) * 1000 / 1000).toFixed(0);
  console.log(`${language.padEnd(6)} ${corpus.files.length} files, ${corpus.lines} lines, ${scan.sites} sites`);
  console.log(`  bare tree-sitter parse : ${bare.toFixed(0)} ms (${kLinesPerS(bare)}k lines/s)`);
  console.log(`  full scan (front-end)  : ${scan.ms.toFixed(0)} ms (${kLinesPerS(scan.ms)}k lines/s), ${(scan.ms / bare).toFixed(2)}x the bare parse`);
  console.log(`  edit of a ${bigText.split('\n').length}-line file + sitesOf: p50 ${p50.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms (budget ${EDIT_P95_BUDGET_MS} ms) ${ok ? 'OK' : 'OVER BUDGET'}`);
  return ok;
}

export async function runPyGoBench(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'otel-flow-map-bench-pygo-'));
  try {
    const python = await benchLanguage('python', root);
    const go = await benchLanguage('go', root);
    if (!python || !go) process.exitCode = 1;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runPyGoBench().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
