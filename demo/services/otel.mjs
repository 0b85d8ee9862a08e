// Shared plumbing for the demo services: one TracerProvider per service (as if each ran in
// its own process), exporting OTLP/HTTP protobuf to the Flow Map receiver.
import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Flow attributes, per docs/contract.md (Coordimap-compatible). */
export const FLOW_NAME = 'coordimap.flow.name';
export const FLOW_STEP = 'coordimap.flow.step';
export const FLOW_RUN_ID = 'coordimap.flow.run_id';

const providers = [];

/** A tracer for one service; spans go to `${endpoint}/v1/traces`. */
export function serviceTracer(serviceName, endpoint) {
  const exporter = new OTLPTraceExporter({ url: `${endpoint}/v1/traces` });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.version': '1.4.2', 'deployment.environment.name': 'demo' }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 500 })],
  });
  providers.push(provider);
  return provider.getTracer(`demo.${serviceName}`, '1.0.0');
}

/** Flushes and stops every provider (Ctrl-C). */
export async function shutdownAll() {
  await Promise.allSettled(providers.map((p) => p.shutdown()));
}

/**
 * code.* attributes pointing at the line of the span-creating call that this `here()` sits in,
 * like auto-instrumentation would: `here()` is often on a later line of a multi-line call, so
 * walk back to the line that opens the nearest `startSpan(` / `startActiveSpan(`.
 */
export function here(functionName) {
  const frame = new Error().stack?.split('\n')[2] ?? '';
  const m = /\((?:file:\/\/)?(.+?):(\d+):\d+\)$/.exec(frame) ?? /at (?:file:\/\/)?(.+?):(\d+):\d+$/.exec(frame);
  const file = m ? (m[1].startsWith('/') ? m[1] : fileURLToPath(m[1])) : fileURLToPath(import.meta.url);
  return { 'code.file.path': file, 'code.line.number': m ? callLine(file, Number(m[2])) : 1, 'code.function.name': functionName };
}

const sourceLines = new Map();
function callLine(file, line) {
  if (!sourceLines.has(file)) sourceLines.set(file, readFileSync(file, 'utf8').split('\n'));
  const lines = sourceLines.get(file);
  for (let i = line - 1; i >= Math.max(0, line - 10); i--) if (/\.start(Active)?Span\(/.test(lines[i])) return i + 1;
  return line;
}

/** The context to start a child of `span` in (no global context manager is needed). */
export function within(span) {
  return trace.setSpan(context.active(), span);
}

/**
 * A virtual clock for one request: spans get explicit start/end times so the demo can send
 * realistic latencies without sleeping.
 */
export class Clock {
  constructor(start = Date.now() - 2000) {
    this.now = start;
  }
  advance(ms) {
    this.now += ms;
    return this.now;
  }
}

/** Latency with a long tail: mostly around `typical`, sometimes several times slower. */
export function latency(typical) {
  const jitter = typical * (0.6 + Math.random() * 0.8);
  return Math.random() < 0.05 ? jitter * (3 + Math.random() * 4) : jitter;
}
