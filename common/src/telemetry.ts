// Receiver state and drill-down shapes shared by the worker, the server, the client and the webview.

export interface ReceiverStatus {
  state: 'disabled' | 'starting' | 'listening' | 'stopped' | 'error';
  /** host:port actually bound. */
  grpc?: string;
  http?: string;
  /** Human-readable reason when state is 'error' (e.g. port in use and which setting to change). */
  message?: string;
}

export interface SpanQuery {
  service?: string;
  edgeId?: string;
  nodeId?: string;
  flow?: string;
  step?: string;
  name?: string;
  limit?: number;
}

export interface SpanSummary {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  scope: string;
  kind: string;
  startMs: number;
  durationMs: number;
  error: boolean;
  attributes: Record<string, string | number | boolean>;
}

/** What importing an OTLP JSON / JSON-lines trace file fed into the receiver. */
export interface TraceImportResult {
  spans: number;
  /** ExportTraceServiceRequest objects decoded (lines, or 1 for a single JSON document). */
  requests: number;
  /** Lines skipped: not JSON, not a request, or over the size cap. */
  rejectedLines: number;
}

/** What exporting the retained spans as OTLP JSON-lines wrote. */
export interface TraceExportResult {
  spans: number;
  requests: number;
}

/** One step of a recent flow run, as the details panel lists it. */
export interface FlowRunStep {
  step: string;
  service: string;
  /** Epoch milliseconds. */
  startMs: number;
  durationMs: number;
  error: boolean;
}

/** A recent run of a flow: its steps ordered by start (at most stepsPerRun are kept). */
export interface FlowRun {
  runId: string;
  startMs: number;
  /** From the first step's start to the last step's end. */
  durationMs: number;
  error: boolean;
  steps: FlowRunStep[];
}
