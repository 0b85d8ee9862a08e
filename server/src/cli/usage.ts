// The command lines, in one place for `--help` and each subcommand's usage errors.
export const SCAN_USAGE = 'otel-flow-map scan [paths...] [--format text|json|sarif] [--config FILE]';
export const SERVE_USAGE =
  'otel-flow-map serve [--grpc-port N] [--http-port N] [--ui-port N] [--data-dir DIR] [--workspace DIR] [--bind ADDR] [--token T] [--snapshot-interval SECONDS]';
