// The real `otel-flow-map serve` (built dist/cli.js) on free loopback ports, and real OTel JS
// SDK tracers exporting OTLP/HTTP protobuf to it.
import { context, trace, type Span, type Tracer } from '@opentelemetry/api';
import assert from 'node:assert/strict';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FromWebview, ToWebview } from '../../../common/src/protocol';

export interface Serve {
  grpc: string;
  http: string;
  ui: string;
  stop(): Promise<void>;
}

/** Sends one FromWebview message the way the page does (POST /api/message) and returns the answers. */
export async function postMessage(serve: Serve, m: FromWebview): Promise<ToWebview[]> {
  const res = await fetch(`${serve.ui}api/message`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(m) });
  assert.equal(res.status, 200);
  return (await res.json()) as ToWebview[];
}

/** `extraArgs` are further serve options, e.g. `--data-dir`. */
export function startServe(extraArgs: string[] = []): Promise<Serve> {
  const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
  const child: ChildProcess = spawn(process.execPath, [cli, 'serve', '--grpc-port', '0', '--http-port', '0', '--ui-port', '0', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()).slice(-4000));
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => {
      try {
        const info = JSON.parse(line) as { grpc: string; http: string; ui: string };
        resolve({ ...info, stop });
      } catch {
        reject(new Error(`serve printed: ${line}`));
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
  });
}

export interface SdkService {
  tracer: Tracer;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** One service with its own provider, exporting every span immediately. */
export function sdkService(serviceName: string, httpAddress: string): SdkService {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `http://${httpAddress}/v1/traces` }))],
  });
  return { tracer: provider.getTracer(`test.${serviceName}`), flush: () => provider.forceFlush(), shutdown: () => provider.shutdown() };
}

/** The context for a child span of `span`. */
export function childOf(span: Span): ReturnType<typeof context.active> {
  return trace.setSpan(context.active(), span);
}
