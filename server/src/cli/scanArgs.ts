// The command line of `scan`, with ESLint's and ruff's option names so CI habits carry over.

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export interface ScanArgs {
  paths: string[];
  format: Format;
  config?: string;
  outputFile?: string;
  quiet: boolean;
  maxWarnings?: number;
  ignorePatterns: string[];
  reportUnusedDisables: boolean;
}

/** Parsed arguments, `'help'`, or a usage error message. */
export type ParsedScanArgs = ScanArgs | 'help' | { error: string };

const VALUE_FLAGS: Record<string, string> = {
  '-f': '--format', '--format': '--format',
  '-o': '--output-file', '--output-file': '--output-file',
  '-c': '--config', '--config': '--config',
  '--ignore-pattern': '--ignore-pattern',
  '--max-warnings': '--max-warnings',
};

const SWITCHES: Record<string, (out: ScanArgs) => void> = {
  '-q': (out) => (out.quiet = true),
  '--quiet': (out) => (out.quiet = true),
  '--report-unused-disables': (out) => (out.reportUnusedDisables = true),
};

export function parseScanArgs(args: string[]): ParsedScanArgs {
  const out: ScanArgs = { paths: [], format: 'text', quiet: false, ignorePatterns: [], reportUnusedDisables: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      out.paths.push(...args.slice(i + 1));
      break;
    }
    if (a === '--help' || a === '-h') return 'help';
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const flag = VALUE_FLAGS[name];
    if (flag) {
      const value = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (value === undefined || value === '') return { error: `${name} needs a value` };
      const error = setValue(out, flag, value);
      if (error) return { error };
    } else if (SWITCHES[a]) SWITCHES[a](out);
    else if (a.startsWith('-') && a !== '-') return { error: `Unknown option: ${a}` };
    else out.paths.push(a);
  }
  return out;
}

function setValue(out: ScanArgs, flag: string, value: string): string | undefined {
  switch (flag) {
    case '--format':
      if (!FORMATS.includes(value as Format)) return `Unknown format: ${value} (one of ${FORMATS.join(', ')})`;
      out.format = value as Format;
      return undefined;
    case '--output-file':
      out.outputFile = value;
      return undefined;
    case '--config':
      out.config = value;
      return undefined;
    case '--ignore-pattern':
      out.ignorePatterns.push(value);
      return undefined;
    case '--max-warnings': {
      const n = Number(value);
      if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n) || n < -1) return `--max-warnings needs a whole number of warnings, got ${value}`;
      // -1 means no limit, as in ESLint.
      out.maxWarnings = n === -1 ? undefined : n;
      return undefined;
    }
    default:
      return `Unknown option: ${flag}`;
  }
}
