// Item 8 of the hardening issue: malformed spans inside an otherwise valid request are counted
// in partial_success.rejected_spans with a message (never dropped silently), over OTLP/HTTP JSON,
// OTLP/HTTP protobuf and gRPC, against the real worker; the accepted spans still land.

import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import type { TelemetryHost } from '../../server/src/telemetry/host';
import { postTraces, startHost, waitFor } from './support';

const TRACE = 'a'.repeat(32);
const SPAN = 'b'.repeat(16);

// Minimal protobuf writer: ExportTraceServiceRequest { ResourceSpans { ScopeSpans { Span* } } }.
function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}
const field = (no: number, bytes: Buffer): Buffer => Buffer.concat([varint((no << 3) | 2), varint(bytes.length), bytes]);
const span = (o: { traceId?: string; spanId?: string; name: string }): Buffer =>
  Buffer.concat([
    o.traceId === undefined ? Buffer.alloc(0) : field(1, Buffer.from(o.traceId, 'hex')),
    o.spanId === undefined ? Buffer.alloc(0) : field(2, Buffer.from(o.spanId, 'hex')),
    field(5, Buffer.from(o.name)),
  ]);
function request(spans: Buffer[]): Buffer {
  const resource = field(1, field(1, Buffer.concat([field(1, Buffer.from('service.name')), field(2, field(1, Buffer.from('rejects')))])));
  const scopeSpans = field(2, Buffer.concat(spans.map((s) => field(2, s))));
  return field(1, Buffer.concat([resource, scopeSpans]));
}

/** ExportTraceServiceResponse -> { rejected, message } (field 1: partial_success { 1: int64, 2: string }). */
function partialOf(buf: Buffer): { rejected: number; message: string } {
  if (buf.length === 0) return { rejected: 0, message: '' };
  let pos = 0;
  const read = (): number => {
    let v = 0, shift = 0, b: number;
    do {
      b = buf[pos++];
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return v;
  };
  assert.equal(read(), (1 << 3) | 2);
  const end = read() + pos;
  const out = { rejected: 0, message: '' };
  while (pos < end) {
    const tag = read();
    if (tag === 1 << 3) out.rejected = read();
    else if (tag === ((2 << 3) | 2)) {
      const len = read();
      out.message = buf.subarray(pos, pos + len).toString('utf8');
      pos += len;
    } else throw new Error(`unexpected tag ${tag}`);
  }
  return out;
}

function grpcExport(address: string, body: Buffer): Promise<{ code: number; response?: Buffer }> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest('/opentelemetry.proto.collector.trace.v1.TraceService/Export', (b: Buffer) => b, (b: Buffer) => b, body, new grpc.Metadata(), (err, response) => {
      client.close();
      resolve({ code: err ? err.code ?? -1 : 0, response });
    });
  });
}

describe('receiver: malformed spans inside a valid request are counted (partial_success)', function () {
  this.timeout(20_000);
  let host: TelemetryHost;
  let grpcAddr: string;
  let http: string;

  before(async () => {
    ({ host, grpc: grpcAddr, http } = await startHost());
  });
  after(async () => {
    await host.dispose();
  });

  async function droppedInvalid(): Promise<number> {
    return (await host.graph()).stats.dropped['invalid-span'] ?? 0;
  }

  it('HTTP/JSON: [1, "x", null], an array, a span without trace id and an all-zero id are rejected with a message; the good span lands', async () => {
    const before = await droppedInvalid();
    const body = JSON.stringify({
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'json-rejects' } }] },
        scopeSpans: [{ spans: [1, 'x', null, [], { spanId: SPAN, name: 'no-trace' }, { traceId: '0'.repeat(32), spanId: SPAN, name: 'zero' }, { traceId: TRACE, spanId: SPAN, name: 'json-good' }] }],
      }],
    });
    const r = await postTraces(http, body, { 'content-type': 'application/json' });
    assert.equal(r.status, 200);
    const partial = (JSON.parse(r.body.toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } }).partialSuccess;
    assert.equal(partial.rejectedSpans, '6');
    assert.match(partial.errorMessage, /6 span\(s\) rejected: 2 with a missing or invalid trace or span id, 4 not a span object/);
    await waitFor('the rejected spans are in dropped{invalid-span}', async () => (await droppedInvalid()) - before === 6);
    await waitFor('the good span is accepted', async () => (await host.graph()).nodes.some((n) => n.name === 'json-rejects'));
  });

  it('HTTP/protobuf: a span without trace id and a span with malformed fields inside its bounds are rejected; the rest is accepted', async () => {
    const before = await droppedInvalid();
    // 0x0a 0x05 0x01: a trace id announcing 5 bytes with 1 left in the span.
    const body = request([span({ spanId: SPAN, name: 'no-trace' }), Buffer.from([0x0a, 0x05, 0x01]), span({ traceId: TRACE, spanId: SPAN, name: 'proto-good' })]);
    const r = await postTraces(http, body, { 'content-type': 'application/x-protobuf' });
    assert.equal(r.status, 200);
    const partial = partialOf(r.body);
    assert.equal(partial.rejected, 2);
    assert.match(partial.message, /2 span\(s\) rejected: 1 with a missing or invalid trace or span id, 1 with malformed fields/);
    await waitFor('the rejected spans are in dropped{invalid-span}', async () => (await droppedInvalid()) - before === 2);
  });

  it('gRPC: the same request answers OK with partial_success counting the rejected spans', async () => {
    const body = request([span({ name: 'no-ids' }), Buffer.from([0x28, 0xff]), span({ traceId: TRACE, spanId: 'c'.repeat(16), name: 'grpc-good' })]);
    const g = await grpcExport(grpcAddr, body);
    assert.equal(g.code, 0);
    const partial = partialOf(g.response!);
    assert.equal(partial.rejected, 2);
    assert.match(partial.message, /2 span\(s\) rejected: 1 with a missing or invalid trace or span id, 1 with malformed fields/);
  });

  it('a request whose envelope is broken is still a 400, not a partial success', async () => {
    const body = request([span({ traceId: TRACE, spanId: SPAN, name: 'x' })]);
    const r = await postTraces(http, body.subarray(0, body.length - 3), { 'content-type': 'application/x-protobuf' });
    assert.equal(r.status, 400);
    const j = await postTraces(http, '{"resourceSpans":[{"scopeSpans":[{"spans":{}}]}]}', { 'content-type': 'application/json' });
    assert.equal(j.status, 400);
  });
});
