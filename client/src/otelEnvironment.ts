// The OTLP environment variables that point an OpenTelemetry SDK at this window's receiver, for
// new integrated terminals and debug sessions. Pure: computed from the receiver's bound address,
// the token and what the user already set; unit-tested (test/unit/client/otelEnvironment.test.ts).

import type { ReceiverStatus } from '../../common/src/telemetry';

export type Env = Record<string, string>;

export const OTLP_VARIABLES = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_EXPORTER_OTLP_HEADERS'] as const;

/** The variables for a listening receiver's OTLP/HTTP port, or undefined when there is nothing to point at. */
export function otlpEnvironment(status: ReceiverStatus, token: string): Env | undefined {
  if (status.state !== 'listening' || !status.http) return undefined;
  const env: Env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://${reachable(status.http)}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
  };
  if (token) env.OTEL_EXPORTER_OTLP_HEADERS = `Authorization=Bearer%20${encodeURIComponent(token)}`;
  return env;
}

/**
 * What to contribute to new terminals: `wanted` less every variable the user set themselves,
 * in the environment VS Code inherited or in `terminal.integrated.env.<platform>` (a contributed
 * value would replace theirs). A variable exported by the shell's startup files still wins: they
 * run after the contributed environment is applied.
 */
export function terminalContribution(wanted: Env | undefined, inherited: Readonly<Record<string, string | undefined>>, terminalEnvSetting: Readonly<Record<string, string | null>> | undefined): Env {
  if (!wanted) return {};
  const userSet = (k: string) => isSet(inherited[k]) || (terminalEnvSetting !== undefined && k in terminalEnvSetting);
  return Object.fromEntries(Object.entries(wanted).filter(([k]) => !userSet(k)));
}

/** Launch configuration types whose `env` reaches an OpenTelemetry SDK in the debuggee. */
export const DEBUG_TYPES = new Set(['node', 'pwa-node', 'debugpy', 'python', 'go']);

export interface LaunchLike {
  type?: string;
  request?: string;
  name?: string;
  env?: Record<string, string | null | undefined>;
  envFile?: string;
}

/**
 * The `env` of a launch configuration with the OTLP variables added where the configuration and
 * the inherited environment leave them unset, and OTEL_SERVICE_NAME defaulted to the launch name
 * (or the folder's, for VS Code's generic launch names). Undefined: leave the configuration as is
 * (another type, an attach, or nothing to point at).
 */
export function debugEnvironment(config: LaunchLike, wanted: Env | undefined, inherited: Readonly<Record<string, string | undefined>>, folderName: string | undefined): Env | undefined {
  if (!wanted || !config.type || !DEBUG_TYPES.has(config.type) || (config.request !== undefined && config.request !== 'launch')) return undefined;
  const env: Record<string, string | null | undefined> = { ...(config.env ?? {}) };
  const unset = (k: string) => !(k in env) && !isSet(inherited[k]);
  let changed = false;
  for (const [k, v] of Object.entries(wanted)) {
    if (unset(k)) {
      env[k] = v;
      changed = true;
    }
  }
  // Without an endpoint of ours, a service name would only rename someone else's telemetry.
  if (changed && unset('OTEL_SERVICE_NAME')) {
    const name = serviceNameOf(config.name, folderName);
    if (name) env.OTEL_SERVICE_NAME = name;
  }
  return changed ? (env as Env) : undefined;
}

/** VS Code's generated launch names say nothing about the service: the folder's name does. */
const GENERIC_LAUNCH = /^(launch|attach|debug|run)\b|\b(current file|program|package|file)\b|^(python|node(\.js)?|go)( debugger)?:/i;

export function serviceNameOf(launchName: string | undefined, folderName: string | undefined): string | undefined {
  const pick = launchName && !GENERIC_LAUNCH.test(launchName.trim()) ? launchName : folderName;
  const name = pick?.trim().replace(/\s+/g, '-').replace(/[^\w.\-/]/g, '').slice(0, 100);
  return name || undefined;
}

function isSet(v: string | undefined): boolean {
  return v !== undefined && v !== '';
}

/** A wildcard bind address is not something a client connects to: use loopback instead. */
function reachable(bound: string): string {
  const m = /^(.*):(\d+)$/.exec(bound);
  if (!m) return bound;
  const host = m[1] === '0.0.0.0' || m[1] === '::' || m[1] === '[::]' || m[1] === '' ? '127.0.0.1' : m[1];
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${m[2]}`;
}
