// Import of OTLP JSON trace files (one request, or the collector file exporter's JSON-lines) and
// export of the retained spans, driving the real telemetry host and worker.

import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Graph } from '../../common/src/graph';
import type { TelemetryHost } from '../../server/src/telemetry/host';
import { jsonBody, makeSpan, postTraces, protoBody, recordSpans, startHost, waitFor } from './support';

const MAX_LINE = 64 * 1024;

/** A frontend -> backend call pair plus a backend database read: calls and reads edges. */
function callChain(suffix: string) {
  const frontend = recordSpans(`frontend-${suffix}`, (t) => {
    makeSpan(t, { name: 'GET /api/orders', kind: SpanKind.CLIENT, attributes: { 'server.address': 'backend', 'custom.note': 'kept-on-export' } });
  });
  const client = frontend[0].spanContext();
  const backend = recordSpans(`backend-${suffix}`, (t) => {
    const parent = { spanContext: () => client, isRecording: () => false } as never;
    const server = makeSpan(t, { name: 'GET /api/orders', kind: SpanKind.SERVER, parent });
    makeSpan(t, { name: 'SELECT orders', kind: SpanKind.CLIENT, parent: server, attributes: { 'db.system.name': 'postgresql', 'db.operation.name': 'SELECT' } });
  });
  return { frontend, backend };
}

const ids = (g: Graph) => ({ nodes: g.nodes.map((n) => n.id).sort(), edges: g.edges.map((e) => e.id).sort() });

describe('receiver: trace files (import / export)', function () {
  let host: TelemetryHost;
  let http: string;
  let dir: string;

  before(async () => {
    ({ host, http } = await startHost());
    dir = mkdtempSync(join(tmpdir(), 'ofm-trace-files-'));
  });
  after(async () => {
    await host.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await host.clear();
    await waitFor('a cleared graph', () => host.currentGraph().nodes.length === 0);
  });

  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('imports a single (pretty-printed) ExportTraceServiceRequest', async () => {
    const spans = recordSpans('single-doc', (t) => {
      makeSpan(t, { name: 'a' });
      makeSpan(t, { name: 'b' });
    });
    const text = JSON.stringify(JSON.parse(jsonBody(spans).toString('utf8')), null, 2);
    const result = await host.importTraces(file('single.json', text), MAX_LINE);
    assert.deepEqual(result, { spans: 2, requests: 1, rejectedLines: 0 });
    await waitFor('the imported service', () => host.currentGraph().nodes.some((n) => n.id === 'service:single-doc'));
  });

  it('imports JSON-lines, skipping and counting malformed lines', async () => {
    const a = jsonBody(recordSpans('lines-a', (t) => makeSpan(t, { name: 'x' }))).toString('utf8');
    const b = jsonBody(recordSpans('lines-b', (t) => makeSpan(t, { name: 'y' }))).toString('utf8');
    const text = [a, '{not json', '', '"a string"', '{"resourceSpans": 3}', b].join('\n') + '\r\n';
    const result = await host.importTraces(file('lines.jsonl', text), MAX_LINE);
    assert.deepEqual(result, { spans: 2, requests: 2, rejectedLines: 3 });
    await waitFor('both services', () => ['service:lines-a', 'service:lines-b'].every((id) => host.currentGraph().nodes.some((n) => n.id === id)));
  });

  it('skips a line over the size cap without buffering it, and keeps reading', async () => {
    const big = jsonBody(recordSpans('too-big', (t) => makeSpan(t, { name: 'z', attributes: { pad: 'p'.repeat(4000) } }))).toString('utf8');
    const small = jsonBody(recordSpans('fits', (t) => makeSpan(t, { name: 'w' }))).toString('utf8');
    const result = await host.importTraces(file('cap.jsonl', `${big}\n${small}\n${big}`), 2048);
    assert.deepEqual(result, { spans: 1, requests: 1, rejectedLines: 2 });
    await waitFor('the small line service', () => host.currentGraph().nodes.some((n) => n.id === 'service:fits'));
    assert.ok(!host.currentGraph().nodes.some((n) => n.id === 'service:too-big'));
  });

  it('refuses a directory and reports a missing file', async () => {
    await assert.rejects(host.importTraces(dir, MAX_LINE), /is not a regular file/);
    await assert.rejects(host.importTraces(join(dir, 'missing.json'), MAX_LINE), /could not read .*missing\.json.*ENOENT/);
    await assert.rejects(host.exportTraces(dir), /is not a regular file/);
  });

  it('export then import into a cleared receiver reproduces the services and edges, with every attribute', async () => {
    const { frontend, backend } = callChain('rt');
    // Protobuf: the worker keeps only the attributes the topology reads, the rest stay encoded.
    assert.equal((await postTraces(http, protoBody(backend), { 'content-type': 'application/x-protobuf' })).status, 200);
    assert.equal((await postTraces(http, protoBody(frontend), { 'content-type': 'application/x-protobuf' })).status, 200);
    const before = ids(await waitFor('the calls and reads edges', async () => {
      const g = await host.graph();
      return g.edges.length >= 2 && g.edges.some((e) => e.relation === 'calls') ? g : undefined;
    }));

    const path = join(dir, 'export.jsonl');
    assert.deepEqual(await host.exportTraces(path), { spans: 3, requests: 1 });
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    assert.equal(lines.length, 1);
    const request = JSON.parse(lines[0]) as { resourceSpans: { resource: unknown; scopeSpans: { spans: { traceId: string; attributes: { key: string }[] }[] }[] }[] };
    assert.equal(request.resourceSpans.length, 2, 'grouped by resource');
    const spans = request.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    assert.match(spans[0].traceId, /^[0-9a-f]{32}$/);
    assert.ok(spans.some((s) => s.attributes.some((a) => a.key === 'custom.note')), 'attributes the topology does not read are exported too');

    await host.clear();
    await waitFor('a cleared graph', () => host.currentGraph().nodes.length === 0);
    assert.deepEqual(await host.importTraces(path, MAX_LINE), { spans: 3, requests: 1, rejectedLines: 0 });
    // The imported client spans wait for their server halves like received ones.
    assert.deepEqual(ids(await waitFor('the imported edges', async () => {
      const g = await host.graph();
      return g.edges.length >= before.edges.length ? g : undefined;
    })), before);
    const [roundTrip] = await host.spans({ name: 'GET /api/orders', service: 'frontend-rt' });
    assert.equal(roundTrip.attributes['custom.note'], 'kept-on-export');
  });
});
