// Settings shared by the editor (read by client/src/settings.ts), the language server and the
// CLI (read from otel-flow-map.json). The defaults here are the single source: a unit test
// checks that package.json's contributes.configuration declares the same ones.

import { isRecord } from './guards';

export type Severity = 'error' | 'warning' | 'information' | 'hint' | 'off';

export const RULE_IDS = [
  'dynamic-span-name',
  'dynamic-flow-name',
  'id-in-name',
  'generic-name',
  'flow-name-format',
  'flow-step-without-flow',
  'flow-missing-run-id',
  'constant-run-id',
  'db-operation-unknown',
  'messaging-operation-unknown',
  'messaging-missing-destination',
  'span-not-ended',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export const DEFAULT_SEVERITIES: Record<RuleId, Severity> = {
  'dynamic-span-name': 'warning',
  'dynamic-flow-name': 'error',
  'id-in-name': 'error',
  'generic-name': 'warning',
  'flow-name-format': 'warning',
  'flow-step-without-flow': 'warning',
  'flow-missing-run-id': 'information',
  'constant-run-id': 'warning',
  'db-operation-unknown': 'warning',
  'messaging-operation-unknown': 'warning',
  'messaging-missing-destination': 'warning',
  'span-not-ended': 'warning',
};

export interface AnalysisSettings {
  /** Prefix of the flow attributes: `${prefix}name`, `${prefix}step`, `${prefix}run_id`. */
  attributePrefix: string;
  genericNames: string[];
  /** Regular expression a flow name / step must match. */
  namePattern: string;
  severities: Partial<Record<RuleId, Severity>>;
  include: string[];
  exclude: string[];
  /** Extra functions that create spans, e.g. `tracing.StartSpan` (Go) or `start_span` wrappers. */
  wrapperFunctions: string[];
  /** Report findings in test files too (`*_test.go`, `test_*.py`, `*.test.ts`, `__tests__/`); their sites are found either way. */
  checkTests: boolean;
}

/** When the editor starts the receiver: `auto` = once the workspace depends on OpenTelemetry or the map opens. */
export type AutoStart = 'auto' | 'always' | 'never';
export const AUTO_START_VALUES: readonly AutoStart[] = ['auto', 'always', 'never'];

export interface ReceiverSettings {
  /** Deprecated: `false` means autoStart `never` (still honoured). */
  enabled: boolean;
  autoStart: AutoStart;
  grpcPort: number;
  httpPort: number;
  /** Loopback unless the user (machine-scoped setting) opts in. */
  bindAddress: string;
  /** When non-empty, requests must carry `Authorization: Bearer <token>`. */
  authToken: string;
  /** Limit on a decompressed request body. */
  maxRequestBytes: number;
  /** Upstream OTLP/HTTP traces endpoint to re-export everything to; empty = off. */
  forwardTo: string;
  /** How long a client or server span waits for its other half (contract §2e). */
  pairingTtlSeconds: number;
  /** Halves waiting at most; the oldest is given up (and counted) beyond. */
  pairingMaxItems: number;
  /** Draw `user` (or the named caller) in front of root SERVER / CONSUMER spans. */
  virtualClient: boolean;
  /** Nodes, edges and flows unseen this long leave the live graph. */
  expirySeconds: number;
  /** The recent window of the map's numbers (rate, errors, p50/p95/p99), 10 … 3600 s; default 60. */
  windowSeconds: number;
  /** Browser origins allowed to POST OTLP/HTTP (CORS); `*` = any; empty = none. */
  corsAllowedOrigins: string[];
}

export interface Settings {
  receiver: ReceiverSettings;
  analysis: AnalysisSettings;
  /**
   * `otelFlowMap.sources`: where the map's graph and traces come from besides the local receiver,
   * as `serve --source` takes them (`prometheus=<url>[,…]`, `jaeger=<url>[,…]`). From user
   * settings only: a source's token (from the environment) goes to the URL named here.
   */
  sources: string[];
}

export const DEFAULT_SETTINGS: Settings = {
  receiver: {
    enabled: true,
    autoStart: 'auto',
    grpcPort: 4317,
    httpPort: 4318,
    bindAddress: '127.0.0.1',
    authToken: '',
    maxRequestBytes: 4 * 1024 * 1024,
    forwardTo: '',
    pairingTtlSeconds: 10,
    pairingMaxItems: 20_000,
    virtualClient: true,
    expirySeconds: 3_600,
    windowSeconds: 60,
    corsAllowedOrigins: [],
  },
  analysis: {
    attributePrefix: 'coordimap.flow.',
    genericNames: [
      'handler', 'handle', 'process', 'doWork', 'do_work', 'work', 'run', 'execute', 'exec', 'main',
      'callback', 'cb', 'fn', 'func', 'function', 'task', 'job', 'operation', 'op', 'span', 'request',
      'call', 'invoke', 'action', 'step', 'test', 'todo', 'foo', 'bar', 'unknown', 'default',
    ],
    namePattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$',
    severities: {},
    include: [],
    exclude: ['**/node_modules/**', '**/dist/**', '**/out/**', '**/.git/**', '**/vendor/**'],
    wrapperFunctions: [],
    checkTests: false,
  },
  sources: [],
};

/**
 * Settings only the editor reads (they never reach the language server): whether new terminals
 * and debug sessions get the OTLP variables of this window's receiver.
 */
export const EDITOR_SETTINGS = { 'terminal.injectEnvironment': true, 'debug.injectEnvironment': true } as const;
export type EditorSettingKey = keyof typeof EDITOR_SETTINGS;

/** Deep-merges user values over the defaults, ignoring values of the wrong type. */
export function resolveSettings(partial: unknown): Settings {
  const p = isRecord(partial) ? partial : {};
  return {
    receiver: mergeSection(DEFAULT_SETTINGS.receiver, p.receiver),
    analysis: mergeSection(DEFAULT_SETTINGS.analysis, p.analysis),
    sources: Array.isArray(p.sources) ? p.sources.filter((v): v is string => typeof v === 'string') : [],
  };
}

function mergeSection<T extends object>(defaults: T, value: unknown): T {
  const out = { ...defaults } as Record<string, unknown>;
  if (!isRecord(value)) return out as T;
  for (const [k, def] of Object.entries(defaults)) {
    const v = value[k];
    if (v === undefined || v === null) continue;
    if (Array.isArray(def) ? Array.isArray(v) : typeof v === typeof def) out[k] = v;
  }
  return out as T;
}

