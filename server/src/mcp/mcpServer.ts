// `otel-flow-map mcp`: a Model Context Protocol server over stdio for coding agents. Code questions
// are answered by the analyzer run on --workspace; live ones by the map's HTTP API at --from (a
// `serve` UI URL, or the receiver read API the extension runs on the OTLP HTTP port). stdout is
// the protocol channel: logs go to stderr only.

import { isAbsolute, relative, resolve } from 'node:path';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { emptyGraph } from '../../../common/src/graph';
import { CodeIndex } from './codeIndex';
import { httpLiveSource, LiveError, type LiveSource } from './liveSource';
import { isTraceId } from '../../../common/src/protocol';
import { DEFAULT_SETTINGS } from '../../../common/src/settings';
import { withCode } from '../link/traceCode';
import { findingsUnder, flowList, flowSteps, limitOf, serviceMap, spanSites, TOOLS, traceRows, traceView } from './tools';
import { MCP_HELP } from './usage';

export const DEFAULT_FROM = 'http://127.0.0.1:4318/';
/** An answer larger than this is cut (agents' context is precious). */
const MAX_ANSWER_CHARS = 60_000;

export interface McpArgs {
  workspace: string;
  from: string;
  token?: string;
}

export function parseMcpArgs(args: string[], env: NodeJS.ProcessEnv = process.env): McpArgs | 'help' | { error: string } {
  if (args.includes('--help') || args.includes('-h')) return 'help';
  const out: McpArgs = { workspace: '.', from: env.OTEL_FLOW_MAP_URL || DEFAULT_FROM, token: env.OTEL_FLOW_MAP_TOKEN || undefined };
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (value === undefined) return { error: `missing value for ${flag}` };
    if (flag === '--workspace') out.workspace = value;
    else if (flag === '--from') {
      try {
        const u = new URL(value);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') return { error: '--from needs an http(s) URL' };
      } catch {
        return { error: `--from needs a URL, got ${value}` };
      }
      out.from = value;
    } else if (flag === '--token') out.token = value;
    else return { error: `unknown option ${flag}` };
  }
  return out;
}

export async function runMcp(argv: string[]): Promise<number> {
  const parsed = parseMcpArgs(argv);
  if (parsed === 'help') {
    process.stdout.write(`${MCP_HELP}\n`);
    return 0;
  }
  if ('error' in parsed) {
    process.stderr.write(`${parsed.error}\n\n${MCP_HELP}\n`);
    return 2;
  }
  const server = createMcpServer(httpLiveSource(parsed.from, parsed.token), new CodeIndex(resolve(parsed.workspace)));
  const closed = new Promise<void>((done) => (server.onclose = done));
  await server.connect(new StdioServerTransport());
  process.stdin.once('end', () => void server.close());
  process.stderr.write(`otel-flow-map mcp: workspace ${resolve(parsed.workspace)}, live data from ${parsed.from}\n`);
  await closed;
  return 0;
}

export function createMcpServer(live: LiveSource, code: CodeIndex): Server {
  const server = new Server({ name: 'otel-flow-map', version: process.env.OTEL_FLOW_MAP_VERSION ?? '0.0.0' }, { capabilities: { tools: {} } });
  // Start the first scan now: the first code question should not wait for all of it.
  code.get().catch(() => undefined);
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: TOOLS }));
  server.setRequestHandler(CallToolRequestSchema, async (req): Promise<CallToolResult> => {
    const args = req.params.arguments ?? {};
    try {
      return answer(await callTool(req.params.name, args, live, code));
    } catch (err) {
      const message = err instanceof LiveError || err instanceof ToolError ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`;
      return { isError: true, content: [{ type: 'text', text: message }] };
    }
  });
  return server;
}

class ToolError extends Error {}

const text = (v: unknown, name: string): string => {
  if (typeof v === 'string' && v.length > 0 && v.length <= 512) return v;
  throw new ToolError(`${name} must be a non-empty string of at most 512 characters`);
};
const optional = (v: unknown, name: string): string | undefined => (v === undefined || v === '' ? undefined : text(v, name));

async function callTool(name: string, args: Record<string, unknown>, live: LiveSource, code: CodeIndex): Promise<unknown> {
  const max = limitOf(args, name);
  switch (name) {
    case 'service_map':
      return serviceMap(await live.graph(), { service: optional(args.service, 'service'), kind: optional(args.kind, 'kind'), limit: max });
    case 'flows':
      return flowList(await live.graph(), max);
    case 'flow_steps': {
      const [graph, snap] = await Promise.all([live.graph(), code.get()]);
      return flowSteps(graph, snap.sites, text(args.flow, 'flow'));
    }
    case 'span_sites': {
      const snap = await code.get();
      const graph = await live.graph().catch(() => undefined);
      const out = spanSites(graph ?? emptyGraph(), snap.sites, text(args.name, 'name'), max);
      return graph ? out : { ...out, live: `no live data: ${live.base} did not answer` };
    }
    case 'findings': {
      const snap = await code.get();
      const path = optional(args.path, 'path');
      // An absolute path inside the workspace is taken relative to it.
      const rel = path && isAbsolute(path) ? relative(code.root, path) : path;
      return { workspace: code.root, filesScanned: snap.files, ...findingsUnder(snap.findings, rel, max) };
    }
    case 'receiver_status':
      return live.status();
    case 'find_traces': {
      const order = (['newest', 'slowest', 'errors'] as const).find((o) => o === args.order);
      const minDurationMs = typeof args.minDurationMs === 'number' && Number.isFinite(args.minDurationMs) && args.minDurationMs >= 0 ? args.minDurationMs : undefined;
      const query = {
        service: optional(args.service, 'service'), name: optional(args.name, 'name'), flow: optional(args.flow, 'flow'), step: optional(args.step, 'step'),
        ...(args.errorsOnly === true ? { status: 'error' as const } : {}), ...(order ? { order } : {}), ...(minDurationMs !== undefined ? { minDurationMs } : {}), limit: max,
      };
      return traceRows((await live.traces(query)).traces, max);
    }
    case 'get_trace': {
      const id = text(args.traceId, 'traceId');
      if (!isTraceId(id)) throw new ToolError('traceId must be 32 hex digits');
      const trace = await live.trace(id.toLowerCase());
      if (!trace) return { traceId: id, spans: [], note: `${live.base} keeps no span or log of this trace (it may have been evicted: newest traces are kept, failing and slow ones longer)` };
      // The code line of each span from this server's own scan of the workspace (a receiver's API has none).
      const snap = await code.get().catch(() => undefined);
      return traceView(snap ? withCode(trace, { sites: snap.sites, attributePrefix: DEFAULT_SETTINGS.analysis.attributePrefix }) : trace);
    }
    default:
      throw new ToolError(`unknown tool ${name}`);
  }
}

function answer(value: unknown): CallToolResult {
  let body = JSON.stringify(value, null, 1);
  if (body.length > MAX_ANSWER_CHARS) body = `${body.slice(0, MAX_ANSWER_CHARS)}\n… (cut at ${MAX_ANSWER_CHARS} characters: use a filter or a smaller limit)`;
  return { content: [{ type: 'text', text: body }] };
}
