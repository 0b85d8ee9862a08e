// Shared helpers of the receiver suite: real SDK tracers/exporters, a host on ephemeral
// loopback ports, and polling with a deadline (never sleeps for readiness).

import { context, trace, type Link, type Span, type SpanKind, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ProtobufTraceSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, type ReceiverSettings } from '../../common/src/settings';
import { createTelemetryHost, type TelemetryHost } from '../../server/src/telemetry/host';

export const WORKER_PATH = join(__dirname, '..', '..', 'dist', 'telemetryWorker.js');

export function receiverSettings(over: Partial<ReceiverSettings> = {}): ReceiverSettings {
  return { ...DEFAULT_SETTINGS.receiver, grpcPort: 0, httpPort: 0, ...over };
}

export async function startHost(over: Partial<ReceiverSettings> = {}, dataDir?: string): Promise<{ host: TelemetryHost; grpc: string; http: string }> {
  const host = createTelemetryHost({ workerPath: WORKER_PATH, dataDir, tuning: { pairWaitMs: 300, deltaIntervalMs: 50, snapshotIntervalMs: 60_000 } });
  const status = await host.start(receiverSettings(over), 'coordimap.flow.');
  if (status.state !== 'listening') throw new Error(`receiver did not start: ${JSON.stringify(status)}`);
  return { host, grpc: status.grpc!, http: status.http! };
}

export { waitFor } from '../support/waitFor';

/** A tracer of one service exporting through the given exporter, one span at a time. */
export function tracerFor(service: string, exporter: SpanExporter, scope = 'test-scope') {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { tracer: provider.getTracer(scope), provider };
}

export interface SpanSpec {
  name: string;
  kind?: SpanKind;
  attributes?: Attributes;
  parent?: Span;
  links?: Link[];
  error?: boolean;
  startMs?: number;
  durationMs?: number;
}

export function makeSpan(tracer: ReturnType<typeof tracerFor>['tracer'], spec: SpanSpec): Span {
  const start = spec.startMs ?? Date.now();
  const ctx = spec.parent ? trace.setSpan(context.active(), spec.parent) : context.active();
  const span = tracer.startSpan(spec.name, { kind: spec.kind, attributes: spec.attributes, links: spec.links, startTime: start }, ctx);
  if (spec.error) span.setStatus({ code: 2 });
  span.end(start + (spec.durationMs ?? 5));
  return span;
}

/** Finished spans of one service, for building request bodies without a network. */
export function recordSpans(service: string, build: (tracer: ReturnType<typeof tracerFor>['tracer']) => void): ReadableSpan[] {
  const mem = new InMemorySpanExporter();
  const { tracer } = tracerFor(service, mem);
  build(tracer);
  return mem.getFinishedSpans();
}

export function protoBody(spans: ReadableSpan[]): Buffer {
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
}

export function jsonBody(spans: ReadableSpan[]): Buffer {
  return Buffer.from(JsonTraceSerializer.serializeRequest(spans)!);
}

export async function postTraces(http: string, body: Buffer | string, headers: Record<string, string>): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const res = await fetch(`http://${http}/v1/traces`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}
