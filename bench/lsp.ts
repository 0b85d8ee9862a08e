// `npm run bench:lsp`: the language server (dist/server.js) over stdio on generated workspaces
// (2k and 25k files: TypeScript, Python and Go with spans, plus files without any), the receiver
// idle (autoStart never). Prints, per size: the server's RSS once the scan is done, time to first
// diagnostics for a file opened at start, edit → diagnostics p50/p95 for a TS, a Python and a Go
// file, the create-file stall (the latest answer to a cheap request sent every few ms while a new
// Go/Python file is taken in, until the client has its new sites; beside it the same probes on the
// idle server for as long, the machine's own noise) and the site list request —
// next to tsserver's RSS (node_modules/typescript) on the same workspace in the same
// run. BENCH_LSP_SIZES=2000,25000 (default) picks sizes; needs a build (node esbuild.mjs).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { SERVER_EXEC_ARGV, SitesChangedNotification, SitesDeltaNotification, SitesRequest } from '../common/src/lspMethods';
import { applySitesDelta, type SitesDelta, type SpanSiteSummary } from '../common/src/sites';

const SIZES = (process.env.BENCH_LSP_SIZES ?? '2000,25000').split(',').map(Number);
const EDITS = 30;
/** How often the create-file stall is probed, and how long a create may take to settle. */
const PROBE_INTERVAL_MS = 5;
const CREATE_TIMEOUT_MS = 10_000;
const root = join(__dirname, '..');

const ts = (i: number) => `import { trace } from '@opentelemetry/api';\nconst tracer = trace.getTracer('svc${i % 20}');\nexport function op${i}(id: string): void {\n  tracer.startActiveSpan('orders.step_${i}', (span) => {\n    span.setAttribute('order.id', id);\n    span.end();\n  });\n}\n`;
const plain = (i: number) => `export const value${i} = ${i};\nexport function add${i}(a: number): number {\n  return a + value${i};\n}\n`;
const py = (i: number) => `from opentelemetry import trace\n\ntracer = trace.get_tracer("svc${i % 20}")\n\n\ndef op_${i}(order_id):\n    with tracer.start_as_current_span("orders.step_${i}") as span:\n        span.set_attribute("order.id", order_id)\n`;
const go = (i: number) => `package svc${i % 50}\n\nimport (\n\t"context"\n\n\t"go.opentelemetry.io/otel"\n)\n\nfunc Op${i}(ctx context.Context) {\n\t_, span := otel.Tracer("svc${i % 20}").Start(ctx, "orders.step_${i}")\n\tdefer span.End()\n}\n`;

/** n files: 40% TS with a span, 30% TS without, 15% Python, 15% Go. Returns the number of span sites. */
function generate(dir: string, n: number): number {
  let sites = 0;
  writeFileSync(join(dir, 'package.json'), '{"name":"bench","private":true}');
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, target: 'es2022', module: 'commonjs', skipLibCheck: true, noEmit: true }, include: ['ts/**/*'] }));
  for (let i = 0; i < n; i++) {
    const bucket = i % 20;
    const sub = `d${Math.floor(i / 200)}`;
    const [folder, name, text] =
      bucket < 8 ? [join(dir, 'ts', sub), `f${i}.ts`, ts(i)]
      : bucket < 14 ? [join(dir, 'ts', sub), `p${i}.ts`, plain(i)]
      : bucket < 17 ? [join(dir, 'py', sub), `m${i}.py`, py(i)]
      : [join(dir, 'go', `svc${i % 50}`), `f${i}.go`, go(i)];
    mk(folder);
    writeFileSync(join(folder, name), text);
    if (bucket < 8 || bucket >= 14) sites++;
  }
  return sites;
}
const made = new Set<string>();
function mk(d: string): void {
  if (made.has(d)) return;
  mkdirSync(d, { recursive: true });
  made.add(d);
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

interface Server {
  proc: ChildProcess;
  conn: ProtocolConnection;
  diagnostics(uri: string, version: number): Promise<number>;
  /** The site list as the client holds it (sitesChanged, then sitesDelta), and how many of those came. */
  client: { sites: SpanSiteSummary[]; notifications: number };
}

function startServer(): Server {
  const proc = spawn(process.execPath, [...SERVER_EXEC_ARGV, join(root, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, OTEL_FLOW_MAP_DEBOUNCE_MS: '0' } });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const waiting = new Map<string, { version: number; done: (t: number) => void }>();
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    const w = waiting.get(p.uri);
    if (!w || (p.version !== undefined && p.version < w.version)) return;
    waiting.delete(p.uri);
    w.done(performance.now());
  });
  const client = { sites: [] as SpanSiteSummary[], notifications: 0 };
  conn.onNotification(SitesChangedNotification.method, (list: SpanSiteSummary[]) => void ((client.sites = list), client.notifications++));
  conn.onNotification(SitesDeltaNotification.method, (delta: SitesDelta) => void ((client.sites = applySitesDelta(client.sites, delta)), client.notifications++));
  conn.onRequest('client/registerCapability', () => null);
  conn.onNotification('window/logMessage', () => undefined);
  conn.listen();
  return { proc, conn, client, diagnostics: (uri, version) => new Promise((done) => waiting.set(uri, { version, done })) };
}

/** The scan is complete when the server has sent the client every site (after its last step, the site list). */
async function waitForSites(s: Server, expected: number): Promise<void> {
  while (s.client.sites.length < expected) await new Promise((r) => setTimeout(r, 50));
}

async function benchServer(dir: string, sites: number): Promise<Record<string, string>> {
  const s = startServer();
  const folder = pathToFileURL(dir).href;
  const t0 = performance.now();
  await s.conn.sendRequest('initialize', { processId: process.pid, rootUri: folder, workspaceFolders: [{ uri: folder, name: 'bench' }], capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } }, initializationOptions: { settings: { receiver: { autoStart: 'never' } } } });
  await s.conn.sendNotification('initialized', {});
  const first = join(dir, 'ts', 'd0', 'f0.ts');
  const firstUri = pathToFileURL(first).href;
  const firstDiag = s.diagnostics(firstUri, 1);
  await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: firstUri, languageId: 'typescript', version: 1, text: ts(0) } });
  const firstMs = (await firstDiag) - t0;
  await waitForSites(s, sites);
  const scanMs = performance.now() - t0;
  const rss = rssMb(s.proc.pid!);
  const edits: Record<string, number[]> = {};
  for (const [lang, file, text] of [
    ['typescript', first, ts(0)],
    ['python', join(dir, 'py', 'd0', 'm14.py'), py(14)],
    ['go', join(dir, 'go', 'svc17', 'f17.go'), go(17)],
  ] as const) {
    const uri = pathToFileURL(file).href;
    if (lang !== 'typescript') {
      const opened = s.diagnostics(uri, 1);
      await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: lang, version: 1, text } });
      await opened;
    }
    edits[lang] = [];
    for (let v = 2; v < EDITS + 2; v++) {
      const edited = text.replace(/orders\.step_(\d+)/, `orders.step_$1_v${v}`);
      const done = s.diagnostics(uri, v);
      const start = performance.now();
      await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text: edited }] });
      edits[lang].push((await done) - start);
    }
  }
  // The last edit's sites reach the client first (300 ms after it), so the create is measured alone.
  const afterEdits = s.client.notifications;
  const editsSettle = performance.now();
  while (s.client.notifications === afterEdits && performance.now() - editsSettle < CREATE_TIMEOUT_MS) await new Promise((r) => setTimeout(r, 20));
  // Create-file stall: a new Go and a new Python file arrive on disk. From then until the server
  // has taken the file in and sent the client its new sites (sitesDelta), a cheap request
  // (the code actions of an open file) goes out every few ms: the stall is the latest answer. The
  // site list request (every site, as the map asks when it opens) is timed on its own.
  const probe = () => s.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: firstUri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } });
  const stalls: number[] = [];
  const createMs: number[] = [];
  /** The latest answer to probes sent every PROBE_INTERVAL_MS until `done()`, then once more. */
  const worstProbe = async (done: () => boolean): Promise<number> => {
    let worst = 0;
    for (let settled = false; !settled;) {
      settled = done();
      const sent = performance.now();
      await probe();
      worst = Math.max(worst, performance.now() - sent);
      await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
    }
    return worst;
  };
  for (const [file, text] of [[join(dir, 'go', 'svc17', 'new_file.go'), go(17)], [join(dir, 'py', 'd0', 'new_file.py'), py(99_999)]] as const) {
    const seen = s.client.notifications;
    writeFileSync(file, text);
    await s.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(file).href, type: 1 }] });
    const start = performance.now();
    stalls.push(await worstProbe(() => s.client.notifications > seen || performance.now() - start > CREATE_TIMEOUT_MS));
    if (s.client.notifications === seen) throw new Error(`no site change sent within ${CREATE_TIMEOUT_MS} ms of creating ${file}`);
    createMs.push(performance.now() - start);
  }
  // The control: the same probes for as long, with nothing to take in (machine noise alone).
  const quietStart = performance.now();
  const quiet = await worstProbe(() => performance.now() - quietStart > Math.max(...createMs));
  const listStart = performance.now();
  const listed = (await s.conn.sendRequest(SitesRequest)).length;
  const listMs = performance.now() - listStart;
  s.proc.kill();
  const fmt = (xs: number[]) => `p50 ${pct(xs, 0.5).toFixed(1)} / p95 ${pct(xs, 0.95).toFixed(1)} ms`;
  return {
    'server RSS after scan': `${rss.toFixed(0)} MB`,
    'first diagnostics': `${firstMs.toFixed(0)} ms`,
    'scan complete (client has all sites)': `${scanMs.toFixed(0)} ms`,
    'edit → diagnostics TS': fmt(edits.typescript),
    'edit → diagnostics Python': fmt(edits.python),
    'edit → diagnostics Go': fmt(edits.go),
    'create-file stall (Go, Python)': `${stalls.map((x) => `${x.toFixed(0)} ms`).join(', ')}  (same probes, no create: ${quiet.toFixed(0)} ms)`,
    [`site list request (${listed} sites)`]: `${listMs.toFixed(0)} ms`,
  };
}

/** tsserver on the same workspace: open one file, wait for its project to load, read RSS. */
async function tsserverRss(dir: string): Promise<number> {
  const proc = spawn(process.execPath, [join(root, 'node_modules', 'typescript', 'lib', 'tsserver.js'), '--disableAutomaticTypingAcquisition'], { stdio: ['pipe', 'pipe', 'ignore'] });
  let buf = '';
  const loaded = new Promise<void>((resolve) => {
    proc.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      if (/"event":"projectLoadingFinish"/.test(buf) || /"request_seq":2/.test(buf)) resolve();
    });
  });
  const file = join(dir, 'ts', 'd0', 'f0.ts');
  proc.stdin.write(`${JSON.stringify({ seq: 1, type: 'request', command: 'open', arguments: { file } })}\n`);
  proc.stdin.write(`${JSON.stringify({ seq: 2, type: 'request', command: 'semanticDiagnosticsSync', arguments: { file } })}\n`);
  await loaded;
  const rss = rssMb(proc.pid!);
  proc.kill();
  return rss;
}

async function main(): Promise<void> {
  for (const n of SIZES) {
    const dir = mkdtempSync(join(tmpdir(), `ofm-bench-lsp-${n}-`));
    made.clear();
    try {
      const sites = generate(dir, n);
      console.log(`\n${n} files (${sites} span sites), receiver idle`);
      const server = await benchServer(dir, sites);
      const tsserver = await tsserverRss(dir);
      for (const [k, v] of Object.entries(server)) console.log(`  ${k.padEnd(38)} ${v}`);
      console.log(`  ${'tsserver RSS, same workspace'.padEnd(38)} ${tsserver.toFixed(0)} MB  (server/tsserver ${(Number.parseFloat(server['server RSS after scan']) / tsserver).toFixed(2)}x)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
