// The MCP server over Streamable HTTP (what `serve` can mount at /mcp): the SDK's HTTP client lists
// the tools and asks span_sites, against a real `serve` for live data and a temp workspace.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CodeIndex } from '../../server/src/mcp/codeIndex';
import { createMcpHttpHandler } from '../../server/src/mcp/httpEndpoint';
import { httpLiveSource } from '../../server/src/mcp/liveSource';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

describe('MCP over Streamable HTTP', function () {
  this.timeout(60_000);
  let serve: ChildProcess;
  let http: Server;
  let workspace: string;
  let url: URL;

  before(async () => {
    if (!existsSync(CLI)) throw new Error(`build first: ${CLI} is missing (node esbuild.mjs)`);
    workspace = mkdtempSync(join(tmpdir(), 'ofm-mcp-http-'));
    mkdirSync(join(workspace, 'src'));
    writeFileSync(join(workspace, 'src', 'pay.ts'), "import { trace } from '@opentelemetry/api';\n\nexport function pay(): void {\n  trace.getTracer('pay').startSpan('payments.authorize').end();\n}\n");
    serve = spawn(process.execPath, [CLI, 'serve', '--grpc-port', '0', '--http-port', '0', '--ui-port', '0', '--workspace', mkdtempSync(join(tmpdir(), 'ofm-empty-'))], { stdio: ['ignore', 'pipe', 'ignore'] });
    const addr = JSON.parse(await new Promise<string>((resolve) => createInterface({ input: serve.stdout! }).once('line', resolve))) as { ui: string };
    const handler = createMcpHttpHandler(httpLiveSource(addr.ui), new CodeIndex(workspace));
    http = createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`);
  });

  after(() => {
    http?.close();
    if (serve && serve.exitCode === null) serve.kill('SIGKILL');
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('lists the tools and answers span_sites with file:line', async () => {
    const client = new Client({ name: 'mcp-http-test', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(url));
    try {
      assert.ok((await client.listTools()).tools.some((t) => t.name === 'span_sites'));
      const out = await client.callTool({ name: 'span_sites', arguments: { name: 'payments.authorize' } });
      const body = JSON.parse((out as { content: { text: string }[] }).content[0].text) as { sites: { location: string }[] };
      assert.deepEqual(body.sites.map((s) => s.location), ['src/pay.ts:4']);
      const status = JSON.parse((await client.callTool({ name: 'receiver_status', arguments: {} }) as { content: { text: string }[] }).content[0].text) as { ok: boolean };
      assert.equal(status.ok, true);
    } finally {
      await client.close();
    }
  });

  it('refuses GET (no server-sent stream in stateless mode)', async () => {
    assert.equal((await fetch(url)).status, 405);
  });
});
