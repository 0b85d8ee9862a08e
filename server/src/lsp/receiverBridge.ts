// The receiver in the language server: runs the telemetry worker when receiverLifecycle.ts says so, forwards
// graph deltas and receiver status to the client, answers the map's requests, and tells
// CodeLens to refresh (throttled) when live numbers change.

import { join } from 'node:path';
import { emptyGraph } from '../../../common/src/graph';
import {
  DiffRequest, GraphDeltaNotification, GraphRequest, HistoryRequest, ReceiverControlRequest, ReceiverStatusNotification,
  RunsRequest, SitesRequest, SpansRequest, WindowGraphRequest,
} from '../../../common/src/lspMethods';
import { isWindowMs, MAX_FLOW_RUNS, MAX_HISTORY_SNAPSHOTS } from '../../../common/src/protocol';
import type { Settings } from '../../../common/src/settings';
import type { SpanQuery } from '../../../common/src/telemetry';
import type { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import { ExportTracesRequest, ImportTracesRequest, TraceRequest, TracesRequest } from '../../../common/src/lspMethods';
import { isTraceId } from '../../../common/src/protocol';
import { withCode } from '../link/traceCode';
import { RuntimePathResolver } from '../link/workspacePaths';
import { sanitizeTraceQuery } from '../../../common/src/queries';
import { toSiteSummaries } from '../link/siteSummary';
import { edgeDiffOf } from '../telemetry/history';
import { createTelemetryHost, type TelemetryHost } from '../telemetry/host';
import { attachSources, parseSources, type TraceSource } from '../telemetry/sources';
import type { ServerContext, SiteIndexSource } from './context';
import { findOpenTelemetryManifest } from './otelDependency';
import { ReceiverLifecycle } from './receiverLifecycle';

const LENS_REFRESH_MS = 1_000;

/** The running host, once the receiver was first started (the data folder is known only after initialize). */
export type HostAccess = () => TelemetryHost | undefined;

export function registerReceiverBridge(ctx: ServerContext, siteIndex: SiteIndexSource): HostAccess {
  const { connection } = ctx;
  const notify = <P>(type: NotificationType<P>, params: P) => connection.sendNotification(type.method, params);
  const handle = <P, R>(type: RequestType<P, R, void> | RequestType0<R, void>, handler: (params: P) => R | Promise<R>) =>
    connection.onRequest(type.method, (params: P): Promise<unknown> => Promise.resolve(handler(params)));
  let host: TelemetryHost | undefined;
  /** `otelFlowMap.sources`' trace source (a Jaeger), else traces come from the local store. */
  let traceSource: TraceSource | undefined;
  let applied = '';
  const report = (p: Promise<unknown>) => p.catch((err: unknown) => connection.console.error(`OTel Flow Map receiver: ${String(err)}`));

  const ensureHost = (): TelemetryHost => {
    if (host) return host;
    const local = createTelemetryHost({
      workerPath: join(__dirname, 'telemetryWorker.js'),
      dataDir: ctx.storagePath ? join(ctx.storagePath, 'telemetry') : undefined,
    });
    // otelFlowMap.sources as serve --source: read once, when the receiver first starts.
    const { specs, errors } = parseSources(ctx.settings().sources);
    for (const e of errors) connection.console.warn(`OTel Flow Map: otelFlowMap.sources: ${e}`);
    const shown = attachSources(local, specs);
    host = shown.host;
    traceSource = shown.traceSource;
    host.onStatus((status) => void notify(ReceiverStatusNotification, status));
    host.onDelta((delta) => {
      void notify(GraphDeltaNotification, delta);
      scheduleLensRefresh();
    });
    return host;
  };

  const lifecycle = new ReceiverLifecycle({
    start: (s) => ensureHost().start(s.receiver, s.analysis.attributePrefix),
    stop: async () => {
      if (host && host.status().state !== 'stopped') await host.stop();
    },
    hostStatus: () => host?.status(),
    report: (status) => void notify(ReceiverStatusNotification, status),
    settings: () => ctx.settings(),
    otelManifest: () => (manifest ??= findOpenTelemetryManifest(ctx.workspaceFolders())),
    log: (m) => connection.console.log(`OTel Flow Map receiver: ${m}`),
  });
  /** Looked up once per folder list: a dependency added later is picked up by opening the map. */
  let manifest: Promise<string | undefined> | undefined;
  ctx.onWorkspaceFoldersChanged(() => {
    manifest = undefined;
    void report(lifecycle.apply());
  });

  async function apply(s: Settings): Promise<void> {
    const key = JSON.stringify([s.receiver, s.analysis.attributePrefix]);
    if (key === applied) return;
    applied = key;
    const status = await lifecycle.apply();
    if (status.state === 'error') connection.console.warn(`OTel Flow Map receiver: ${status.message ?? 'failed to start'}`);
  }

  let lensTimer: NodeJS.Timeout | undefined;
  function scheduleLensRefresh(): void {
    if (lensTimer) return;
    lensTimer = setTimeout(() => {
      lensTimer = undefined;
      connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
    }, LENS_REFRESH_MS);
  }

  ctx.onInitialized(() => void report(apply(ctx.settings())));
  ctx.onSettingsChanged((s) => void report(apply(s)));
  connection.onShutdown(async () => {
    if (lensTimer) clearTimeout(lensTimer);
    lifecycle.dispose();
    await host?.dispose();
  });

  handle(GraphRequest, () => (host ? host.graph() : emptyGraph()));
  handle(SitesRequest, () => toSiteSummaries(siteIndex.sites(), ctx.workspaceFolders(), ctx.settings().analysis.attributePrefix));
  handle(SpansRequest, (q) => (host ? host.spans(sanitizeQuery(q)) : []));
  handle(ImportTracesRequest, (p) => ensureHost().importTraces(pathOf(p), ctx.settings().receiver.maxRequestBytes));
  handle(ExportTracesRequest, (p) => ensureHost().exportTraces(pathOf(p)));
  handle(HistoryRequest, () => (host ? host.history(MAX_HISTORY_SNAPSHOTS) : []));
  handle(TracesRequest, (q) => (traceSource ? traceSource.traces(sanitizeTraceQuery(q)) : host ? host.traces(sanitizeTraceQuery(q)) : { traces: [], source: 'local' }));
  const runtimePaths = new RuntimePathResolver(() => ctx.workspaceFolders());
  ctx.onWorkspaceFoldersChanged(() => runtimePaths.invalidate());
  handle(TraceRequest, async (p) => {
    // From the wire: anything but a trace id names no trace.
    const traceId: unknown = p?.traceId;
    const trace = !isTraceId(traceId) ? null : traceSource ? await traceSource.trace(traceId) : host ? await host.trace(traceId) : null;
    if (!trace) return null;
    const prefix = ctx.settings().analysis.attributePrefix;
    return withCode(trace, {
      sites: toSiteSummaries(siteIndex.sites(), ctx.workspaceFolders(), prefix),
      attributePrefix: prefix,
      resolve: (path) => runtimePaths.resolve(path)?.relative,
    });
  });
  // From the wire: anything but a flow name has no runs.
  handle(RunsRequest, (p) => (host && typeof p?.flow === 'string' ? host.runs(p.flow, MAX_FLOW_RUNS) : []));
  handle(WindowGraphRequest, (p) => {
    // From the wire: a window the webview could not have asked for means all-time.
    const windowMs = isWindowMs(p?.windowMs) ? p.windowMs : null;
    return host ? host.windowGraph(windowMs) : emptyGraph();
  });
  handle(DiffRequest, async (p) => {
    // From the wire: a missing or non-numeric time compares with nothing (everything added).
    const since = typeof p?.since === 'number' && Number.isFinite(p.since) ? p.since : 0;
    return host ? edgeDiffOf(await host.diff(since)) : { since, snapshotAt: 0, addedEdgeIds: [], removedEdges: [] };
  });
  handle(ReceiverControlRequest, async ({ action }) => {
    switch (action) {
      case 'start':
      case 'stop':
      case 'restart':
        return lifecycle.command(action);
      case 'mapOpened':
        return lifecycle.openedMap();
      case 'clear':
        await ensureHost().clear();
        return lifecycle.status();
      default:
        return lifecycle.status();
    }
  });
  siteIndex.onDidChange(scheduleLensRefresh);
  return () => host;
}

/** The user-picked file of an import/export request (from the wire: checked, never interpreted further). */
function pathOf(p: unknown): string {
  const path = (p as { path?: unknown } | null)?.path;
  if (typeof path !== 'string' || path === '') throw new Error('a file path is required');
  return path;
}

/** Only the known fields, with the right types: the request comes over the wire. */
function sanitizeQuery(q: unknown): SpanQuery {
  const src = (typeof q === 'object' && q !== null ? q : {}) as Record<string, unknown>;
  const out: SpanQuery = {};
  for (const k of ['service', 'edgeId', 'nodeId', 'flow', 'step', 'name'] as const) if (typeof src[k] === 'string') out[k] = src[k];
  if (Number.isInteger(src.limit)) out.limit = src.limit as number;
  return out;
}
