// The CLI's commands, bundled apart from the entry (dist/cliCommands.js): `otel-flow-map --version`
// and `--help` load only the small dist/cli.js, never these megabytes (the TypeScript compiler,
// tree-sitter, the receiver). Each command is still imported on demand.

export async function runCommand(command: 'scan' | 'serve' | 'mcp' | 'run', args: string[]): Promise<number> {
  if (command === 'scan') return (await import('./cli/scan')).runScan(args);
  if (command === 'mcp') return (await import('./mcp/mcpServer')).runMcp(args);
  if (command === 'run') return (await import('./cli/run')).runRun(args);
  return (await import('./cli/serve')).runServe(args);
}
