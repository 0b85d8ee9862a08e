// The `otel-flow-map` command: `scan` (analyzer alone, for CI), `serve` (receiver + map on loopback)
// `mcp` (a Model Context Protocol server over stdio for coding agents) and `run -- <command>`
// (a command exporting to the map).
// Exit codes: 0 ok, 1 findings at error severity (scan) or a runtime failure, 2 usage errors.

// Kept tiny: the commands live in dist/cliCommands.js, required only when one runs (fast start).
import { join } from 'node:path';
import { SCAN_USAGE, SERVE_USAGE } from './cli/usage';
import { RUN_USAGE } from './cli/runUsage';
import { MCP_USAGE } from './mcp/usage';

type Commands = typeof import('./cliCommands');
/** A path esbuild cannot follow: the commands stay out of this bundle. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous load of a sibling bundle by computed path; an import would be bundled or made async
const loadCommands = (): Commands => require(join(__dirname, 'cliCommands.js')) as Commands;

const USAGE = `Usage:
  ${SCAN_USAGE}
  ${SERVE_USAGE}
  ${MCP_USAGE}
  ${RUN_USAGE}
  otel-flow-map --version | --help`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'scan':
    case 'serve':
    case 'mcp':
    case 'run':
      return loadCommands().runCommand(command, rest);
    case '--version':
    case '-v':
      console.log(process.env.OTEL_FLOW_MAP_VERSION ?? '0.0.0');
      return 0;
    case '--help':
    case '-h':
    case 'help':
      console.log(USAGE);
      return 0;
    default:
      console.error(command ? `Unknown command: ${command}\n\n${USAGE}` : USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0 || (process.argv[2] !== 'serve' && process.argv[2] !== 'mcp')) process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
