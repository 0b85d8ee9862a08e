// The MCP server over Streamable HTTP, for `serve` to mount at /mcp (off unless enabled). Stateless:
// each POST gets a fresh protocol server over the same live source and code index, answered as
// JSON. The caller applies the same Host and token rules as its API before handing a request here;
// the MCP tools only read.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { TelemetryHost } from '../telemetry/host';
import type { CodeIndex } from './codeIndex';
import type { LiveSource } from './liveSource';
import { createMcpServer } from './mcpServer';

export type McpHttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createMcpHttpHandler(live: LiveSource, code: CodeIndex): McpHttpHandler {
  return async (req, res) => {
    if (req.method !== 'POST') {
      // No server-sent stream in stateless mode.
      res.writeHead(405, { allow: 'POST', 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'use POST' }, id: null }));
      return;
    }
    const server = createMcpServer(live, code);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  };
}

/** Live data straight from `serve`'s telemetry host (no HTTP round trip); `base` names it in answers. */
/** `traces`: where the map's traces come from when not the host's store (`serve --source jaeger=…`). */
export function hostLiveSource(host: TelemetryHost, base: string | (() => string), traces: Pick<LiveSource, 'traces' | 'trace'> = host): LiveSource {
  const baseOf = typeof base === 'string' ? () => base : base;
  return {
    get base() {
      return baseOf();
    },
    graph: () => host.graph(),
    spans: (q) => host.spans(q),
    traces: (q) => traces.traces(q),
    trace: (traceId) => traces.trace(traceId),
    status: () => Promise.resolve({ source: baseOf(), ok: host.status().state === 'listening', receiver: host.status(), workerRestarts: host.health().restarts }),
  };
}
