// `otel-flow-map scan`: the analyzer alone, for CI, with ESLint's and ruff's conventions.
// Settings come from --config, else ./otel-flow-map.json, else the defaults.
// Exit 0 clean; 1 when a finding is at error level or warnings exceed --max-warnings; 2 on a usage
// error, a missing path, an unreadable config or an output file that cannot be written.
// Files that cannot be read or parsed are reported on stderr and skipped (not a failure).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CONFIG_FILE_NAME, loadConfigFile } from '../analysis/config';
import { scanPaths } from '../analysis/workspace';
import { buildReport } from './report';
import { formatSarif } from './sarif';
import { parseScanArgs } from './scanArgs';
import { formatGithub, formatJson, formatText } from './scanFormats';
import { resolveTargets } from './scanTargets';
import { SCAN_HELP, SCAN_USAGE } from './usage';

function usageError(message: string): number {
  console.error(`otel-flow-map scan: ${message}\nUsage: ${SCAN_USAGE}\nRun 'otel-flow-map scan --help' for the options.`);
  return 2;
}

export async function runScan(argv: string[]): Promise<number> {
  const args = parseScanArgs(argv);
  if (args === 'help') {
    console.log(SCAN_HELP);
    return 0;
  }
  if ('error' in args) return usageError(args.error);
  const cwd = process.cwd();
  const config = loadConfigFile(resolve(cwd, args.config ?? CONFIG_FILE_NAME));
  if (args.config && !config.found) return usageError(`config file not found: ${args.config}`);
  if (config.error) {
    console.error(`otel-flow-map scan: invalid config: ${config.error}`);
    return 2;
  }
  const settings = { ...config.analysis, exclude: [...config.analysis.exclude, ...args.ignorePatterns] };
  const resolved = await resolveTargets(args.paths, { cwd, exclude: settings.exclude });
  if ('error' in resolved) return usageError(resolved.error);

  const result = await scanPaths(resolved.targets, settings, cwd);
  for (const p of result.problems) console.error(p.file ? `otel-flow-map: skipped ${p.file}: ${p.message}` : `otel-flow-map: ${p.message}`);
  const report = buildReport(result, args);
  const output = args.format === 'json' ? formatJson(report, result, cwd, settings)
    : args.format === 'sarif' ? formatSarif(report, cwd)
    : args.format === 'github' ? formatGithub(report, cwd)
    : formatText(report, cwd);
  if (args.outputFile) {
    try {
      const file = resolve(cwd, args.outputFile);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, output);
    } catch (err) {
      console.error(`otel-flow-map scan: cannot write ${args.outputFile}: ${(err as Error).message}`);
      return 2;
    }
  } else await new Promise<void>((done) => process.stdout.write(output, () => done()));

  if (report.errors > 0) return 1;
  if (args.maxWarnings !== undefined && report.warnings > args.maxWarnings) {
    console.error(`otel-flow-map: ${report.warnings} warning(s), more than --max-warnings ${args.maxWarnings}.`);
    return 1;
  }
  return 0;
}
