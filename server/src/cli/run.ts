// `otel-flow-map run [options] -- <command> [args...]`: runs a command with the OTLP variables
// pointing at a running receiver of ours (a `serve`, or the editor's receiver), or at a `serve`
// started for the command and stopped after it, like `spotlight run`. Exits with the command's code.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { RUN_HELP } from './runUsage';

interface RunArgs {
  httpPort: number;
  uiPort: number;
  token: string;
  keep: boolean;
  command: string[];
}

export function parseRunArgs(args: string[], env: NodeJS.ProcessEnv = process.env): RunArgs | 'help' | { error: string } {
  const out: RunArgs = { httpPort: 4318, uiPort: 4320, token: env.OTEL_FLOW_MAP_TOKEN ?? '', keep: false, command: [] };
  // Options, then the command: after `--`, or from the first word that is not an option.
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === '--' || !flag.startsWith('-')) {
      out.command = args.slice(flag === '--' ? i + 1 : i);
      break;
    }
    if (flag === '--help' || flag === '-h') return 'help';
    if (flag === '--keep') {
      out.keep = true;
      continue;
    }
    const value = args[++i];
    if (value === undefined) return { error: `missing value for ${flag}` };
    const port = Number(value);
    if (flag === '--http-port' || flag === '--ui-port') {
      if (!Number.isInteger(port) || port < 1 || port > 65535) return { error: `${flag} needs a port number` };
      if (flag === '--http-port') out.httpPort = port;
      else out.uiPort = port;
    } else if (flag === '--token') out.token = value;
    else return { error: `unknown option ${flag}` };
  }
  if (!out.command.length) return { error: 'no command: put it after --, e.g. otel-flow-map run -- node app.js' };
  return out;
}

/** The environment of the command: the OTLP variables over the inherited ones. */
export function runEnvironment(inherited: NodeJS.ProcessEnv, httpAddress: string, token: string, mapUrl: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...inherited, OTEL_EXPORTER_OTLP_ENDPOINT: `http://${httpAddress}`, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' };
  if (token) env.OTEL_EXPORTER_OTLP_HEADERS = `Authorization=Bearer%20${encodeURIComponent(token)}`;
  else delete env.OTEL_EXPORTER_OTLP_HEADERS;
  // Signal-specific endpoints win over the generic one in every SDK: drop them, or ours is ignored.
  for (const k of ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) delete env[k];
  if (mapUrl) env.OTEL_FLOW_MAP_URL = mapUrl;
  return env;
}

interface Found {
  http: string;
  ui?: string;
  stop?: () => void;
}

async function getJson(url: string, token: string): Promise<{ status: number; body?: unknown }> {
  try {
    const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(3_000) });
    return { status: res.status, body: res.ok ? await res.json().catch(() => undefined) : undefined };
  } catch {
    return { status: 0 };
  }
}

/** A `serve` on the UI port (its /healthz names the receiver), else our receiver's read API on the HTTP port. */
export async function probeReceiver(httpPort: number, uiPort: number, token: string): Promise<Found | undefined> {
  const ui = `http://127.0.0.1:${uiPort}/`;
  const health = await getJson(`${ui}healthz`, token);
  const http = (health.body as { receiver?: { http?: string } } | undefined)?.receiver?.http;
  if (http) return { http: http.replace(/^(0\.0\.0\.0|\[?::\]?):/, '127.0.0.1:'), ui };
  const graph = await getJson(`http://127.0.0.1:${httpPort}/api/graph`, token);
  if (graph.status === 200 && typeof graph.body === 'object' && graph.body !== null && 'nodes' in graph.body) return { http: `127.0.0.1:${httpPort}` };
  return undefined;
}

/** Starts `otel-flow-map serve` (the configured ports, else any free ones) and reads its addresses. */
async function startServe(args: RunArgs): Promise<Found> {
  const cli = join(__dirname, 'cli.js');
  const attempt = (ports: string[]) => new Promise<Found | undefined>((resolve) => {
    const child = spawn(process.execPath, [cli, 'serve', ...ports, ...(args.token ? ['--token', args.token] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
    const done = (v: Found | undefined) => {
      resolve(v);
      rl.close();
    };
    const rl = createInterface({ input: child.stdout });
    rl.once('line', (line) => {
      const addr = JSON.parse(line) as { http: string; ui: string };
      done({ http: addr.http, ui: addr.ui, stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', () => done(undefined));
  });
  const found = (await attempt(['--http-port', String(args.httpPort), '--ui-port', String(args.uiPort)])) ?? (await attempt(['--grpc-port', '0', '--http-port', '0', '--ui-port', '0']));
  if (!found) throw new Error('could not start `otel-flow-map serve`');
  return found;
}

export async function runRun(argv: string[]): Promise<number> {
  const args = parseRunArgs(argv);
  if (args === 'help') {
    console.log(RUN_HELP);
    return 0;
  }
  if ('error' in args) {
    console.error(`${args.error}\n\n${RUN_HELP}`);
    return 2;
  }
  const found = (await probeReceiver(args.httpPort, args.uiPort, args.token)) ?? (await startServe(args));
  console.error(`otel-flow-map run: exporting to http://${found.http}${found.ui ? `; map at ${found.ui}` : ''}${found.stop ? ' (serve started for this command)' : ''}`);
  const [command, ...rest] = args.command;
  const child = spawn(command, rest, { stdio: 'inherit', env: runEnvironment(process.env, found.http, args.token, found.ui) });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const code = await new Promise<number>((resolve) => {
    child.once('error', (err) => {
      console.error(`otel-flow-map run: cannot run ${command}: ${err.message}`);
      resolve(127);
    });
    child.once('exit', (c, signal) => resolve(c ?? (signal ? 128 + (signalNumber(signal) ?? 0) : 1)));
  });
  process.off('SIGINT', onInt);
  process.off('SIGTERM', onTerm);
  if (found.stop) {
    if (args.keep) {
      console.error(`otel-flow-map run: the command ended (${code}); the map stays at ${found.ui} until Ctrl-C`);
      await new Promise<void>((resolve) => process.once('SIGINT', resolve));
    }
    found.stop();
  }
  return code;
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal];
}
