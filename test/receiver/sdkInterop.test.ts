// The receiver fed by the real OTel JS SDK exporters (gRPC, HTTP protobuf, HTTP JSON; with
// and without gzip), asserting on what was decoded and inferred.

import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TelemetryHost } from '../../server/src/telemetry/host';
import { makeSpan, startHost, tracerFor, waitFor } from './support';

describe('receiver interop with the OTel JS SDK exporters', function () {
  let host: TelemetryHost;
  let grpc: string;
  let http: string;

  before(async () => {
    ({ host, grpc, http } = await startHost());
  });
  after(async () => {
    await host.dispose();
  });

  const cases: { label: string; exporter: () => SpanExporter }[] = [];
  for (const compression of [CompressionAlgorithm.NONE, CompressionAlgorithm.GZIP]) {
    cases.push(
      { label: `gRPC ${compression}`, exporter: () => new GrpcExporter({ url: `http://${grpc}`, compression }) },
      { label: `HTTP protobuf ${compression}`, exporter: () => new ProtoExporter({ url: `http://${http}/v1/traces`, compression }) },
      { label: `HTTP JSON ${compression}`, exporter: () => new HttpJsonExporter({ url: `http://${http}/v1/traces`, compression }) },
    );
  }

  for (const c of cases) {
    it(`decodes and infers spans sent over ${c.label}`, async () => {
      const service = `svc-${c.label.replace(/\W+/g, '-')}`;
      const exporter = c.exporter();
      const { tracer, provider } = tracerFor(service, exporter, 'interop-scope');
      makeSpan(tracer, {
        name: 'orders.select',
        kind: SpanKind.CLIENT,
        durationMs: 12,
        attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'shop', 'db.operation.name': 'SELECT', 'db.collection.name': 'orders' },
      });
      makeSpan(tracer, {
        name: 'checkout.place_order',
        error: true,
        attributes: { 'coordimap.flow.name': 'checkout.place_order', 'coordimap.flow.step': 'checkout.validate', 'coordimap.flow.run_id': 'r1', answer: 42, ratio: 0.5, ok: true, tags: ['a', 'b'] },
      });
      await provider.forceFlush();
      await provider.shutdown();

      const edgeId = `service:${service}|reads|database:postgresql:shop`;
      const edge = await waitFor(`edge ${edgeId}`, () => host.currentGraph().edges.find((e) => e.id === edgeId));
      assert.equal(edge.count, 1);
      assert.deepEqual(edge.details, ['orders']);
      assert.deepEqual(edge.scopes, ['interop-scope']);
      assert.ok(edge.p50Ms >= 11 && edge.p50Ms <= 13, `p50 ${edge.p50Ms}`);
      const flow = await waitFor('flow', () => host.currentGraph().flows.find((f) => f.name === 'checkout.place_order' && f.steps.some((s) => s.services.includes(service))));
      const step = flow.steps.find((s) => s.name === 'checkout.validate')!;
      assert.ok(step.errors >= 1);
      const [span] = await host.spans({ service, name: 'checkout.place_order' });
      assert.equal(span.attributes.answer, 42);
      assert.equal(span.attributes.ratio, 0.5);
      assert.equal(span.attributes.ok, true);
      assert.equal(span.attributes.tags, '["a","b"]');
      assert.equal(span.error, true);
      assert.match(span.traceId, /^[0-9a-f]{32}$/);
    });
  }
});
