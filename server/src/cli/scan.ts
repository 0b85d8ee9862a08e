// `otel-flow-map scan [paths...] [--format text|json|sarif] [--config FILE]`: the analyzer
// alone, for CI. Settings come from --config, else ./otel-flow-map.json, else the defaults.
// Exit 0 when no finding is at error severity, 1 otherwise, 2 on usage errors.
// Files that cannot be read are reported on stderr and skipped.

import { resolve } from 'node:path';
import { CONFIG_FILE_NAME, loadConfigFile } from '../analysis/config';
import { scanPaths } from '../analysis/workspace';
import { formatJson, formatSarif, formatText } from './scanFormats';
import { SCAN_USAGE } from './usage';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

interface ScanArgs {
  paths: string[];
  format: Format;
  config?: string;
}

const USAGE = `Usage: ${SCAN_USAGE}`;

export function parseScanArgs(args: string[]): ScanArgs | string {
  const out: ScanArgs = { paths: [], format: 'text' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? args[++i];
    if (flag === '--format') {
      const f = value();
      if (!FORMATS.includes(f as Format)) return `Unknown format: ${f ?? '(missing)'}`;
      out.format = f as Format;
    } else if (flag === '--config') {
      const c = value();
      if (!c) return '--config needs a file';
      out.config = c;
    } else if (a === '--help' || a === '-h') return '';
    else if (a.startsWith('-') && a !== '-') return `Unknown option: ${a}`;
    else out.paths.push(a);
  }
  return out;
}

export async function runScan(args: string[]): Promise<number> {
  const parsed = parseScanArgs(args);
  if (typeof parsed === 'string') {
    if (parsed) console.error(parsed);
    console.error(USAGE);
    return parsed ? 2 : 0;
  }
  const cwd = process.cwd();
  const config = loadConfigFile(resolve(cwd, parsed.config ?? CONFIG_FILE_NAME));
  if (parsed.config && !config.found) {
    console.error(`Config file not found: ${parsed.config}`);
    return 2;
  }
  if (config.error) {
    console.error(`Invalid config: ${config.error}`);
    return 2;
  }
  const result = await scanPaths(parsed.paths, config.analysis, cwd);
  for (const p of result.problems) console.error(p.file ? `otel-flow-map: skipped ${p.file}: ${p.message}` : `otel-flow-map: ${p.message}`);
  const output = parsed.format === 'json' ? formatJson(result, cwd, config.analysis)
    : parsed.format === 'sarif' ? formatSarif(result, cwd)
    : formatText(result, cwd);
  await new Promise<void>((done) => process.stdout.write(output, () => done()));
  return result.findings.some((f) => f.severity === 'error') ? 1 : 0;
}
