// `otel-flow-map serve`: the receiver worker plus the map on a loopback HTTP port. Prints one
// JSON line with the bound addresses to stdout (for scripts and tests); logs go to stderr.

import { existsSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { resolveSettings } from '../../../common/src/settings';
import { CodeIndex } from '../mcp/codeIndex';
import { createMcpHttpHandler, hostLiveSource } from '../mcp/httpEndpoint';
import { createUiServer } from '../serve/uiServer';
import { WorkspaceSites } from '../serve/workspaceSites';
import { checkBind } from '../telemetry/receiver/auth';
import { forwardsToSelf } from '../telemetry/receiver/forwardGuard';
import { createTelemetryHost } from '../telemetry/host';
import { attachSources, parseSource, type SourceSpec } from '../telemetry/sources';
import { SERVE_HELP, SERVE_USAGE } from './usage';

interface ServeArgs {
  grpcPort?: number;
  httpPort?: number;
  uiPort: number;
  dataDir?: string;
  /** Scanned (and watched) for the code sites behind the map's code links. */
  workspace: string;
  bind: string;
  token: string;
  /** How often the topology is persisted as a snapshot to compare with (needs --data-dir). */
  snapshotIntervalMs?: number;
  /** The recent window of the map's numbers, in seconds (10 … 3600). */
  windowSeconds?: number;
  /** Every received request is also sent on to this OTLP/HTTP endpoint (never our own address). */
  forwardTo?: string;
  /** Browser origins allowed to POST OTLP/HTTP (CORS); repeatable, `*` = any. */
  corsOrigins: string[];
  /** `--source local|prometheus=<url>[,window=5m,refresh=10s]|jaeger=<url>[,lookback=1h]` (repeatable): telemetry/sources. */
  sources: SourceSpec[];
  /** Test hooks (POST /api/debug/crash-worker): the soak and tests only. */
  debugHooks?: boolean;
  /** `--mcp`: the MCP server at /mcp on the UI port (off unless asked). */
  mcp?: boolean;
}

/** Parsed arguments, `'help'`, or a usage error message. */
export function parseServeArgs(args: string[]): ServeArgs | 'help' | { error: string } {
  if (args.includes('--help') || args.includes('-h')) return 'help';
  const parsed = parseServeOptions(args);
  return typeof parsed === 'string' ? { error: parsed } : parsed;
}

function parseServeOptions(args: string[]): ServeArgs | string {
  const out: ServeArgs = { uiPort: 4320, workspace: '.', bind: '127.0.0.1', token: '', corsOrigins: [], sources: [] };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === '--debug-hooks' || flag === '--mcp') {
      if (flag === '--mcp') out.mcp = true;
      else out.debugHooks = true;
      continue;
    }
    const value = args[i + 1];
    if (value === undefined) return `missing value for ${flag}`;
    const port = Number(value);
    const isPort = Number.isInteger(port) && port >= 0 && port <= 65535;
    switch (flag) {
      case '--grpc-port':
      case '--http-port':
      case '--ui-port':
        if (!isPort) return `${flag} needs a port number (0 = any free port)`;
        if (flag === '--grpc-port') out.grpcPort = port;
        else if (flag === '--http-port') out.httpPort = port;
        else out.uiPort = port;
        break;
      case '--data-dir':
        out.dataDir = value;
        break;
      case '--workspace':
        out.workspace = value;
        break;
      case '--bind':
        out.bind = value;
        break;
      case '--token':
        out.token = value;
        break;
      case '--cors-origin':
        out.corsOrigins.push(value);
        break;
      case '--forward': {
        let url: URL | undefined;
        try {
          url = new URL(value);
        } catch {
          url = undefined;
        }
        if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return `${flag} needs an http(s) URL of an OTLP/HTTP endpoint`;
        out.forwardTo = value;
        break;
      }
      case '--snapshot-interval': {
        const seconds = Number(value);
        if (!Number.isFinite(seconds) || seconds < 0.1 || seconds > 86_400) return `${flag} needs seconds between 0.1 and 86400`;
        out.snapshotIntervalMs = Math.round(seconds * 1000);
        break;
      }
      case '--window': {
        const seconds = parseDuration(value);
        if (seconds === undefined || seconds < 10 || seconds > 3600) return `${flag} needs a duration from 10s to 1h (e.g. 10s, 5m, 1h)`;
        out.windowSeconds = seconds;
        break;
      }
      case '--source': {
        const source = parseSource(value);
        if (typeof source === 'string') return source;
        out.sources.push(source);
        break;
      }
      default:
        return `unknown option ${flag}`;
    }
    i++;
  }
  const ports = [['--grpc-port', out.grpcPort], ['--http-port', out.httpPort], ['--ui-port', out.uiPort]] as const;
  for (const [i, [flag, port]] of ports.entries()) {
    const twin = ports.slice(i + 1).find(([, other]) => port !== undefined && port !== 0 && other === port);
    if (twin) return `${flag} and ${twin[0]} are both ${port}: each needs its own port`;
  }
  return out;
}

/** `10s`, `5m`, `1h` or plain seconds, in seconds; undefined when it is none of these. */
export function parseDuration(text: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text?.trim() ?? '');
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1));
}

export async function runServe(argv: string[]): Promise<number> {
  const args = parseServeArgs(argv);
  if (args === 'help') {
    console.log(SERVE_HELP);
    return 0;
  }
  if ('error' in args) {
    console.error(`otel-flow-map serve: ${args.error}\nUsage: ${SERVE_USAGE}`);
    return 2;
  }
  const refused = checkBind(args.bind, args.token);
  if (refused) {
    console.error(refused.replace('otelFlowMap.receiver.authToken', '--token'));
    return 2;
  }
  const workspace = resolve(args.workspace);
  if (!isDirectory(workspace)) {
    console.error(`--workspace ${args.workspace} is not a folder\nUsage: ${SERVE_USAGE}`);
    return 2;
  }
  if (args.dataDir !== undefined && existsSync(args.dataDir) && !isDirectory(resolve(args.dataDir))) {
    console.error(`--data-dir ${args.dataDir} is not a folder\nUsage: ${SERVE_USAGE}`);
    return 2;
  }
  const settings = resolveSettings({
    receiver: {
      grpcPort: args.grpcPort, httpPort: args.httpPort, bindAddress: args.bind, authToken: args.token, corsAllowedOrigins: args.corsOrigins,
      ...(args.forwardTo !== undefined ? { forwardTo: args.forwardTo } : {}),
      ...(args.windowSeconds !== undefined ? { windowSeconds: args.windowSeconds } : {}),
    },
  });
  const r = settings.receiver;
  const ownPorts = [r.grpcPort, r.httpPort, args.uiPort].filter((p) => p !== 0);
  const loop = forwardsToSelf(args.forwardTo, args.bind, ownPorts);
  if (loop) {
    console.error(`--forward: ${loop}\nUsage: ${SERVE_USAGE}`);
    return 2;
  }
  const host = createTelemetryHost({
    workerPath: join(__dirname, 'telemetryWorker.js'),
    dataDir: args.dataDir,
    tuning: { snapshotIntervalMs: args.snapshotIntervalMs },
    debugHooks: args.debugHooks,
  });
  const status = await host.start(settings.receiver, settings.analysis.attributePrefix);
  if (status.state !== 'listening') {
    console.error(status.message?.replace(/otelFlowMap\.receiver\.(grpc|http)Port/, (_m, k: string) => `--${k}-port`) ?? 'receiver failed to start');
    await host.dispose();
    return 1;
  }
  if (status.message) console.error(`serve: ${status.message}`);
  const sites = new WorkspaceSites({ root: workspace, log: (m) => console.error(`serve: ${m}`), ignore: args.dataDir ? [args.dataDir] : [] });
  const shown = attachSources(host, args.sources);
  // The MCP tools read the same host (no HTTP round trip) and scan --workspace for code questions.
  let uiBase = '';
  const mcp = args.mcp ? createMcpHttpHandler(hostLiveSource(shown.host, () => uiBase, shown.traceSource), new CodeIndex(workspace)) : undefined;
  const ui = createUiServer({ host: shown.host, distDir: __dirname, token: args.token || undefined, sites, workspace, debugHooks: args.debugHooks, sources: () => shown.statuses(), traceSource: shown.traceSource, mcp });
  try {
    await new Promise<void>((resolve, reject) => {
      ui.once('error', reject);
      ui.listen(args.uiPort, args.bind, () => resolve());
    });
  } catch (err) {
    console.error(`map UI could not listen on port ${args.uiPort} (--ui-port): ${err instanceof Error ? err.message : String(err)}`);
    await host.dispose();
    return 1;
  }
  const uiPort = (ui.address() as AddressInfo).port;
  const uiHost = args.bind.includes(':') ? `[${args.bind}]` : args.bind;
  uiBase = `http://${uiHost}:${uiPort}/`;
  process.stdout.write(JSON.stringify({ grpc: status.grpc, http: status.http, ui: `http://${uiHost}:${uiPort}/` }) + '\n');
  // After the line above: the scan runs in the background and the map gets the sites when ready.
  sites.start();

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`serve: ${signal}, stopping`);
    sites.dispose();
    ui.closeAllConnections();
    ui.close();
    void host.dispose().finally(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  return 0;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
