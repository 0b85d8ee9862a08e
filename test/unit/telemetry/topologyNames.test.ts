// Node names from the conventions (issue 14 item 4): a database by system, server and namespace,
// a queue by system and destination, an external peer by its peer key; never a bare index;
// each node says which attributes named it.

import assert from 'node:assert/strict';
import { Topology } from '../../../server/src/telemetry/topology/topology';
import { SpanKind, type AttrValue, type DecodedSpan } from '../../../server/src/telemetry/otlp/span';
import { databaseDisplayName, queueDisplayName } from '../../../common/src/semconv';
import { spanAttributes } from '../../support/spans';

let seq = 0;
type Kind = (typeof SpanKind)[keyof typeof SpanKind];

function span(kind: Kind, attrs: Record<string, AttrValue>): DecodedSpan {
  seq++;
  return {
    traceId: 'b'.repeat(32), spanId: seq.toString(16).padStart(16, '0'), parentSpanId: 'f'.repeat(16), name: 'op', kind,
    startMs: 1_000 + seq, durationMs: 5, error: false, service: 'svc', scope: 'scope', attributes: spanAttributes(attrs), links: [],
  };
}

function nodeOf(attrs: Record<string, AttrValue>, kind: Kind = SpanKind.CLIENT) {
  const t = new Topology({ attributePrefix: 'coordimap.flow.', pairWaitMs: 1_000 });
  t.ingest([span(kind, attrs)], 0);
  t.expire(60_000);
  return t.graph().nodes.find((n) => n.kind !== 'service')!;
}

describe('node names from the conventions', () => {
  it('a Redis span with db.namespace=0 gives a node whose name says redis (never a bare index)', () => {
    const n = nodeOf({ 'db.system.name': 'redis', 'db.namespace': '0', 'server.address': 'cache', 'server.port': 6379, 'db.operation.name': 'GET' });
    assert.equal(n.name, 'redis cache:6379 db 0');
    assert.equal(n.kind, 'database');
    assert.equal(n.id, 'database:redis:0@cache', 'ids unchanged (contract §2d)');
    assert.deepEqual(n.namedBy, { 'db.system.name': 'redis', 'db.namespace': '0', 'server.address': 'cache', 'server.port': '6379' });
    const bare = nodeOf({ 'db.system': 'redis', 'db.name': '0', 'db.operation': 'get' });
    assert.equal(bare.name, 'redis db 0');
    assert.notEqual(bare.name, '0');
  });

  it('postgresql orders; the older keys; a socket address keeps its port once', () => {
    assert.equal(nodeOf({ 'db.system': 'postgresql', 'db.name': 'orders', 'db.operation': 'select' }).name, 'postgresql orders');
    const old = nodeOf({ 'db.system': 'postgresql', 'db.name': 'orders', 'net.peer.name': 'pg', 'net.peer.port': '5432', 'db.operation': 'select' });
    assert.equal(old.name, 'postgresql pg:5432 orders');
    assert.deepEqual(old.namedBy, { 'db.system': 'postgresql', 'db.name': 'orders', 'net.peer.name': 'pg', 'net.peer.port': '5432' });
    const sock = nodeOf({ 'db.system': 'mysql', 'network.peer.address': '10.0.0.5', 'network.peer.port': '3306', 'server.port': '3306', 'db.operation': 'select' });
    assert.equal(sock.name, 'mysql 10.0.0.5:3306');
    assert.equal(nodeOf({ 'db.system': 'mongodb', 'db.operation': 'find' }).name, 'mongodb');
  });

  it('a queue by system and destination; an external peer by its peer key, with what named it', () => {
    const q = nodeOf({ 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' }, SpanKind.PRODUCER);
    assert.equal(q.name, 'kafka orders');
    assert.deepEqual(q.namedBy, { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' });
    assert.equal(queueDisplayName(undefined, 'jobs'), 'jobs');
    const ext = nodeOf({ 'peer.service': 'payments', 'server.address': 'pay.internal' });
    assert.equal(ext.name, 'payments');
    assert.deepEqual(ext.namedBy, { 'peer.service': 'payments' });
    const url = nodeOf({ 'url.full': 'https://api.example.com/v1/x?y=1' });
    assert.equal(url.name, 'api.example.com');
    assert.deepEqual(url.namedBy, { 'url.full': 'https://api.example.com/v1/x?y=1' });
  });

  it('namedBy survives persistence', () => {
    const t = new Topology({ attributePrefix: 'coordimap.flow.', pairWaitMs: 1_000 });
    t.ingest([span(SpanKind.CLIENT, { 'db.system.name': 'redis', 'db.namespace': '3', 'db.operation.name': 'SET' })], 0);
    t.expire(60_000);
    const r = new Topology({ attributePrefix: 'coordimap.flow.', pairWaitMs: 1_000 });
    r.restore(JSON.parse(JSON.stringify(t.serialize())));
    const n = r.graph().nodes.find((x) => x.kind === 'database')!;
    assert.equal(n.name, 'redis db 3');
    assert.deepEqual(n.namedBy, { 'db.system.name': 'redis', 'db.namespace': '3' });
    assert.equal(databaseDisplayName('redis', '[::1]:6379', '6379', '0'), 'redis [::1]:6379 db 0');
  });
});
