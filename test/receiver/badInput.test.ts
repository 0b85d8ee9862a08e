// The bad-input matrix: each malformed, oversized or unauthorised request gets the right
// OTLP status, and the receiver keeps serving afterwards.

import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { gzipSync } from 'node:zlib';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createTelemetryHost, type TelemetryHost } from '../../server/src/telemetry/host';
import { jsonBody, makeSpan, postTraces, protoBody, receiverSettings, recordSpans, startHost, waitFor, WORKER_PATH } from './support';

const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_CT = { 'content-type': 'application/json' };

function grpcExport(address: string, body: Buffer, token?: string, options: grpc.ChannelOptions = {}): Promise<{ code: number; response?: Buffer }> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), options);
  const md = new grpc.Metadata();
  if (token) md.set('authorization', `Bearer ${token}`);
  return new Promise((resolve) => {
    client.makeUnaryRequest('/opentelemetry.proto.collector.trace.v1.TraceService/Export', (b: Buffer) => b, (b: Buffer) => b, body, md, (err, response) => {
      client.close();
      resolve({ code: err ? err.code ?? -1 : 0, response });
    });
  });
}

describe('receiver: bad input matrix', function () {
  let host: TelemetryHost;
  let grpcAddr: string;
  let http: string;
  const valid = () => protoBody(recordSpans('healthy', (t) => makeSpan(t, { name: 'ok' })));

  before(async () => {
    ({ host, grpc: grpcAddr, http } = await startHost({ maxRequestBytes: 2 * 1024 * 1024 }));
  });
  after(async () => {
    await host.dispose();
  });
  afterEach(async () => {
    const r = await postTraces(http, valid(), PROTO);
    assert.equal(r.status, 200, 'the receiver still serves after the bad request');
  });

  it('truncated protobuf -> 400 with a google.rpc.Status body; gRPC -> INVALID_ARGUMENT', async () => {
    const body = valid();
    const r = await postTraces(http, body.subarray(0, body.length - 5), PROTO);
    assert.equal(r.status, 400);
    assert.match(r.body.toString('latin1'), /malformed request/);
    const g = await grpcExport(grpcAddr, body.subarray(0, body.length - 5));
    assert.equal(g.code, grpc.status.INVALID_ARGUMENT);
  });

  it('wrong content type -> 415; invalid JSON -> 400; unsupported encoding -> 400', async () => {
    assert.equal((await postTraces(http, 'hello', { 'content-type': 'text/plain' })).status, 415);
    const bad = await postTraces(http, '{"resourceSpans": [', JSON_CT);
    assert.equal(bad.status, 400);
    assert.equal((JSON.parse(bad.body.toString()) as { code: number }).code, 3);
    assert.equal((await postTraces(http, valid(), { ...PROTO, 'content-encoding': 'br' })).status, 400);
    assert.equal((await postTraces(http, Buffer.from('not gzip'), { ...PROTO, 'content-encoding': 'gzip' })).status, 400);
  });

  it('logs and metrics: a malformed body -> 400, an empty request -> 200; GET -> 405; unknown path -> 404', async () => {
    for (const path of ['/v1/logs', '/v1/metrics']) {
      const ok = await fetch(`http://${http}${path}`, { method: 'POST', headers: JSON_CT, body: '{}' });
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), {});
      const bad = await fetch(`http://${http}${path}`, { method: 'POST', headers: PROTO, body: new Uint8Array([0x0a, 0x05, 0x01]) });
      assert.equal(bad.status, 400, path);
    }
    assert.equal((await fetch(`http://${http}/v1/traces`)).status, 405);
    assert.equal((await fetch(`http://${http}/nope`, { method: 'POST' })).status, 404);
  });

  it('a gzip bomb and an oversized body -> 413', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    assert.ok(bomb.length < 200_000);
    assert.equal((await postTraces(http, bomb, { ...PROTO, 'content-encoding': 'gzip' })).status, 413);
    assert.equal((await postTraces(http, Buffer.alloc(3 * 1024 * 1024), PROTO)).status, 413);
  });

  it('a gzip bomb over gRPC -> RESOURCE_EXHAUSTED (the limit applies after decompression)', async () => {
    // 64 MiB of zeros travels as well under 1 MiB with gzip, below the 2 MiB wire limit.
    const gzip = { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip };
    assert.equal((await grpcExport(grpcAddr, Buffer.alloc(64 * 1024 * 1024), undefined, gzip)).code, grpc.status.RESOURCE_EXHAUSTED);
    assert.equal((await grpcExport(grpcAddr, valid(), undefined, gzip)).code, grpc.status.OK);
  });

  it('huge attribute values are accepted and clipped', async () => {
    const spans = recordSpans('huge', (t) => makeSpan(t, { name: 'big', attributes: { blob: 'x'.repeat(1024 * 1024) } }));
    assert.equal((await postTraces(http, jsonBody(spans), JSON_CT)).status, 200);
    const [s] = await host.spans({ service: 'huge' });
    assert.ok((s.attributes.blob as string).length <= 4097);
  });

  it('10k distinct span names are accepted, collapsed into "(other)" and counted in stats.collapsed, not as lost spans', async () => {
    const spans = recordSpans('noisy', (t) => {
      for (let i = 0; i < 10_000; i++) makeSpan(t, { name: `order.${i}` });
    });
    for (let i = 0; i < spans.length; i += 2_500) assert.equal((await postTraces(http, protoBody(spans.slice(i, i + 2_500)), PROTO)).status, 200);
    const g = await host.graph();
    assert.ok(g.stats.spansReceived >= 10_000);
    assert.ok((g.stats.collapsed?.['span-name-cap'] ?? 0) > 0, JSON.stringify(g.stats));
    assert.equal(g.stats.dropped['span-name-cap'], undefined, 'a collapsed name is no lost span');
  });

  it('a span with invalid ids -> 200 with partial_success.rejected_spans', async () => {
    const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'xyz', spanId: '1' }, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'fine' }] }] }] });
    const r = await postTraces(http, body, JSON_CT);
    assert.equal(r.status, 200);
    assert.equal((JSON.parse(r.body.toString()) as { partialSuccess: { rejectedSpans: string } }).partialSuccess.rejectedSpans, '1');
    const g = await host.graph();
    assert.ok(g.stats.spansDropped >= 1 && g.stats.dropped['invalid-span'] >= 1);
  });
});

describe('receiver: tokens, binds and ports', function () {
  it('a wrong or missing token -> 401 / UNAUTHENTICATED; the right one -> 200', async () => {
    const { host, grpc: grpcAddr, http } = await startHost({ authToken: 's3cret' });
    try {
      const body = protoBody(recordSpans('auth', (t) => makeSpan(t, { name: 'x' })));
      assert.equal((await postTraces(http, body, PROTO)).status, 401);
      assert.equal((await postTraces(http, body, { ...PROTO, authorization: 'Bearer nope' })).status, 401);
      assert.equal((await postTraces(http, body, { ...PROTO, authorization: 'Bearer s3cret' })).status, 200);
      assert.equal((await grpcExport(grpcAddr, body, 'nope')).code, grpc.status.UNAUTHENTICATED);
      assert.equal((await grpcExport(grpcAddr, body, 's3cret')).code, 0);
    } finally {
      await host.dispose();
    }
  });

  it('refuses a non-loopback bind without a token', async () => {
    const host = createTelemetryHost({ workerPath: WORKER_PATH });
    try {
      const s = await host.start(receiverSettings({ bindAddress: '0.0.0.0' }), 'coordimap.flow.');
      assert.equal(s.state, 'error');
      assert.match(s.message!, /authToken/);
    } finally {
      await host.dispose();
    }
  });

  it('a port in use -> error status naming the setting; a later start on free ports works', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as AddressInfo).port;
    const host = createTelemetryHost({ workerPath: WORKER_PATH });
    try {
      const s = await host.start(receiverSettings({ httpPort: port }), 'coordimap.flow.');
      assert.equal(s.state, 'error');
      assert.match(s.message!, /otelFlowMap\.receiver\.httpPort/);
      const g = await host.start(receiverSettings({ grpcPort: port }), 'coordimap.flow.');
      assert.equal(g.state, 'error');
      assert.match(g.message!, /otelFlowMap\.receiver\.grpcPort/);
      const ok = await host.start(receiverSettings(), 'coordimap.flow.');
      assert.equal(ok.state, 'listening');
      await waitFor('listening status', () => host.status().state === 'listening');
    } finally {
      blocker.close();
      await host.dispose();
    }
  });
});
