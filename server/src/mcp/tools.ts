// The MCP tools: their JSON schemas and pure answers over plain data (the live graph and spans,
// the analyzer's sites and findings). Every answer is bounded: lists take a `limit` with a cap,
// and say how many were left out.

import type { Flow, Graph, GraphEdge } from '../../../common/src/graph';
import type { FindingSummary, SpanSiteSummary } from '../../../common/src/sites';
import type { TraceDetail, TraceSummary } from '../../../common/src/traces';

export interface ToolDef {
  name: string;
  description: string;
  inputSchema: { type: 'object'; properties: Record<string, object>; required?: string[]; additionalProperties: false };
}

const limit = (max: number, dflt: number) => ({ type: 'integer', minimum: 1, maximum: max, default: dflt, description: `At most this many items (default ${dflt}, max ${max}).` });
const str = (description: string) => ({ type: 'string', maxLength: 512, description });

export const TOOLS: ToolDef[] = [
  {
    name: 'service_map',
    description: 'The live service map: nodes (services, databases, queues, external peers) and edges (calls, reads, writes, publishes, consumes) with counts, errors and p50/p95/p99 latency in ms since the receiver started or was cleared. Filter by a service or node name (substring) to see what it calls and what calls it.',
    inputSchema: { type: 'object', properties: { service: str('Only nodes whose name contains this, with their edges and neighbours.'), kind: { type: 'string', enum: ['service', 'database', 'queue', 'external'], description: 'Only nodes of this kind.' }, limit: limit(500, 100) }, additionalProperties: false },
  },
  {
    name: 'flows',
    description: 'Business flows seen live (spans carrying flow/step attributes): name, runs, and their steps in order with counts and errors.',
    inputSchema: { type: 'object', properties: { limit: limit(200, 50) }, additionalProperties: false },
  },
  {
    name: 'flow_steps',
    description: "The steps of one flow with live numbers (count, errors, p50/p95/p99 ms, services, span names), the transitions between steps, and each step's code sites (file:line) from the workspace analysis.",
    inputSchema: { type: 'object', properties: { flow: str('Flow name (as listed by `flows`).') }, required: ['flow'], additionalProperties: false },
  },
  {
    name: 'span_sites',
    description: 'Where in the code a span or flow step is created: file:line (relative to the workspace) for each site whose constant span name or flow step equals `name`, with the live numbers of that name on the map.',
    inputSchema: { type: 'object', properties: { name: str('A span name or flow step name.'), limit: limit(100, 20) }, required: ['name'], additionalProperties: false },
  },
  {
    name: 'findings',
    description: "The analyzer's findings (bad span or flow names, unended spans, ...) with rule, severity and file:line, for files under `path` (relative to the workspace; all when omitted).",
    inputSchema: { type: 'object', properties: { path: str('A file or folder relative to the workspace.'), limit: limit(500, 50) }, additionalProperties: false },
  },
  {
    name: 'receiver_status',
    description: 'Whether the OTLP receiver listens (its gRPC/HTTP addresses), spans received and dropped, and where this server reads live data from.',
    inputSchema: { type: 'object', properties: {}, additionalProperties: false },
  },
  {
    name: 'find_traces',
    description: "Recent traces from the map's trace store (GET /api/traces): root span, span and error counts, start and duration. Filter by service, span name, flow, step, errors only, or a minimum duration; order newest first, slowest first, or failing first. Works against a `serve` URL and against the editor's receiver.",
    inputSchema: {
      type: 'object',
      properties: {
        service: str('service.name'), name: str('Span name (a trace matches when one of its spans has it; with service, a span of that service).'), flow: str('Flow name'), step: str('Step name'),
        errorsOnly: { type: 'boolean', description: 'Only traces with an error span.' },
        minDurationMs: { type: 'number', minimum: 0, description: 'Only traces at least this long.' },
        order: { type: 'string', enum: ['newest', 'slowest', 'errors'], description: 'newest (default), slowest first, or failing first.' },
        limit: limit(50, 10),
      },
      additionalProperties: false,
    },
  },
  {
    name: 'get_trace',
    description: "One trace from the map's trace store (GET /api/traces/{traceId}): its spans with parents, status and status message, attributes, span events (exceptions with type, message and stack trace), links, the code line that created each span (file:line, when known), and the log records received for it.",
    inputSchema: { type: 'object', properties: { traceId: { type: 'string', pattern: '^[0-9a-fA-F]{32}$', description: 'Trace id: 32 hex digits.' } }, required: ['traceId'], additionalProperties: false },
  },
];

/** Reads a bounded `limit` argument. */
export function limitOf(args: Record<string, unknown>, name: string): number {
  const tool = TOOLS.find((t) => t.name === name);
  const schema = tool?.inputSchema.properties.limit as { maximum: number; default: number } | undefined;
  if (!schema) return 50;
  const v = args.limit;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? Math.min(v, schema.maximum) : schema.default;
}

function bounded<T>(items: T[], max: number): { items: T[]; omitted?: number } {
  return items.length > max ? { items: items.slice(0, max), omitted: items.length - max } : { items };
}

const r = (n: number) => Math.round(n * 10) / 10;

function edgeView(e: GraphEdge) {
  return { source: e.source, target: e.target, relation: e.relation, count: e.count, errors: e.errors, p50Ms: r(e.p50Ms), p95Ms: r(e.p95Ms), p99Ms: r(e.p99Ms), spanNames: e.spanNames.slice(0, 5), lastSeen: new Date(e.lastSeen).toISOString() };
}

export function serviceMap(graph: Graph, args: { service?: string; kind?: string; limit: number }) {
  let nodes = graph.nodes;
  if (args.kind) nodes = nodes.filter((n) => n.kind === args.kind);
  let edges = graph.edges;
  if (args.service) {
    const needle = args.service.toLowerCase();
    const focus = new Set(nodes.filter((n) => n.name.toLowerCase().includes(needle)).map((n) => n.id));
    edges = edges.filter((e) => focus.has(e.source) || focus.has(e.target));
    const touched = new Set([...focus, ...edges.flatMap((e) => [e.source, e.target])]);
    nodes = graph.nodes.filter((n) => touched.has(n.id));
  } else {
    const ids = new Set(nodes.map((n) => n.id));
    edges = edges.filter((e) => ids.has(e.source) || ids.has(e.target));
  }
  const n = bounded([...nodes].sort((a, b) => b.spanCount - a.spanCount), args.limit);
  const e = bounded([...edges].sort((a, b) => b.count - a.count), args.limit);
  return {
    nodes: n.items.map((x) => ({ id: x.id, kind: x.kind, name: x.name, ...(x.system ? { system: x.system } : {}), spanCount: x.spanCount, errorCount: x.errorCount })),
    ...(n.omitted ? { nodesOmitted: n.omitted } : {}),
    edges: e.items.map(edgeView),
    ...(e.omitted ? { edgesOmitted: e.omitted } : {}),
    stats: { spansReceived: graph.stats.spansReceived, spansDropped: graph.stats.spansDropped },
  };
}

export function flowList(graph: Graph, max: number) {
  const f = bounded([...graph.flows].sort((a, b) => b.runs - a.runs), max);
  return {
    flows: f.items.map((x) => ({ name: x.name, runs: x.runs, steps: x.steps.map((s) => ({ name: s.name, count: s.count, errors: s.errors })) })),
    ...(f.omitted ? { omitted: f.omitted } : {}),
  };
}

const siteView = (s: SpanSiteSummary) => ({ location: `${s.file}:${s.line}`, column: s.column, language: s.language, name: s.name, ...(s.flow ? { flow: s.flow, step: s.step } : {}), ...(s.scope ? { scope: s.scope } : {}), ...(s.kind ? { kind: s.kind } : {}) });

export function flowSteps(graph: Graph, sites: SpanSiteSummary[], flowName: string): object {
  const flow: Flow | undefined = graph.flows.find((f) => f.name === flowName);
  const codeSteps = sites.filter((s) => s.flow === flowName);
  if (!flow && !codeSteps.length) return { error: `no flow named "${flowName}" live or in the code`, flows: graph.flows.map((f) => f.name).slice(0, 50) };
  const stepNames = [...new Set([...(flow?.steps.map((s) => s.name) ?? []), ...codeSteps.map((s) => s.step ?? '')].filter(Boolean))];
  return {
    flow: flowName,
    runs: flow?.runs ?? 0,
    steps: stepNames.slice(0, 200).map((name) => {
      const live = flow?.steps.find((s) => s.name === name);
      return {
        name,
        ...(live ? { count: live.count, errors: live.errors, p50Ms: r(live.p50Ms), p95Ms: r(live.p95Ms), p99Ms: r(live.p99Ms), services: live.services, spanNames: live.spanNames.slice(0, 5) } : { live: false }),
        sites: codeSteps.filter((s) => s.step === name).slice(0, 10).map((s) => `${s.file}:${s.line}`),
      };
    }),
    transitions: (flow?.transitions ?? []).slice(0, 200),
  };
}

/** Live numbers of a span name on the map: flow steps it is (or names), and edges it produced. */
function liveOfName(graph: Graph, name: string) {
  const steps = graph.flows.flatMap((f) => f.steps.filter((s) => s.name === name || s.spanNames.includes(name)).map((s) => ({ flow: f.name, step: s.name, count: s.count, errors: s.errors, p50Ms: r(s.p50Ms), p95Ms: r(s.p95Ms) })));
  const edges = graph.edges.filter((e) => e.spanNames.includes(name)).map(edgeView);
  return { steps: steps.slice(0, 20), edges: edges.slice(0, 20) };
}

export function spanSites(graph: Graph, sites: SpanSiteSummary[], name: string, max: number) {
  const exact = sites.filter((s) => s.name === name || s.step === name);
  const matched = bounded(exact, max);
  return {
    name,
    sites: matched.items.map(siteView),
    ...(matched.omitted ? { omitted: matched.omitted } : {}),
    ...(matched.items.length ? {} : { hint: `no site creates "${name}" with a constant name; span names known to the code: ${[...new Set(sites.map((s) => s.name).filter(Boolean))].slice(0, 30).join(', ')}` }),
    live: liveOfName(graph, name),
  };
}

export function findingsUnder(findings: FindingSummary[], path: string | undefined, max: number) {
  const p = (path ?? '').replace(/^\.\/?/, '').replace(/\\/g, '/').replace(/\/$/, '');
  const hits = p ? findings.filter((f) => f.file === p || f.file.startsWith(`${p}/`)) : findings;
  const b = bounded(hits, max);
  return { findings: b.items.map((f) => ({ location: `${f.file}:${f.line}`, rule: f.rule, severity: f.severity, message: f.message })), ...(b.omitted ? { omitted: b.omitted } : {}) };
}

/** Recent traces as rows for an agent. */
export function traceRows(traces: TraceSummary[], max: number) {
  const b = bounded(traces, max);
  return {
    traces: b.items.map((t) => ({ traceId: t.traceId, root: `${t.rootService}: ${t.rootName}`, spans: t.spanCount, errors: t.errorCount, startedAt: new Date(t.startMs).toISOString(), durationMs: r(t.durationMs) })),
    ...(b.omitted ? { omitted: b.omitted } : {}),
  };
}

const MAX_ATTRIBUTE_CHARS = 512;
const MAX_STACKTRACE_CHARS = 4_000;
const MAX_TRACE_SPANS = 200;
const MAX_SPAN_EVENTS = 16;
const MAX_TRACE_LOGS = 100;

type Attrs = Record<string, string | number | boolean>;

function clipAttrs(attrs: Attrs, max = 64): Attrs {
  return Object.fromEntries(Object.entries(attrs).slice(0, max).map(([k, v]) => {
    const cap = k === 'exception.stacktrace' ? MAX_STACKTRACE_CHARS : MAX_ATTRIBUTE_CHARS;
    return [k, typeof v === 'string' && v.length > cap ? `${v.slice(0, cap)}…` : v];
  }));
}

/** One trace for an agent: spans in start order (bounded), exceptions and logs kept, long values cut. */
export function traceView(trace: TraceDetail): object {
  const spans = bounded(trace.spans, MAX_TRACE_SPANS);
  const logs = bounded(trace.logs, MAX_TRACE_LOGS);
  return {
    traceId: trace.traceId,
    ...(trace.missingSpans ? { missingSpans: trace.missingSpans } : {}),
    spans: spans.items.map((s) => ({
      spanId: s.spanId, ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}), name: s.name, service: s.service, kind: s.kind,
      startedAt: new Date(s.startMs).toISOString(), durationMs: r(s.durationMs), status: s.status, ...(s.statusMessage ? { statusMessage: s.statusMessage } : {}),
      ...(s.code ? { code: `${s.code.file}:${s.code.line}` } : {}),
      attributes: clipAttrs(s.attributes),
      ...(s.events.length ? { events: s.events.slice(0, MAX_SPAN_EVENTS).map((e) => ({ name: e.name, at: new Date(e.timeMs).toISOString(), attributes: clipAttrs(e.attributes, 32) })) } : {}),
      ...(s.links.length ? { links: s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId })) } : {}),
    })),
    ...(spans.omitted ? { spansOmitted: spans.omitted } : {}),
    logs: logs.items.map((l) => ({ at: new Date(l.timeMs).toISOString(), severity: l.severity, body: l.body.length > MAX_ATTRIBUTE_CHARS ? `${l.body.slice(0, MAX_ATTRIBUTE_CHARS)}…` : l.body, ...(l.spanId ? { spanId: l.spanId } : {}) })),
    ...(logs.omitted ? { logsOmitted: logs.omitted } : {}),
  };
}
