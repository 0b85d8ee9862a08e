// `otel-flow-map run` command line and help (apart from run.ts: the CLI entry prints them without loading it).
export const RUN_USAGE = 'otel-flow-map run [--http-port N] [--ui-port N] [--token T] [--keep] -- <command> [args...]';

export const RUN_HELP = `Usage: ${RUN_USAGE}

Runs <command> with OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL (and
OTEL_EXPORTER_OTLP_HEADERS with a token) set, so that its OpenTelemetry SDK exports to the map.
It looks for a receiver of ours on 127.0.0.1: a \`serve\` map page on --ui-port (default 4320),
then the editor's receiver on --http-port (default 4318); when none answers it starts
\`otel-flow-map serve\` for the command (stopped when the command ends, unless --keep).
OTEL_FLOW_MAP_URL is set too when the map's URL is known (for \`otel-flow-map mcp\`).

Options:
  --http-port N   OTLP/HTTP port of the receiver to look for and to start (default 4318)
  --ui-port N     Map port of a \`serve\` to look for and to start (default 4320)
  --token T       Bearer token of that receiver (default env OTEL_FLOW_MAP_TOKEN)
  --keep          Keep a started \`serve\` running after the command ends (Ctrl-C stops it)
  -h, --help      Show this help

Exit codes: the command's; 2 on a usage error; 1 when no receiver can be found or started.`;
