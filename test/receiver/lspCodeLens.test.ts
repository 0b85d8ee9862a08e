// CodeLens and hover at the LSP boundary: the built language server over real JSON-RPC, its
// receiver fed over OTLP/HTTP. A client span and the server span answering it share one name:
// each site counts only its own kind's spans; the lens shows the recent window's numbers (count,
// rate, errors, p95, last seen), and `idle Ns` once the site was silent for the whole window,
// which the server asks the editor to re-read without any new span arriving. A second lens opens a
// recent trace through the site (failing first): its query finds one.

import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeLens, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { SitesRequest, TracesRequest } from '../../common/src/lspMethods';
import type { TraceQuery } from '../../common/src/traces';
import { startServer, stopServer } from './lspServer';
import { makeSpan, postTraces, protoBody, recordSpans, waitFor } from './support';

const SOURCE = `import { SpanKind, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('test-scope');
export function charge(): void {
  const span = tracer.startSpan('POST /charge', { kind: SpanKind.CLIENT });
  span.end();
}
export function handleCharge(): void {
  const span = tracer.startSpan('POST /charge', { kind: SpanKind.SERVER });
  span.end();
}
`;
const CLIENT_LINE = 3;
const SERVER_LINE = 7;
/** The recent window (receiver.windowSeconds): short, so the test sees a site go idle. */
const WINDOW_S = 10;

describe('CodeLens and hover: window numbers, one kind per site (real JSON-RPC)', function () {
  this.timeout(60_000);
  let storage: string;
  let ws: string;
  before(() => {
    storage = mkdtempSync(join(tmpdir(), 'ofm-lens-'));
    ws = mkdtempSync(join(tmpdir(), 'ofm-lens-ws-'));
    mkdirSync(join(ws, 'src'));
    writeFileSync(join(ws, 'src', 'charge.ts'), SOURCE);
  });
  after(() => {
    rmSync(storage, { recursive: true, force: true });
    rmSync(ws, { recursive: true, force: true });
  });

  it('counts each site once, over the window, then says idle', async () => {
    const s = await startServer({ grpcPort: 0, httpPort: 0, pairingTtlSeconds: 0.3, windowSeconds: WINDOW_S }, storage, ws);
    const uri = pathToFileURL(join(ws, 'src', 'charge.ts')).href;
    const allLenses = () => s.conn.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    const lenses = async () => {
      const all = await allLenses();
      const at = (line: number) => all.find((l) => l.range.start.line === line && l.command?.command === 'otelFlowMap.showInMap')?.command?.title;
      return { client: at(CLIENT_LINE), server: at(SERVER_LINE) };
    };
    const traceLens = async (line: number) => (await allLenses()).find((l) => l.range.start.line === line && l.command?.command === 'otelFlowMap.openRecentTrace')?.command;
    const hover = async (line: number) => {
      const h = await s.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: 32 } });
      return (h?.contents as MarkupContent | undefined)?.value ?? '';
    };
    try {
      const listening = await waitFor('listening status', () => s.statuses.find((x) => x.state === 'listening'));
      const sites = await waitFor('both sites indexed', async () => {
        const all = await s.conn.sendRequest(SitesRequest);
        return all.length === 2 && all;
      });
      assert.deepEqual(sites.map((x) => x.kind).sort(), ['client', 'server']);
      assert.deepEqual(await lenses(), { client: 'not seen live', server: 'not seen live' });

      // checkout calls payments: 4 client spans (all failing), 2 server spans (none failing), one name.
      const clientSpans = recordSpans('checkout', (t) => {
        for (let i = 0; i < 4; i++) makeSpan(t, { name: 'POST /charge', kind: SpanKind.CLIENT, error: true, durationMs: 40 });
      });
      const serverSpans = recordSpans('payments', (t) => {
        for (let i = 0; i < 2; i++) makeSpan(t, { name: 'POST /charge', kind: SpanKind.SERVER, durationMs: 30 });
      });
      for (const body of [protoBody(clientSpans), protoBody(serverSpans)]) {
        assert.equal((await postTraces(listening.http!, body, { 'content-type': 'application/x-protobuf' })).status, 200);
      }
      const live = await waitFor('both lenses live', async () => {
        const l = await lenses();
        return l.client?.includes(' in 10s') && l.server?.includes(' in 10s') && l;
      });
      // The window is sliding (a share of its oldest 10 s bucket counts), so its count is at most
      // what was sent, never the two kinds together.
      const windowCount = (title: string) => Number(/^(\d+) spans? in 10s · /.exec(title)?.[1]);
      assert.ok(windowCount(live.client!) >= 1 && windowCount(live.client!) <= 4, live.client);
      assert.ok(windowCount(live.server!) >= 1 && windowCount(live.server!) <= 2, live.server);
      assert.match(live.client!, / · [\d.]+\/(s|min) · 100% errors · p95 \d[\d.]* ms · seen \d+s ago$/);
      assert.match(live.server!, / · [\d.]+\/(s|min) · 0% errors · p95 \d[\d.]* ms · seen \d+s ago$/);

      const clientHover = await hover(CLIENT_LINE);
      assert.match(clientHover, /Since start: 4 spans · 100% errors/);
      assert.match(clientHover, /Last 10s: \d spans? · /);
      assert.match(clientHover, /Last seen \d+s ago/);
      assert.match(clientHover, /Services: checkout$/m);
      assert.match(clientHover, /\[Open a failing trace\]\(command:otelFlowMap\.openRecentTrace\?/);

      // From the code to a trace: the lens's query, sent as the client sends it, finds a trace through the site.
      const failing = (await traceLens(CLIENT_LINE))!;
      assert.equal(failing.title, 'open a failing trace');
      assert.deepEqual(failing.arguments, [{ name: 'POST /charge', service: 'checkout', order: 'errors' }]);
      const slowest = (await traceLens(SERVER_LINE))!;
      assert.deepEqual([slowest.title, slowest.arguments], ['open the slowest trace', [{ name: 'POST /charge', service: 'payments', order: 'slowest' }]]);
      const found = await s.conn.sendRequest(TracesRequest, { ...(failing.arguments[0] as TraceQuery), limit: 1 });
      assert.equal(found.traces.length, 1);
      assert.ok(found.traces[0].errorCount > 0, 'the failing trace first');
      assert.ok(clientSpans.some((span) => span.spanContext().traceId === found.traces[0].traceId));

      const serverHover = await hover(SERVER_LINE);
      assert.match(serverHover, /Since start: 2 spans · 0% errors/);
      assert.match(serverHover, /Services: payments$/m);

      // No span arrives any more: the lenses say idle, and the server keeps asking the editor to
      // re-read them (no delta comes to trigger it) while the numbers slide.
      const idle = await waitFor('both lenses idle', async () => {
        const l = await lenses();
        return l.client?.startsWith('idle ') && l.server?.startsWith('idle ') && l;
      }, (WINDOW_S + 10) * 1000);
      assert.match(idle.client!, /^idle \d+s · 4 spans since start$/);
      assert.match(idle.server!, /^idle \d+s · 2 spans since start$/);
      assert.ok(Number(/^idle (\d+)s/.exec(idle.client!)?.[1]) >= WINDOW_S);
      const refreshesBefore = s.lensRefreshes;
      await waitFor('a CodeLens refresh from the server while the numbers slide', () => s.lensRefreshes > refreshesBefore, 15_000);
      assert.match(await hover(CLIENT_LINE), /Idle \d+s: no spans in the last 10s/);
    } finally {
      await stopServer(s);
    }
  });
});
