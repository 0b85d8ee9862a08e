// The command lines and `--help` texts, in one place for `--help` and each subcommand's usage errors.
export const SCAN_USAGE = 'otel-flow-map scan [paths or globs...] [options]';
export const SERVE_USAGE =
  'otel-flow-map serve [--grpc-port N] [--http-port N] [--ui-port N] [--data-dir DIR] [--workspace DIR] [--bind ADDR] [--token T] [--cors-origin ORIGIN]... [--forward URL] [--snapshot-interval SECONDS] [--window DURATION] [--source local|prometheus=URL[,window=5m][,refresh=10s]|jaeger=URL[,lookback=1h]]... [--mcp]';

export const SCAN_HELP = `Usage: ${SCAN_USAGE}

Checks OpenTelemetry span and flow names in TypeScript/JavaScript, Python and Go files.
Paths default to "."; folders are walked (include/exclude of otel-flow-map.json, .gitignore,
generated files skipped); a glob such as 'src/**/*.{ts,{js,mjs}}' is expanded (quote it).

Options:
  -f, --format text|json|sarif|github  Output format (default text; github = workflow annotations)
  -o, --output-file FILE          Write the report to FILE instead of stdout
  -c, --config FILE               Settings file (default ./otel-flow-map.json when present)
      --ignore-pattern GLOB       Leave out matching files (repeatable; like exclude)
  -q, --quiet                     Report errors only
      --max-warnings N            Exit 1 when there are more than N warnings
      --report-unused-disables    Report suppression comments that silence nothing, as warnings
  -h, --help                      Show this help

Exit codes: 0 no error-level finding (and warnings within --max-warnings), 1 otherwise,
2 usage error, missing path, unreadable config or output file.
Rules and how to suppress them: docs/rules.md.`;

export const SERVE_HELP = `Usage: ${SERVE_USAGE}

Runs the OTLP receiver (gRPC and HTTP) and serves the live map on a loopback HTTP port.
Prints one JSON line with the bound addresses on stdout; logs go to stderr.

Options:
  --grpc-port N, --http-port N     OTLP receiver ports (0 = any free port; default 4317, 4318)
  --ui-port N                      Port of the map page (default 4320)
  --data-dir DIR                   Keep history snapshots in DIR
  --workspace DIR                  Scan DIR for the code sites behind code links (default .)
  --bind ADDR                      Listen address (default 127.0.0.1; others need --token)
  --token T                        Require Authorization: Bearer T
  --cors-origin ORIGIN             Let a browser SDK at ORIGIN post OTLP/HTTP (repeatable; * = any)
  --forward URL                    Also send what arrives to this OTLP/HTTP endpoint (never our own address)
  --snapshot-interval SECONDS      How often a snapshot is taken (needs --data-dir)
  --window DURATION                The recent window of the map's numbers: 10s … 1h (default 1m)
  --source prometheus=URL[,opts]   Show the graph read from that Prometheus instead of the local
                                   receiver's (which keeps running): window=5m|total, refresh=10s,
                                   series=auto|ours|peers|spanmetrics, max-series=N, max-bytes=N;
                                   a bearer token from OTEL_FLOW_MAP_PROMETHEUS_TOKEN
  --source jaeger=URL[,opts]       Answer the trace list and traces (/api/traces) from that Jaeger
                                   query service: lookback=1h, limit=20, refresh=30s, max-bytes=N;
                                   a bearer token from OTEL_FLOW_MAP_JAEGER_TOKEN
  --mcp                            Also serve the MCP tools (docs/mcp.md) at /mcp on the UI port,
                                   behind the same Host and --token checks as the API
  -h, --help                       Show this help

Exit codes: 0 on a clean stop, 1 when a port cannot be bound, 2 on a usage error.`;
