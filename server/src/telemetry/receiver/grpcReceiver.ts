// OTLP/gRPC TraceService, MetricsService and LogsService Export via grpc-js, with raw-buffer (de)serialisers: the request is
// decoded by our own decoder. Never rejects for load (the JS gRPC exporter does not retry
// UNAVAILABLE): it accepts and the bounded stores evict instead.

import * as grpc from '@grpc/grpc-js';
import type { Http2Server, ServerHttp2Session } from 'node:http2';
import { MalformedRequestError } from '../otlp/span';
import { authorized } from './auth';
import type { ExportHandler, Signal } from './exportHandler';
import { encodeExportResponseProto } from './exportResponse';

const SERVICES = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
} as const;
/** HTTP/2 flow-control window: the default 64 KiB caps throughput of 500-span requests. */
const WINDOW_BYTES = 16 * 1024 * 1024;

const identity = (b: Buffer): Buffer => b;

// grpc-js logs to stderr by default; failures reach the user through ReceiverStatus instead.
grpc.setLogVerbosity(grpc.logVerbosity.NONE);

const serviceOf = (name: string): grpc.ServiceDefinition => ({
  Export: {
    path: `/${name}/Export`,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
});

export interface GrpcReceiverOptions {
  token: string;
  maxRequestBytes: number;
}

export function createGrpcReceiver(handle: ExportHandler, opts: GrpcReceiverOptions): grpc.Server {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': opts.maxRequestBytes,
    'grpc.max_concurrent_streams': 256,
  });
  for (const signal of ['traces', 'metrics', 'logs'] as const) server.addService(serviceOf(SERVICES[signal]), { Export: exportOf(signal) });
  return server;

  function exportOf(signal: Signal) {
    return (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const auth = call.metadata.get('authorization')[0];
      if (!authorized(typeof auth === 'string' ? auth : undefined, opts.token)) {
        callback({ code: grpc.status.UNAUTHENTICATED, details: 'missing or wrong bearer token' });
        return;
      }
      try {
        callback(null, encodeExportResponseProto(handle(call.request, 'proto', signal)));
      } catch (err) {
        if (err instanceof MalformedRequestError) callback({ code: grpc.status.INVALID_ARGUMENT, details: `malformed request: ${err.message}` });
        else callback({ code: grpc.status.INTERNAL, details: 'internal error' });
      }
    };
  }
}

export function bindGrpc(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    // An IPv6 address goes in brackets (`[::1]:4317`): grpc-js reads `::1:4317` as a name.
    const address = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    server.bindAsync(`${address}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (err) reject(err);
      else {
        widenFlowControl(server);
        resolve(bound);
      }
    });
  });
}

/**
 * grpc-js has no option for HTTP/2 window sizes, so reach its http2 servers (a private field,
 * guarded) and raise the windows of each new session.
 */
function widenFlowControl(server: grpc.Server): void {
  const servers = (server as unknown as { http2Servers?: Map<Http2Server, unknown> }).http2Servers;
  if (!(servers instanceof Map)) return;
  for (const h2 of servers.keys()) {
    h2.on('session', (session: ServerHttp2Session) => {
      try {
        session.setLocalWindowSize(WINDOW_BYTES);
        session.settings({ initialWindowSize: WINDOW_BYTES });
      } catch {
        // a session closing as it opens: keep the defaults
      }
    });
  }
}
