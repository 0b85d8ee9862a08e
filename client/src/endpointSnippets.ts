// Environment-variable snippets that point an OpenTelemetry SDK at the live receiver.
// Pure: built from the receiver's actual bound addresses, unit-tested.

import type { ReceiverStatus } from '../../common/src/telemetry';

export interface EndpointSnippet {
  label: string;
  detail: string;
  text: string;
}

const TOKEN_PLACEHOLDER = '<otelFlowMap.receiver.authToken>';

/** Snippets per SDK, or an empty list when the receiver has no bound address to point at. */
export function endpointSnippets(status: ReceiverStatus, withAuth: boolean): EndpointSnippet[] {
  const http = status.http ? `http://${reachableHost(status.http)}` : undefined;
  const grpc = status.grpc ? `http://${reachableHost(status.grpc)}` : undefined;
  const auth = withAuth ? [`OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20${TOKEN_PLACEHOLDER}`] : [];
  const httpLines = [`OTEL_EXPORTER_OTLP_ENDPOINT=${http}`, 'OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf', ...auth];
  const grpcLines = [`OTEL_EXPORTER_OTLP_ENDPOINT=${grpc}`, 'OTEL_EXPORTER_OTLP_PROTOCOL=grpc', 'OTEL_EXPORTER_OTLP_INSECURE=true', ...auth];
  const snippets: (EndpointSnippet | false)[] = [
    !!http && { label: 'Node.js', detail: 'OTLP/HTTP (protobuf)', text: lines(httpLines) },
    !!http && { label: 'Python', detail: 'OTLP/HTTP (protobuf)', text: lines(httpLines) },
    !!grpc && { label: 'Go', detail: 'OTLP/gRPC (otlptracegrpc)', text: lines(grpcLines) },
    !!http && { label: 'Java agent', detail: 'OTLP/HTTP (protobuf)', text: lines(['OTEL_TRACES_EXPORTER=otlp', ...httpLines]) },
  ];
  return snippets.filter((s): s is EndpointSnippet => s !== false);
}

/** A wildcard bind address is not something a client can connect to: use loopback instead. */
function reachableHost(bound: string): string {
  const m = /^(.*):(\d+)$/.exec(bound);
  if (!m) return bound;
  const host = m[1] === '0.0.0.0' || m[1] === '::' || m[1] === '[::]' || m[1] === '' ? '127.0.0.1' : m[1];
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${m[2]}`;
}

function lines(ls: string[]): string {
  return ls.join('\n') + '\n';
}
