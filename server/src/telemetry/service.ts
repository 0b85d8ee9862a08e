// Everything the worker runs: the two receivers, the topology engine, persistence and the
// throttled delta stream. Plain Node, no worker APIs: worker.ts adapts it to messages.

import type { Server as GrpcServer } from '@grpc/grpc-js';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emptyGraph, type GraphDelta } from '../../../common/src/graph';
import type { ReceiverStatus, TraceExportResult, TraceImportResult } from '../../../common/src/telemetry';
import type { TraceDetail, TraceList, TraceQuery } from '../../../common/src/traces';
import { forwardsToSelf } from './receiver/forwardGuard';
import { Forwarder } from './forwarder';
import { diffAgainst, HistoryStore } from './history';
import type { LiveDetails, QueryHandlers, QueryOf, WorkerAnswer, WorkerQueryKind, WorkerStartOptions } from './messages';
import { decodeTraceRequestJson } from './otlp/jsonDecoder';
import { decodeTraceRequestProto, spanDetail } from './otlp/protoDecoder';
import type { DecodeResult } from './otlp/span';
import { checkBind, isLoopback } from './receiver/auth';
import type { BodyFormat, ExportResult, Signal } from './receiver/exportHandler';
import { LogStore, DEFAULT_LOG_CAPS } from './logs/logStore';
import { decodeLogsJson, decodeLogsProto, decodeMetricsJson, decodeMetricsProto } from './otlp/signalsDecoder';
import { bindGrpc, createGrpcReceiver } from './receiver/grpcReceiver';
import { createHttpReceiver } from './receiver/httpReceiver';
import { ReadApi } from './receiver/readApi';
import { DEFAULT_WINDOW_MS, Topology } from './topology/topology';
import { exportTraceFile } from './traceFile/exportTraces';
import { importTraceFile } from './traceFile/importTraces';
import { traceDetailOf } from './traces/traceDetail';

const DEFAULT_PAIR_WAIT_MS = 10_000;
const DEFAULT_EXPIRY_MS = 3_600_000;
const DEFAULT_DELTA_INTERVAL_MS = 250;
const DEFAULT_SNAPSHOT_INTERVAL_MS = 60_000;
const MAX_IN_FLIGHT_BYTES = 64 * 1024 * 1024;

export interface ServiceEvents {
  status(status: ReceiverStatus): void;
  delta(delta: GraphDelta, details: LiveDetails): void;
}

export class TelemetryService {
  private topology: Topology | undefined;
  private history: HistoryStore | undefined;
  private forwarder: Forwarder | undefined;
  private http: HttpServer | undefined;
  private grpc: GrpcServer | undefined;
  private readApi: ReadApi | undefined;
  private timers: NodeJS.Timeout[] = [];
  private current: ReceiverStatus = { state: 'stopped' };
  private topologyPrefix = '';
  private topologyKey = '';
  private decodeOnly = false;
  /** Log records for the trace view (bounded; evictions counted as `log-cap`). */
  readonly logs = new LogStore(DEFAULT_LOG_CAPS, (n) => this.topology?.drops.count('log-cap', n));

  constructor(private readonly events: ServiceEvents) {}

  async start(options: WorkerStartOptions): Promise<ReceiverStatus> {
    await this.stop();
    this.ensureTopology(options);
    this.decodeOnly = options.decodeOnly === true;
    const r = options.receiver;
    const refused = checkBind(r.bindAddress, r.authToken);
    if (refused) return this.setStatus({ state: 'error', message: refused });
    this.setStatus({ state: 'starting' });
    this.forwarder = r.forwardTo ? new Forwarder(r.forwardTo, (reason) => this.topology?.drops.count(reason)) : undefined;
    const handle = (body: Buffer, format: BodyFormat, signal: Signal) => this.handleExport(body, format, signal);
    try {
      this.grpc = createGrpcReceiver(handle, { token: r.authToken, maxRequestBytes: r.maxRequestBytes });
      const grpcPort = await bindGrpc(this.grpc, r.bindAddress, r.grpcPort).catch((err: Error) => {
        throw new Error(portMessage('grpcPort', r.grpcPort, err));
      });
      const readApi = isLoopback(r.bindAddress) ? this.openReadApi(r.authToken) : undefined;
      this.http = createHttpReceiver(handle, {
        token: r.authToken,
        maxRequestBytes: r.maxRequestBytes,
        maxInFlightBytes: MAX_IN_FLIGHT_BYTES,
        onShed: () => this.topology?.drops.count('shed-requests'),
        loopbackOnly: isLoopback(r.bindAddress),
        corsAllowedOrigins: Array.isArray(r.corsAllowedOrigins) ? r.corsAllowedOrigins.filter((o) => typeof o === 'string') : [],
        extraRoutes: readApi && ((req, res, path) => readApi.handle(req, res, path)),
      });
      const httpPort = await listen(this.http, r.bindAddress, r.httpPort).catch((err: Error) => {
        throw new Error(portMessage('httpPort', r.httpPort, err));
      });
      // Only now are the ports known (0 picks free ones): forwarding to them would loop and amplify.
      const loop = forwardsToSelf(r.forwardTo, r.bindAddress, [grpcPort, httpPort]);
      if (loop) throw new Error(loop);
      this.startTimers(options);
      const problem = this.history?.problem;
      return this.setStatus({ state: 'listening', grpc: `${hostPart(r.bindAddress)}:${grpcPort}`, http: `${hostPart(r.bindAddress)}:${httpPort}`, ...(problem ? { message: problem } : {}) });
    } catch (err) {
      await this.closeServers();
      return this.setStatus({ state: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }

  async stop(): Promise<ReceiverStatus> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const wasRunning = this.http !== undefined || this.grpc !== undefined;
    await this.closeServers();
    this.persist();
    this.flushDelta();
    return wasRunning || this.current.state !== 'error' ? this.setStatus({ state: 'stopped' }) : this.current;
  }

  clear(): void {
    this.topology?.clear();
    this.logs.clear();
    this.flushDelta();
  }

  status(): ReceiverStatus {
    return this.current;
  }

  /** The handler of each worker query (QueryHandlers: every kind, typed by its answer). */
  readonly queries: QueryHandlers = {
    graph: () => this.topology?.graph() ?? emptyGraph(),
    spans: (q) => this.topology?.spans.query(q.query) ?? [],
    details: () => (this.topology ? allDetails(this.topology) : { names: [], steps: [] }),
    diff: (q) => {
      const graph = this.topology?.graph() ?? emptyGraph();
      return this.history ? this.history.diff(q.since, graph) : diffAgainst(q.since, undefined, graph);
    },
    history: (q) => this.history?.list(q.max) ?? [],
    runs: (q) => this.topology?.flows.recentRuns(q.flow, q.max) ?? [],
    window: (q) => this.topology?.windowGraph(q.windowMs) ?? emptyGraph(),
    metrics: () => this.topology?.metricsText() ?? '',
    logs: (q) => (q.spanId ? this.logs.forSpan(q.spanId) : this.logs.forTrace(q.traceId ?? '')),
    liveWindow: () => this.topology?.liveWindow() ?? { windowMs: DEFAULT_WINDOW_MS, names: [], steps: [] },
    traces: (q) => this.traceList(q.query),
    trace: (q) => this.traceDetail(q.traceId),
  };

  private traceList(query: TraceQuery): TraceList {
    return { traces: this.topology?.traces.query(query) ?? [], source: 'local' };
  }

  private traceDetail(traceId: string): TraceDetail | null {
    return traceDetailOf(traceId, this.topology?.traces.get(traceId), this.logs.forTrace(traceId));
  }

  query<K extends WorkerQueryKind>(q: QueryOf<K>): WorkerAnswer[K] | Promise<WorkerAnswer[K]> {
    return (this.queries[q.kind] as (q: QueryOf<K>) => WorkerAnswer[K] | Promise<WorkerAnswer[K]>)(q);
  }

  handleExport(body: Buffer, format: BodyFormat, signal: Signal = 'traces'): ExportResult {
    const t = this.topology;
    if (!t) throw new Error('receiver not started');
    if (signal === 'logs') {
      const { records } = format === 'proto' ? decodeLogsProto(body) : decodeLogsJson(body.toString('utf8'));
      this.logs.add(records);
      t.metrics.logRecords.inc(records.length);
      this.forwarder?.forward(body, format, signal);
      return { accepted: records.length, rejected: 0 };
    }
    if (signal === 'metrics') {
      const { points } = format === 'proto' ? decodeMetricsProto(body) : decodeMetricsJson(body.toString('utf8'));
      t.metrics.metricPoints.inc(points);
      this.forwarder?.forward(body, format, signal);
      return { accepted: points, rejected: 0 };
    }
    const decoded = format === 'proto' ? decodeTraceRequestProto(body, t.attributeKeys) : decodeTraceRequestJson(body.toString('utf8'));
    this.ingest(t, decoded);
    this.forwarder?.forward(body, format);
    return { accepted: decoded.spans.length, rejected: decoded.rejected, message: decoded.message };
  }

  /** Feeds a trace file through the same ingestion as received requests (not forwarded: it was not received). */
  async importTraces(path: string, maxLineBytes: number): Promise<TraceImportResult> {
    const t = this.requireTopology();
    const result = await importTraceFile(path, maxLineBytes, (decoded) => this.ingest(t, decoded));
    this.flushDelta();
    return result;
  }

  exportTraces(path: string): Promise<TraceExportResult> {
    return exportTraceFile(path, this.requireTopology().spans.retained(), spanDetail);
  }

  private ingest(t: Topology, decoded: DecodeResult): void {
    if (this.decodeOnly) t.countReceived(decoded.spans.length, Date.now());
    else t.ingest(decoded.spans, Date.now());
    t.countRejected(decoded.rejected, 'invalid-span');
  }

  private requireTopology(): Topology {
    if (!this.topology) throw new Error('the receiver has not been started yet: start it first');
    return this.topology;
  }

  private openReadApi(token: string): ReadApi {
    this.readApi = new ReadApi({
      graph: () => this.topology?.graph() ?? emptyGraph(),
      status: () => this.current,
      traces: (query) => this.traceList(query),
      trace: (traceId) => this.traceDetail(traceId),
    }, token);
    return this.readApi;
  }

  /**
   * Keeps the live data across restarts of the receiver: a change of the pairing or expiry
   * settings carries the graph over into the new engine; a new flow prefix starts afresh.
   */
  private ensureTopology(options: WorkerStartOptions): void {
    const r = options.receiver;
    const topologyOptions = {
      attributePrefix: options.attributePrefix,
      pairWaitMs: options.pairWaitMs ?? secondsToMs(r.pairingTtlSeconds, DEFAULT_PAIR_WAIT_MS),
      virtualClient: r.virtualClient !== false,
      expiryMs: secondsToMs(r.expirySeconds, DEFAULT_EXPIRY_MS),
      windowMs: secondsToMs(r.windowSeconds, DEFAULT_WINDOW_MS),
      caps: Number.isInteger(r.pairingMaxItems) && r.pairingMaxItems > 0 ? { pendingPairs: r.pairingMaxItems } : {},
    };
    const key = JSON.stringify(topologyOptions);
    if (this.topology && this.topologyKey === key) return;
    const previous = this.topologyPrefix === options.attributePrefix ? this.topology : undefined;
    this.topology = new Topology(topologyOptions);
    this.topologyKey = key;
    if (previous) {
      this.topology.restore(previous.serialize());
      return;
    }
    this.topologyPrefix = options.attributePrefix;
    this.history = options.dataDir ? new HistoryStore(options.dataDir) : undefined;
    const saved = this.history?.loadState();
    if (saved) this.topology.restore(saved);
  }

  private startTimers(options: WorkerStartOptions): void {
    this.timers.push(
      setInterval(() => {
        this.topology?.expire(Date.now());
        this.flushDelta();
      }, options.deltaIntervalMs ?? DEFAULT_DELTA_INTERVAL_MS),
    );
    if (this.history) this.timers.push(setInterval(() => this.persist(), options.snapshotIntervalMs ?? DEFAULT_SNAPSHOT_INTERVAL_MS));
    for (const t of this.timers) t.unref();
  }

  private flushDelta(): void {
    const t = this.topology;
    if (!t) return;
    const names = t.names.takeDirty();
    const steps = [...t.flows.dirty].flatMap((f) => stepRefsOf(t, f));
    const delta = t.takeDelta();
    if (!delta) return;
    this.events.delta(delta, { names, steps });
    this.readApi?.broadcast({ type: 'delta', delta });
  }

  private persist(): void {
    if (!this.history || !this.topology) return;
    try {
      this.history.save(this.topology.serialize(), this.topology.graph(), Date.now());
    } catch {
      this.topology.drops.count('persist-failed');
    }
  }

  private async closeServers(): Promise<void> {
    const http = this.http;
    const grpc = this.grpc;
    this.http = undefined;
    this.grpc = undefined;
    this.readApi?.close();
    this.readApi = undefined;
    if (http) {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
    if (grpc) {
      grpc.forceShutdown();
    }
  }

  private setStatus(status: ReceiverStatus): ReceiverStatus {
    this.current = status;
    this.events.status(status);
    this.readApi?.broadcast({ type: 'receiver', status });
    return status;
  }
}

function stepRefsOf(t: Topology, flow: string) {
  const f = t.flows.flow(flow);
  return (f?.steps ?? []).map((s) => ({ flow, step: s.name, codeRefs: t.flows.step(flow, s.name)?.codeRefs ?? [] })).filter((s) => s.codeRefs.length > 0);
}

function allDetails(t: Topology): LiveDetails {
  return { names: t.names.stats(), steps: t.flows.names().flatMap((f) => stepRefsOf(t, f)) };
}

function listen(server: HttpServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function portMessage(setting: 'grpcPort' | 'httpPort', port: number, err: Error): string {
  const inUse = /EADDRINUSE|address already in use|No address added/i.test(err.message);
  const what = setting === 'grpcPort' ? 'OTLP/gRPC' : 'OTLP/HTTP';
  return inUse
    ? `${what} port ${port} is already in use: change otelFlowMap.receiver.${setting} (or stop the other collector).`
    : `${what} receiver could not listen on port ${port} (otelFlowMap.receiver.${setting}): ${err.message}`;
}

function hostPart(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

function secondsToMs(seconds: number | undefined, fallback: number): number {
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : fallback;
}
