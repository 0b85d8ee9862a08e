import assert from 'node:assert/strict';
import { endpointSnippets } from '../../../client/src/endpointSnippets';

describe('client endpointSnippets', () => {
  it('points each SDK at the live ports, HTTP for Node/Python/Java and gRPC for Go', () => {
    const snippets = endpointSnippets({ state: 'listening', grpc: '127.0.0.1:43170', http: '127.0.0.1:43180' }, false);
    assert.deepEqual(snippets.map((s) => s.label), ['Node.js', 'Python', 'Go', 'Java agent']);
    assert.match(snippets[0].text, /^OTEL_EXPORTER_OTLP_ENDPOINT=http:\/\/127\.0\.0\.1:43180\nOTEL_EXPORTER_OTLP_PROTOCOL=http\/protobuf\n$/);
    assert.match(snippets[2].text, /OTEL_EXPORTER_OTLP_ENDPOINT=http:\/\/127\.0\.0\.1:43170\n/);
    assert.match(snippets[2].text, /OTEL_EXPORTER_OTLP_PROTOCOL=grpc/);
    assert.match(snippets[3].text, /^OTEL_TRACES_EXPORTER=otlp\n/);
  });

  it('turns wildcard binds into loopback, brackets IPv6 and adds a token placeholder, never the token', () => {
    const [node] = endpointSnippets({ state: 'listening', http: '0.0.0.0:4318' }, true);
    assert.match(node.text, /http:\/\/127\.0\.0\.1:4318/);
    assert.match(node.text, /OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<otelFlowMap\.receiver\.authToken>/);
    const [v6] = endpointSnippets({ state: 'listening', http: '::1:4318' }, false);
    assert.match(v6.text, /http:\/\/\[::1\]:4318/);
  });

  it('offers nothing without a bound address', () => {
    assert.deepEqual(endpointSnippets({ state: 'stopped' }, false), []);
  });
});
