// code-server 4.100.3 (VS Code 1.100.3 with a Node extension host) and headless Debian Chromium,
// isolated per run under .test-runs/ as testing.md describes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { waitFor } from './suite/poll';

const CODE_SERVER_VERSION = '4.100.3';
const CHROMIUM = '/usr/bin/chromium';
/** Earlier run folders kept for post-mortems (each holds profiles, logs and the .vsix). */
const KEEP_RUNS = 4;
export const repoRoot = resolve(import.meta.dirname, '..', '..');

/** A failure of the harness itself rather than of a test (exit code 2). */
export class HarnessError extends Error {}

export interface RunDirs {
  root: string;
  workspace: string;
  home: string;
  /** Short, in the system tmp: Unix socket paths (code-server IPC, Chromium) must stay short. */
  tmp: string;
  env: NodeJS.ProcessEnv;
}

/** One VS Code user: its own user-data and extensions folders and seeded settings. */
export interface Profile {
  name: string;
  userData: string;
  extensions: string;
}

export interface ReceiverPorts {
  grpcPort: number;
  httpPort: number;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

export function codeServerBin(): string {
  const cache = process.env.OTEL_FLOW_MAP_CACHE ?? join(homedir(), '.cache', 'otel-flow-map');
  const bin = join(cache, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');
  if (!existsSync(bin)) throw new HarnessError(`code-server not found at ${bin}: run \`npm run setup:test\` first`);
  return bin;
}

export function prepareRunDir(): RunDirs {
  for (const built of ['dist/client.js', 'dist/server.js', 'dist/webview.js']) {
    if (!existsSync(join(repoRoot, built))) throw new HarnessError(`${built} is missing: run \`npm run build\` first`);
  }
  const runs = join(repoRoot, '.test-runs');
  pruneRuns(runs);
  const root = join(runs, `integration-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  const home = join(root, 'home');
  const xdg = {
    XDG_CONFIG_HOME: join(root, 'xdg', 'config'),
    XDG_DATA_HOME: join(root, 'xdg', 'data'),
    XDG_CACHE_HOME: join(root, 'xdg', 'cache'),
    XDG_STATE_HOME: join(root, 'xdg', 'state'),
  };
  for (const d of [home, ...Object.values(xdg)]) mkdirSync(d, { recursive: true, mode: 0o700 });
  const tmp = mkdtempSync(join(tmpdir(), 'ofm-it-'));
  const workspace = join(root, 'workspace');
  cpSync(join(repoRoot, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  // EXTENSIONS_GALLERY={} disables the marketplace: no lookups of open-vsx.org from an offline machine.
  return { root, workspace, home, tmp, env: { ...process.env, ...xdg, HOME: home, TMPDIR: tmp, EXTENSIONS_GALLERY: '{}' } };
}

/** Names sort by start time: drop all but the newest few. */
function pruneRuns(runs: string): void {
  const old = existsSync(runs) ? readdirSync(runs).filter((d) => d.startsWith('integration-')).sort().slice(0, -KEEP_RUNS) : [];
  for (const d of old) rmSync(join(runs, d), { recursive: true, force: true });
}

/** `settings` are added to the seeded user settings.json. */
export function createProfile(dirs: RunDirs, name: string, ports: ReceiverPorts, settings: Record<string, unknown> = {}): Profile {
  const profile = { name, userData: join(dirs.root, name, 'user-data'), extensions: join(dirs.root, name, 'extensions') };
  mkdirSync(join(profile.userData, 'User'), { recursive: true });
  mkdirSync(profile.extensions, { recursive: true });
  const seeded = {
    'workbench.startupEditor': 'none',
    'remote.autoForwardPorts': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'workbench.enableExperiments': false,
    // Free ports picked by the harness, so the receiver never collides with anything on 4317/4318.
    'otelFlowMap.receiver.grpcPort': ports.grpcPort,
    'otelFlowMap.receiver.httpPort': ports.httpPort,
    ...settings,
  };
  writeFileSync(join(profile.userData, 'User', 'settings.json'), JSON.stringify(seeded, null, 2));
  return profile;
}

/** `code-server --install-extension` into the profile's extensions folder. */
export function installExtension(dirs: RunDirs, profile: Profile, vsix: string): void {
  const r = spawnSync(codeServerBin(), ['--user-data-dir', profile.userData, '--extensions-dir', profile.extensions, '--install-extension', vsix], {
    env: dirs.env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`installing ${vsix} failed: ${r.stderr || r.stdout}`);
}

export interface RunningCodeServer {
  port: number;
  child: ChildProcess;
  /** Rejects when code-server exits before stop(). */
  died: Promise<never>;
  stop(): void;
}

/** `workspaceTrust`: keep VS Code's workspace trust on (restricted mode for untrusted folders); off by default. */
export async function startCodeServer(dirs: RunDirs, profile: Profile, { workspaceTrust = false } = {}): Promise<RunningCodeServer> {
  const port = await freePort();
  const config = join(dirs.root, profile.name, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const log = openSync(join(dirs.root, profile.name, 'code-server.log'), 'a');
  const child = spawn(codeServerBin(), [
    '--config', config,
    '--user-data-dir', profile.userData,
    '--extensions-dir', profile.extensions,
    '--disable-telemetry', '--disable-update-check', ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override', '--ignore-last-opened',
  ], { detached: true, stdio: ['ignore', log, log], env: dirs.env }); // detached: its own process group
  let stopping = false;
  const died = new Promise<never>((_, reject) =>
    child.once('exit', (code) => {
      if (!stopping) reject(new HarnessError(`code-server (${profile.name}) exited with ${code}; see ${config.replace('config.yaml', 'code-server.log')}`));
    }),
  );
  died.catch(() => undefined); // observed by whoever races it
  const server: RunningCodeServer = {
    port,
    child,
    died,
    stop() {
      stopping = true;
      if (child.pid === undefined || child.exitCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGKILL'); // the whole group: code-server, extension host, language server
      } catch {
        // already gone
      }
    },
  };
  try {
    await waitFor(`code-server (${profile.name}) /healthz`, async () => {
      if (child.exitCode !== null) throw new HarnessError(`code-server (${profile.name}) exited with ${child.exitCode} while starting`);
      return (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok;
    }, 30_000);
  } catch (e) {
    server.stop();
    throw e;
  }
  return server;
}

export function launchChromium(dirs: RunDirs): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    env: dirs.env,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** The workbench URL for a folder or a `.code-workspace` file, with the `payload` VS Code for the web reads (testing.md). */
export function workbenchUrl(port: number, folder: string, payload: [string, string][] = []): string {
  const query = `${folder.endsWith('.code-workspace') ? 'workspace' : 'folder'}=${encodeURIComponent(folder)}${payload.length ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : ''}`;
  return `http://127.0.0.1:${port}/?${query}`;
}

/** The authority that turns a path on the code-server machine into a remote URI for the payload. */
export function remoteUri(port: number, path: string): string {
  return `vscode-remote://127.0.0.1:${port}${path}`;
}
