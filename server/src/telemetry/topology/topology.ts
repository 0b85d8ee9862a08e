// The topology engine: turns decoded spans into the live graph of contract.md §2–3 (nodes,
// edges with counts, errors and latency quantiles, flows), bounded in memory, with deltas
// for consumers (pendingChanges.ts) and a serialisable state for persistence (graphItems.ts).

import type { DeltaFlow, Flow, Graph, GraphDelta, GraphEdge, GraphNode, GraphStats, Relation } from '../../../../common/src/graph';
import { MAX_WINDOW_MS } from '../../../../common/src/protocol';
import type { DecodedSpan } from '../otlp/span';
import { TelemetryMetrics } from '../metrics/telemetryMetrics';
import { serviceNode, topologyAttributeKeys, type NodeRef } from './classify';
import { GraphExpiry } from './expiry';
import { FlowTracker } from './flows';
import { bucketOf, LatencyHistogram } from './histogram';
import { addCharged, ByteBudget, DEFAULT_CAPS, DropCounter, type TopologyCaps } from './limits';
import { asArray, edgeBytes, edgeView, nodeBytes, num, persistedEdge, persistedNode, type EdgeState, type NodeState } from './graphItems';
import { PendingChanges } from './pendingChanges';
import { liveWindowOf, type LiveWindow } from './liveWindow';
import { SpanRate } from './spanRate';
import { WindowHistBudget, WindowStats, WINDOW_HIST_BYTES } from './windowStats';
import { Pairer } from './pairing';
import { ServiceGraphRules } from './serviceGraphRules';
import { SpanNameStats } from './spanNames';
import { SpanStore } from './spanStore';
import { DEFAULT_TRACE_CAPS, TraceStore, type TraceStoreCaps } from '../traces/traceStore';

export interface TopologyOptions {
  attributePrefix: string;
  /** How long a client or server half waits for the other before falling back. */
  pairWaitMs: number;
  /** Draw the virtual caller (`user` or its peer name) of root SERVER / CONSUMER spans; default on. */
  virtualClient?: boolean;
  /** Nodes, edges and flows unseen this long leave the live graph; default 1 h. */
  expiryMs?: number;
  caps?: Partial<TopologyCaps>;
  traceCaps?: Partial<TraceStoreCaps>;
  /** The recent window of graph()'s per-item `window` numbers (GET /api/graph); default 1 min. */
  windowMs?: number;
}

export const DEFAULT_WINDOW_MS = 60_000;

/** The longest window the map offers (1 h): anything older is in no view. */
const DEFAULT_EXPIRY_MS = MAX_WINDOW_MS;
const NO_EDGES: string[] = [];

export class Topology {
  readonly caps: TopologyCaps;
  /** The recent window of graph() (ms). */
  readonly windowMs: number;
  /** Bytes of the per-bucket latency histograms of the recent windows (docs/limits.md). */
  readonly windowBudget: WindowHistBudget;
  readonly drops = new DropCounter();
  /** Bytes of graph state (nodes, edges, span-name stats, flows, steps): caps.graphBytes. */
  readonly budget: ByteBudget;
  readonly flows: FlowTracker;
  readonly names: SpanNameStats;
  readonly spans: SpanStore;
  /** Recent traces for the trace list and waterfall (tail-biased keep, evictions counted). */
  readonly traces: TraceStore;
  /** The span attribute keys the engine reads: the receiver decodes only these on ingest. */
  readonly attributeKeys: ReadonlySet<string>;
  /** The Prometheus series of /metrics (contract §7). */
  readonly metrics: TelemetryMetrics;
  private readonly rules: ServiceGraphRules;
  private readonly expiry: GraphExpiry;
  private nodes = new Map<string, NodeState>();
  /** The `now` of the ingest or expire call running (pairing callbacks record with it). */
  private clock = 0;
  private edges = new Map<string, EdgeState>();
  private pairer: Pairer;
  private readonly changes = new PendingChanges();
  /** The next node or edge key (GraphNode.key, GraphEdge.key): small numbers keep stats rows short. */
  private nextKey = 1;
  private received = 0;
  private rejected = 0;
  private readonly rate = new SpanRate();
  /** Edge ids the span being ingested contributed to (for the span store); shared while empty. */
  private currentEdges: string[] = NO_EDGES;
  /** The span ingestOne is adding; addEdge for any other span is a late pairing. */
  private ingesting: DecodedSpan | undefined;

  constructor(opts: TopologyOptions) {
    this.caps = { ...DEFAULT_CAPS, ...opts.caps };
    this.windowMs = opts.windowMs && opts.windowMs > 0 ? Math.min(opts.windowMs, MAX_WINDOW_MS) : DEFAULT_WINDOW_MS;
    this.budget = new ByteBudget(this.caps.graphBytes);
    this.windowBudget = new WindowHistBudget(WINDOW_HIST_BYTES, () => this.drops.count('window-latency-cap'));
    this.flows = new FlowTracker(opts.attributePrefix, this.caps, this.drops, this.budget);
    this.names = new SpanNameStats(this.caps, this.drops, this.budget, this.windowBudget);
    this.spans = new SpanStore(this.caps.retainedSpans, opts.attributePrefix, this.caps.retainedSpanBytes);
    this.traces = new TraceStore(opts.attributePrefix, { ...DEFAULT_TRACE_CAPS, ...opts.traceCaps }, (reason, n) => this.drops.count(reason, n));
    this.attributeKeys = topologyAttributeKeys(opts.attributePrefix);
    this.metrics = new TelemetryMetrics(() => this.stats(), () => this.drops.count('series-cap'));
    this.rules = new ServiceGraphRules(
      { addEdge: (source, target, relation, span, extraError, detail) => this.addEdge(source, target, relation, span, bucketOf(span.durationMs), extraError, detail) },
      this.metrics.serviceGraph,
      { virtualClient: opts.virtualClient ?? true },
      () => this.clock,
    );
    this.pairer = new Pairer(opts.pairWaitMs, this.caps.pendingPairs, this.rules, this.caps.pendingPairBytes);
    this.rules.pairer = this.pairer;
    this.expiry = new GraphExpiry(opts.expiryMs ?? DEFAULT_EXPIRY_MS);
  }

  ingest(spans: DecodedSpan[], now: number): void {
    this.clock = now;
    for (const span of spans) this.ingestOne(span, now);
    this.countReceived(spans.length, now);
  }

  /** Counts received spans (ingest does; alone, for the bench's decode-only baseline). */
  countReceived(n: number, now: number): void {
    this.received += n;
    this.rate.add(n, now);
    this.changes.statsChanged = true;
  }

  /** Spans refused before reaching the engine (decoder rejects, size limits, shedding). */
  countRejected(n: number, reason: string): void {
    if (n <= 0) return;
    this.rejected += n;
    this.drops.count(reason, n);
    this.changes.statsChanged = true;
  }

  /** Ends pairing waits and idle runs; call periodically. */
  expire(now: number): void {
    this.clock = now;
    this.pairer.expire(now);
    this.flows.expire(now);
    this.expireGraph(now);
    this.rate.prune(now);
  }

  /** The live graph with lifetime numbers, and per item the numbers of the default recent window. */
  graph(now = Date.now()): Graph {
    return this.build(this.windowMs, now, false);
  }

  /**
   * The graph with lifetime numbers and, per node and edge, `window`: counts, rate and latency
   * quantiles of the spans that ended within the last `windowMs` (null: since start, no per-item
   * window). Items silent for the whole window stay, with zeros (the map draws them idle).
   * Flows: only steps with traffic in the window (runs and transitions stay all-time).
   */
  windowGraph(windowMs: number | null, now = Date.now()): Graph {
    return this.build(windowMs, now, true);
  }

  /** The numbers CodeLens and hover show (liveWindow.ts). */
  liveWindow(now = Date.now()): LiveWindow {
    return liveWindowOf(this.flows, this.names, this.windowMs, now);
  }

  /** `windowFlows`: flows of the window only (else all-time). */
  private build(windowMs: number | null, now: number, windowFlows: boolean): Graph {
    const ms = windowMs === null ? null : Math.min(Math.max(1, windowMs), MAX_WINDOW_MS);
    const edges: GraphEdge[] = [];
    for (const e of this.edges.values()) edges.push(ms === null ? edgeView(e) : { ...edgeView(e), window: e.win.window(ms, now, e.touched) });
    const nodes: GraphNode[] = [];
    for (const n of this.nodes.values()) nodes.push(ms === null ? { ...n.node } : { ...n.node, window: n.win.window(ms, now, n.touched) });
    const flows = ms === null || !windowFlows
      ? this.flows.names().map((f) => this.flows.flow(f)).filter((f): f is Flow => f !== undefined)
      : this.flows.names().map((f) => this.flows.windowFlow(f, now - ms)).filter((f): f is Flow => f !== undefined);
    return { nodes, edges, flows, stats: this.stats(now), window: { ms } };
  }

  /** What changed since the last call, or undefined when nothing did. */
  takeDelta(now = Date.now()): GraphDelta | undefined {
    const c = this.changes;
    if (!c.reset && !c.statsChanged && !this.expiry.pending && c.itemCount + this.flows.dirty.size === 0) return undefined;
    const reset = c.reset;
    const delta: GraphDelta = {
      ...c.take(this.edges),
      flows: [...this.flows.dirty].map((f) => this.flows.deltaFlow(f, reset)).filter((f): f is DeltaFlow => f !== undefined),
      ...this.expiry.takeRemoved(),
      stats: this.stats(now),
      ...(reset ? { reset: true } : {}),
    };
    this.flows.markClean();
    c.reset = false;
    c.statsChanged = false;
    return delta;
  }

  clear(): void {
    for (const n of this.nodes.values()) n.win.release();
    for (const e of this.edges.values()) e.win.release();
    this.nodes.clear();
    this.edges.clear();
    this.pairer.clear();
    this.flows.clear();
    this.names.clear();
    this.spans.clear();
    this.traces.clear();
    this.drops.clear();
    this.budget.reset();
    this.metrics.clear();
    this.expiry.clear();
    this.changes.clear();
    this.rate.clear();
    this.received = 0;
    this.rejected = 0;
  }

  stats(now = Date.now()): GraphStats {
    return {
      spansReceived: this.received,
      spansDropped: this.drops.lost(),
      dropped: this.drops.of('dropped'),
      collapsed: this.drops.of('collapsed'),
      refused: this.drops.of('refused'),
      spansPerSecond: this.rate.current(now),
    };
  }

  serialize(): unknown {
    return {
      version: 1,
      nodes: [...this.nodes.values()].map((n) => n.node),
      edges: [...this.edges.values()].map((e) => ({ ...edgeView(e), hist: e.hist.toJSON() })),
      flows: this.flows.serialize(),
      names: this.names.serialize(),
      received: this.received,
      rejected: this.rejected,
      dropped: this.drops.byReason,
    };
  }

  /** Restores a serialize() result; ignores anything malformed (the file is on disk, not trusted). */
  restore(data: unknown): void {
    if (typeof data !== 'object' || data === null || (data as { version?: unknown }).version !== 1) return;
    const d = data as Record<string, unknown>;
    // Restored items count as seen now: expiry measures time in this receiver, not in the file.
    this.clock = Math.max(this.clock, Date.now());
    for (const raw of asArray(d.nodes)) {
      const node = persistedNode(raw);
      if (!node || this.nodes.size >= this.caps.nodes || this.nodes.has(node.id) || !this.budget.charge(nodeBytes(node.id, node.name, node.namedBy))) continue;
      this.addNode(node);
    }
    for (const raw of asArray(d.edges)) {
      const e = persistedEdge(raw, this.caps.namesPerItem);
      if (!e || this.edges.size >= this.caps.edges || this.edges.has(e.edge.id) || !this.budget.charge(e.bytes)) continue;
      this.edges.set(e.edge.id, { ...e, touched: this.clock, edge: { ...e.edge, key: this.nextKey++ }, win: new WindowStats(this.windowBudget), sendWhole: true });
      this.changes.edge(e.edge.id);
    }
    this.flows.restore(d.flows);
    for (const name of this.flows.names()) this.expiry.flowSeen(name, this.clock);
    this.names.restore(d.names);
    this.received = num(d.received);
    this.rejected = num(d.rejected);
    if (typeof d.dropped === 'object' && d.dropped !== null) {
      for (const [k, v] of Object.entries(d.dropped)) if (Number.isFinite(v)) this.drops.count(k, v as number);
    }
    this.changes.statsChanged = true;
  }

  /** Prometheus text of every series (GET /metrics). */
  metricsText(): Promise<string> {
    return this.metrics.text();
  }

  /** Nodes, edges and flows unseen for the expiry TTL leave, with removed* deltas (contract §2e). */
  private expireGraph(now: number): void {
    const before = this.expiry.due(now);
    if (before === undefined) return;
    const goneNodes = new Set<string>();
    for (const [id, n] of this.nodes) {
      if (n.touched >= before) continue;
      this.nodes.delete(id);
      n.win.release();
      this.budget.refund(n.bytes);
      goneNodes.add(id);
      this.expiry.removeNode(id);
    }
    for (const [id, e] of this.edges) {
      if (e.touched >= before && !goneNodes.has(e.edge.source) && !goneNodes.has(e.edge.target)) continue;
      this.edges.delete(id);
      e.win.release();
      this.budget.refund(e.bytes);
      this.changes.forget(id);
      this.metrics.edges.remove(id);
      this.expiry.removeEdge(id);
    }
    this.changes.forgetNodes(goneNodes);
    for (const flow of this.expiry.idleFlows(before)) this.flows.remove(flow);
    this.metrics.serviceGraph.expire(before);
  }

  private ingestOne(span: DecodedSpan, now: number): void {
    this.currentEdges = NO_EDGES;
    this.ingesting = span;
    const service = serviceNode(span.service);
    const bucket = bucketOf(span.durationMs);
    // A span whose service cannot get a node (count or bytes cap) is lost: counted, nothing kept.
    if (!this.touchNode(service, span)) {
      this.drops.count('service-cap');
      this.ingesting = undefined;
      return;
    }
    this.rules.ingest(span, now);
    const flow = this.flows.add(span, now, bucket);
    if (flow !== undefined) this.expiry.flowSeen(flow, now);
    this.names.add(span, bucket, now);
    this.spans.push(span, this.currentEdges);
    this.traces.add(span, this.currentEdges);
    this.currentEdges = NO_EDGES;
    this.ingesting = undefined;
  }

  /** Upserts a node and counts the span on it; false when a cap refused it (a peer's refusal is counted here). */
  private touchNode(ref: NodeRef, span: DecodedSpan, error = span.error): boolean {
    let state = this.nodes.get(ref.id);
    const end = span.startMs + span.durationMs;
    if (!state) {
      const full = this.nodes.size >= this.caps.nodes;
      if (full || !this.budget.charge(nodeBytes(ref.id, ref.name, ref.namedBy))) {
        if (ref.kind !== 'service') this.drops.count(full ? 'node-cap' : 'graph-bytes-cap');
        return false;
      }
      state = this.addNode({
        id: ref.id, kind: ref.kind, name: ref.name, ...(ref.system ? { system: ref.system } : {}), ...(ref.namedBy ? { namedBy: ref.namedBy } : {}),
        spanCount: 0, errorCount: 0, firstSeen: span.startMs, lastSeen: end,
      });
    }
    state.touched = this.clock;
    const n = state.node;
    n.spanCount++;
    if (error) n.errorCount++;
    state.win.record(end, this.clock, error, bucketOf(span.durationMs));
    if (span.startMs < n.firstSeen) {
      n.firstSeen = span.startMs;
      state.sendWhole = true;
    }
    if (end > n.lastSeen) n.lastSeen = end;
    this.changes.node(state);
    return true;
  }

  private addNode(node: GraphNode): NodeState {
    node.key = this.nextKey++;
    const state: NodeState = { touched: this.clock, node, win: new WindowStats(this.windowBudget), dirty: false, bytes: nodeBytes(node.id, node.name, node.namedBy), sendWhole: true };
    this.nodes.set(node.id, state);
    this.changes.node(state);
    return state;
  }

  /** `bucket`: the span's latency bucket (bucketOf). */
  private addEdge(source: NodeRef, target: NodeRef, relation: Relation, span: DecodedSpan, bucket: number, extraError: boolean, detail?: string): void {
    const error = span.error || extraError;
    if (source.kind === 'service' ? !this.nodes.has(source.id) : !this.touchNode(source, span, error)) return;
    if (target.kind !== 'service' && !this.touchNode(target, span, error)) return;
    const id = `${source.id}|${relation}|${target.id}`;
    let e = this.edges.get(id);
    const end = span.startMs + span.durationMs;
    if (!e) {
      const full = this.edges.size >= this.caps.edges;
      if (full || !this.budget.charge(edgeBytes(id))) {
        this.drops.count(full ? 'edge-cap' : 'graph-bytes-cap');
        return;
      }
      e = {
        touched: this.clock,
        edge: { id, source: source.id, target: target.id, relation, count: 0, errors: 0, firstSeen: span.startMs, lastSeen: end, key: this.nextKey++ },
        hist: new LatencyHistogram(), win: new WindowStats(this.windowBudget), spanNames: new Set(), scopes: new Set(), details: new Set(), bytes: edgeBytes(id), sendWhole: true,
      };
      this.edges.set(id, e);
    }
    e.touched = this.clock;
    e.edge.count++;
    if (error) e.edge.errors++;
    this.metrics.edges.record(id, source, target, relation, error, Math.max(0, span.durationMs) / 1000, this.clock);
    e.hist.recordBucket(bucket);
    e.win.record(end, this.clock, error, bucket);
    if (span.startMs < e.edge.firstSeen) {
      e.edge.firstSeen = span.startMs;
      e.sendWhole = true;
    }
    if (end > e.edge.lastSeen) e.edge.lastSeen = end;
    let added = addCharged(e.spanNames, span.name, this.caps.namesPerItem, this.budget);
    if (span.scope) added += addCharged(e.scopes, span.scope, this.caps.namesPerItem, this.budget);
    if (detail) added += addCharged(e.details, detail, this.caps.namesPerItem, this.budget);
    if (added > 0) {
      e.bytes += added;
      e.sendWhole = true;
    }
    this.changes.edge(id);
    // While a span is ingested, the edges it resolves are its own (also the other half's pair edge);
    // an edge resolved for a span ingested earlier (pairing waited, or gave up) is recorded on that span.
    if (this.ingesting) {
      if (this.currentEdges === NO_EDGES) this.currentEdges = [id];
      else this.currentEdges.push(id);
    }
    if (span !== this.ingesting) {
      this.spans.tag(span, id);
      this.traces.tag(span, id);
    }
  }
}
