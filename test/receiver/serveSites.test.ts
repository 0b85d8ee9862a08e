// `otel-flow-map serve --workspace DIR`: the code sites of DIR reach the map over SSE (in
// `init` and in `sites` messages), follow edits of the files, and skip node_modules and
// unparsable files without crashing serve.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SpanSiteSummary } from '../../common/src/sites';
import { waitFor } from './support';
import { readEvents } from '../support/sse';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

const checkoutSource = (spanName: string, leadingLines = 0) => `${'// padding\n'.repeat(leadingLines)}import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('shop');
export function placeOrder(): void {
  tracer.startActiveSpan('${spanName}', (span) => {
    span.end();
  });
}
`;

/** An open /api/events stream that keeps the latest sites it was told about. */
class SiteStream {
  latest: SpanSiteSummary[] | undefined;
  readonly types: string[] = [];
  private readonly abort = new AbortController();

  constructor(url: string) {
    void this.read(url).catch(() => undefined);
  }

  close(): void {
    this.abort.abort();
  }

  private async read(url: string): Promise<void> {
    let seen = 0;
    await readEvents(url, (msgs) => {
      for (const m of msgs.slice(seen)) {
        this.types.push(m.type);
        if (m.type === 'init' || m.type === 'sites') this.latest = m.sites;
      }
      seen = msgs.length;
      return false;
    }, { signal: this.abort.signal });
  }
}

describe('otel-flow-map serve --workspace (code sites)', function () {
  this.timeout(30_000);
  let ws: string;
  let proc: ChildProcess;
  let stderr = '';
  const stdoutLines: string[] = [];
  let ui: string;
  const streams: SiteStream[] = [];
  const stream = () => {
    const s = new SiteStream(`${ui}api/events`);
    streams.push(s);
    return s;
  };

  before(async function () {
    if (!existsSync(CLI)) this.skip();
    ws = mkdtempSync(join(tmpdir(), 'ofm-serve-ws-'));
    mkdirSync(join(ws, 'src'));
    mkdirSync(join(ws, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(ws, 'src', 'checkout.ts'), checkoutSource('checkout.place_order'));
    writeFileSync(join(ws, 'src', 'broken.ts'), 'export const = = ;;; {{{ tracer.startActiveSpan(\n');
    writeFileSync(join(ws, 'node_modules', 'dep', 'index.ts'), checkoutSource('dependency.span'));
    proc = spawn(process.execPath, [CLI, 'serve', '--grpc-port', '0', '--http-port', '0', '--ui-port', '0', '--workspace', ws], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const rl = createInterface({ input: proc.stdout! });
    const first = new Promise<string>((resolve, reject) => {
      rl.on('line', (l) => {
        stdoutLines.push(l);
        if (stdoutLines.length === 1) resolve(l);
      });
      proc.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    });
    ui = (JSON.parse(await first) as { ui: string }).ui;
  });

  after(() => {
    for (const s of streams) s.close();
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
    if (ws) rmSync(ws, { recursive: true, force: true });
  });

  it('sends the workspace sites to the map, with workspace-relative file and 1-based line', async () => {
    const events = stream();
    const site = await waitFor('the checkout site over SSE', () => events.latest?.find((s) => s.name === 'checkout.place_order'), 20_000);
    assert.equal(site.file, 'src/checkout.ts');
    assert.equal(site.line, 5);
    assert.equal(site.column, 3);
    assert.equal(site.scope, 'shop');
    assert.ok(!events.latest!.some((s) => s.file.includes('node_modules')), 'node_modules is not scanned');
    assert.equal(events.types[0], 'init');
  });

  it('follows edits: the changed site is pushed to open maps and in later init messages', async () => {
    const events = stream();
    await waitFor('the first sites', () => events.latest?.some((s) => s.name === 'checkout.place_order'));
    writeFileSync(join(ws, 'src', 'checkout.ts'), checkoutSource('checkout.confirm_order', 2));
    const moved = await waitFor('the edited site', () => events.latest?.find((s) => s.name === 'checkout.confirm_order'), 20_000);
    assert.equal(moved.file, 'src/checkout.ts');
    assert.equal(moved.line, 7);
    assert.ok(!events.latest!.some((s) => s.name === 'checkout.place_order'), 'the old name is gone');
    assert.ok(events.types.includes('sites'), 'the update came as a sites message');

    const later = stream();
    await waitFor('a later init', () => later.types.length > 0);
    assert.equal(later.types[0], 'init');
    assert.ok(later.latest?.some((s) => s.name === 'checkout.confirm_order' && s.line === 7));
  });

  it('picks up new files in new folders, survives unparsable ones and keeps stdout to one line', async () => {
    const events = stream();
    mkdirSync(join(ws, 'src', 'payments'));
    writeFileSync(join(ws, 'src', 'payments', 'pay.ts'), checkoutSource('payments.charge'));
    writeFileSync(join(ws, 'src', 'payments', 'bad.ts'), ')))(((');
    const site = await waitFor('the new file site', () => events.latest?.find((s) => s.name === 'payments.charge'), 20_000);
    assert.equal(site.file, 'src/payments/pay.ts');
    assert.equal(proc.exitCode, null, 'serve still runs');
    assert.match(stderr, /broken\.ts/, 'the unparsable file is reported on stderr');
    assert.equal(stdoutLines.length, 1);
  });

  it('refuses a --workspace that is not a folder with a usage error', async () => {
    const bad = spawn(process.execPath, [CLI, 'serve', '--grpc-port', '0', '--http-port', '0', '--ui-port', '0', '--workspace', join(ws, 'missing')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    bad.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => bad.once('exit', resolve));
    assert.equal(code, 2);
    assert.match(err, /--workspace .* is not a folder/);
  });
});
