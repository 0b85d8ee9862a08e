// `otel-flow-map mcp` end to end: the MCP SDK's stdio client runs the built CLI against a real
// `serve` fed by the OTel JS SDK's OTLP exporter, and a temp workspace the analyzer scans.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { Graph } from '../../common/src/graph';
import { makeSpan, tracerFor } from '../receiver/support';
import { waitFor } from '../support/waitFor';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

const ORDERS_TS = `import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('orders');

export function chargeCard(orderId: string): void {
  const span = tracer.startSpan('billing.charge_card', { attributes: { 'coordimap.flow.run_id': orderId } });
  span.end();
}

export function badName(): void {
  tracer.startActiveSpan('handler', (span) => span.end());
}
`;

async function spawnServe(workspace: string): Promise<{ proc: ChildProcess; addr: { grpc: string; http: string; ui: string } }> {
  const proc = spawn(process.execPath, [CLI, 'serve', '--grpc-port', '0', '--http-port', '0', '--ui-port', '0', '--workspace', workspace], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return { proc, addr: JSON.parse(line) as { grpc: string; http: string; ui: string } };
}

interface TextResult { content: { type: string; text: string }[]; isError?: boolean }
const parse = (r: unknown) => JSON.parse((r as TextResult).content[0].text) as Record<string, unknown>;

describe('otel-flow-map mcp (stdio, against serve)', function () {
  this.timeout(60_000);
  let serve: ChildProcess;
  let addr: { grpc: string; http: string; ui: string };
  let client: Client;
  let workspace: string;
  let traceId: string;

  before(async function () {
    if (!existsSync(CLI)) throw new Error(`build first: ${CLI} is missing (node esbuild.mjs)`);
    workspace = mkdtempSync(join(tmpdir(), 'ofm-mcp-'));
    mkdirSync(join(workspace, 'src'));
    writeFileSync(join(workspace, 'src', 'orders.ts'), ORDERS_TS);
    ({ proc: serve, addr } = await spawnServe(workspace));

    const front = tracerFor('mcp-shop-frontend', new OTLPTraceExporter({ url: `http://${addr.http}/v1/traces` }));
    const checkout = tracerFor('mcp-shop-checkout', new OTLPTraceExporter({ url: `http://${addr.http}/v1/traces` }));
    const call = makeSpan(front.tracer, { name: 'POST /checkout', kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'POST', 'server.address': 'checkout' } });
    const handled = makeSpan(checkout.tracer, { name: 'POST /checkout', kind: SpanKind.SERVER, parent: call, attributes: { 'http.request.method': 'POST', 'http.route': '/checkout' } });
    const charge = checkout.tracer.startSpan('billing.charge_card', { attributes: { 'coordimap.flow.name': 'shop.checkout', 'coordimap.flow.step': 'shop.pay' } }, trace.setSpan(context.active(), handled));
    charge.recordException({ name: 'CardDeclined', message: 'card 4242 declined' });
    charge.setStatus({ code: 2 });
    charge.end();
    traceId = call.spanContext().traceId;
    await Promise.all([front.provider.shutdown(), checkout.provider.shutdown()]);
    await waitFor('both services in /api/graph', async () => {
      const g = (await (await fetch(`${addr.ui}api/graph`)).json()) as Graph;
      return ['mcp-shop-frontend', 'mcp-shop-checkout'].every((s) => g.nodes.some((n) => n.name === s));
    });

    client = new Client({ name: 'mcp-test', version: '0.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', '--from', addr.ui, '--workspace', workspace], stderr: 'inherit' }));
  });

  after(async () => {
    await client?.close();
    if (serve && serve.exitCode === null) serve.kill('SIGKILL');
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('lists the tools, each with a JSON schema', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name).sort();
    assert.deepEqual(names, ['find_traces', 'findings', 'flow_steps', 'flows', 'get_trace', 'receiver_status', 'service_map', 'span_sites']);
    for (const t of tools) assert.equal(t.inputSchema.type, 'object', t.name);
  });

  it('service_map has the services the SDK sent, and filters by service', async () => {
    const map = parse(await client.callTool({ name: 'service_map', arguments: {} })) as { nodes: { name: string }[]; edges: unknown[] };
    const names = map.nodes.map((n) => n.name);
    assert.ok(names.includes('mcp-shop-frontend') && names.includes('mcp-shop-checkout'), names.join(', '));
    const focused = parse(await client.callTool({ name: 'service_map', arguments: { service: 'checkout', limit: 1 } })) as { nodes: unknown[] };
    assert.ok(focused.nodes.length <= 1);
  });

  it("span_sites gives the analyzer's file:line for a span name, with live numbers", async () => {
    const out = parse(await client.callTool({ name: 'span_sites', arguments: { name: 'billing.charge_card' } })) as { sites: { location: string }[]; live: { steps: { flow: string; errors: number }[] } };
    assert.deepEqual(out.sites.map((s) => s.location), ['src/orders.ts:6']);
    assert.equal(out.live.steps[0]?.flow, 'shop.checkout');
    assert.equal(out.live.steps[0]?.errors, 1);
  });

  it('findings lists the bad name under a path', async () => {
    const out = parse(await client.callTool({ name: 'findings', arguments: { path: 'src' } })) as { findings: { location: string; rule: string }[] };
    assert.ok(out.findings.some((f) => f.location === 'src/orders.ts:11' && f.rule === 'generic-name'), JSON.stringify(out.findings));
    const none = parse(await client.callTool({ name: 'findings', arguments: { path: 'elsewhere' } })) as { findings: unknown[] };
    assert.equal(none.findings.length, 0);
  });

  it('flows and flow_steps join the live step with its code', async () => {
    const flows = parse(await client.callTool({ name: 'flows', arguments: {} })) as { flows: { name: string }[] };
    assert.ok(flows.flows.some((f) => f.name === 'shop.checkout'));
    const steps = parse(await client.callTool({ name: 'flow_steps', arguments: { flow: 'shop.checkout' } })) as { steps: { name: string; count: number }[] };
    assert.equal(steps.steps[0].name, 'shop.pay');
    assert.equal(steps.steps[0].count, 1);
  });

  it('find_traces lists the failing trace from /api/traces; get_trace has its exception and the code line of each span', async () => {
    const found = parse(await client.callTool({ name: 'find_traces', arguments: { errorsOnly: true } })) as { traces: { traceId: string; spans: number; errors: number; root: string }[] };
    const row = found.traces.find((t) => t.traceId === traceId);
    assert.ok(row, JSON.stringify(found));
    assert.deepEqual([row.spans, row.errors, row.root], [3, 1, 'mcp-shop-frontend: POST /checkout']);
    const slowest = parse(await client.callTool({ name: 'find_traces', arguments: { service: 'mcp-shop-checkout', name: 'billing.charge_card', order: 'slowest', limit: 1 } })) as { traces: { traceId: string }[] };
    assert.deepEqual(slowest.traces.map((t) => t.traceId), [traceId]);
    const got = parse(await client.callTool({ name: 'get_trace', arguments: { traceId } })) as { spans: { name: string; status: string; code?: string; events?: { name: string; attributes: Record<string, string> }[] }[] };
    assert.deepEqual(got.spans.map((s) => s.name).sort(), ['POST /checkout', 'POST /checkout', 'billing.charge_card']);
    const charge = got.spans.find((s) => s.name === 'billing.charge_card');
    assert.ok(charge);
    assert.equal(charge.status, 'error');
    assert.equal(charge.code, 'src/orders.ts:6');
    assert.deepEqual(charge.events?.map((e) => [e.name, e.attributes['exception.type'], e.attributes['exception.message']]), [['exception', 'CardDeclined', 'card 4242 declined']]);
  });

  it("reads traces from the receiver's read API (--from the OTLP HTTP port) just the same", async () => {
    const direct = new Client({ name: 'mcp-test-receiver', version: '0.0.0' });
    await direct.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', '--from', `http://${addr.http}/`, '--workspace', workspace], stderr: 'inherit' }));
    try {
      const found = parse(await direct.callTool({ name: 'find_traces', arguments: { service: 'mcp-shop-checkout' } })) as { traces: { traceId: string }[] };
      assert.ok(found.traces.some((t) => t.traceId === traceId), JSON.stringify(found));
      const got = parse(await direct.callTool({ name: 'get_trace', arguments: { traceId } })) as { spans: { name: string; code?: string; events?: { attributes: Record<string, string> }[] }[] };
      const charge = got.spans.find((s) => s.name === 'billing.charge_card');
      assert.ok(charge);
      assert.equal(charge.events?.[0].attributes['exception.message'], 'card 4242 declined');
      assert.equal(charge.code, 'src/orders.ts:6', 'the MCP server adds the code line from its own scan');
    } finally {
      await direct.close();
    }
  });

  it('receiver_status reports the listening receiver; bad arguments are tool errors', async () => {
    const status = parse(await client.callTool({ name: 'receiver_status', arguments: {} })) as { ok: boolean; source: string };
    assert.equal(status.ok, true);
    assert.equal(status.source, addr.ui);
    const bad = (await client.callTool({ name: 'get_trace', arguments: { traceId: 'not hex!' } })) as TextResult;
    assert.equal(bad.isError, true);
  });
});
