// `otel-flow-map mcp` command line and help.
export const MCP_USAGE = 'otel-flow-map mcp [--workspace DIR] [--from URL] [--token T]';

export const MCP_HELP = `Usage: ${MCP_USAGE}

Runs a Model Context Protocol server over stdio for coding agents (see docs/mcp.md).
Tools: service_map, flows, flow_steps, span_sites, findings, receiver_status, find_traces, get_trace.

Options:
  --workspace DIR   Analyze DIR for span sites and findings (default: the current folder)
  --from URL        Live data: a \`serve\` UI URL (e.g. http://127.0.0.1:4320/) or the receiver's
                    read API (default http://127.0.0.1:4318/, the extension's receiver;
                    env OTEL_FLOW_MAP_URL)
  --token T         Bearer token of that API (env OTEL_FLOW_MAP_TOKEN)
  -h, --help        Show this help`;
