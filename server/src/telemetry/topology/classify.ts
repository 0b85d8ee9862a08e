// Pure inference rules of contract.md §2: which node a span addresses and with what relation.

import type { NodeKind, Relation } from '../../../../common/src/graph';
import {
  CODE_FILE_KEYS, CODE_FUNCTION_KEYS, CODE_LINE_KEYS, DB_COLLECTION_KEYS, DB_NAMESPACE_KEYS, DB_OPERATION_KEYS,
  DB_QUERY_TEXT_KEYS, DB_SYSTEM_KEYS, dbRelation, dbRelationFromQuery, MESSAGING_DESTINATION_KEYS,
  flowKeys, MESSAGING_OPERATION_KEYS, MESSAGING_SYSTEM_KEYS, messagingRelation, PEER_KEYS, peerName, CALLER_NAME_KEYS,
  databaseDisplayName, namedPeer, queueDisplayName, SERVER_PORT_KEYS,
} from '../../../../common/src/semconv';
import { SpanKind, type AttrValue, type DecodedSpan } from '../otlp/span';

export interface NodeRef {
  id: string;
  kind: NodeKind;
  name: string;
  system?: string;
  /** The attributes that gave the display name (key -> value), for the map's tooltip. */
  namedBy?: Record<string, string>;
}

export interface Dependency {
  relation: Relation;
  target: NodeRef;
  /** Table / collection for reads and writes. */
  detail?: string;
}

/** The first non-empty string value among the keys, in order (current key before the old one). */
export function firstAttr(attrs: Record<string, AttrValue>, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = attrs[k];
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

/**
 * Every span attribute key the topology engine reads (inference, flows, code links, the
 * service.name fallback): the receiver decodes only these on ingest.
 */
export function topologyAttributeKeys(flowPrefix: string): Set<string> {
  const flow = flowKeys(flowPrefix);
  return new Set<string>([
    ...DB_SYSTEM_KEYS, ...DB_NAMESPACE_KEYS, ...DB_OPERATION_KEYS, ...DB_QUERY_TEXT_KEYS, ...DB_COLLECTION_KEYS,
    ...MESSAGING_SYSTEM_KEYS, ...MESSAGING_DESTINATION_KEYS, ...MESSAGING_OPERATION_KEYS, ...PEER_KEYS, ...SERVER_PORT_KEYS,
    ...CODE_FILE_KEYS, ...CODE_LINE_KEYS, ...CODE_FUNCTION_KEYS,
    flow.name, flow.step, flow.runId, 'service.name',
  ]);
}

// Service refs are asked for once per span: reuse them (and their id's hash) per name.
const SERVICE_REFS_CAP = 4096;
const serviceRefs = new Map<string, NodeRef>();

export function serviceNode(name: string): NodeRef {
  let ref = serviceRefs.get(name);
  if (ref === undefined) {
    if (serviceRefs.size >= SERVICE_REFS_CAP) serviceRefs.clear();
    ref = { id: `service:${name}`, kind: 'service', name };
    serviceRefs.set(name, ref);
  }
  return ref;
}

export function externalNode(name: string, namedBy?: Record<string, string>): NodeRef {
  return { id: `external:${name}`, kind: 'external', name, ...(namedBy ? { namedBy } : {}) };
}

/** The first key of `keys` with a value, recorded in `into` (what named a node). */
function firstNamed(a: Record<string, AttrValue>, keys: readonly string[], into: Record<string, string>): string | undefined {
  for (const k of keys) {
    const v = firstAttr(a, [k]);
    if (v !== undefined) {
      into[k] = v;
      return v;
    }
  }
  return undefined;
}

/** The peer keys that named a span's peer, recorded in `into`. */
function namedSpanPeer(span: DecodedSpan, into: Record<string, string>): string | undefined {
  const peer = namedPeer((k) => firstAttr(span.attributes, [k]));
  if (!peer) return undefined;
  for (const k of peer.keys) into[k] = firstAttr(span.attributes, [k]) ?? '';
  return peer.name;
}

/**
 * A database or messaging dependency of the span; such spans never yield a calls edge too.
 * Ids follow contract §2d (stable across versions); display names come from the conventions:
 * `redis cache:6379 db 0`, `postgresql orders`, `kafka orders`.
 */
export function dependencyOf(span: DecodedSpan): Dependency | undefined {
  const a = span.attributes;
  const dbSystem = firstAttr(a, DB_SYSTEM_KEYS);
  if (dbSystem) {
    const namedBy: Record<string, string> = {};
    firstNamed(a, DB_SYSTEM_KEYS, namedBy);
    const namespace = firstNamed(a, DB_NAMESPACE_KEYS, namedBy);
    const idName = namespace ?? dbSystem;
    // contract §2d: one database on one server; the server by the peer keys.
    const server = namedSpanPeer(span, namedBy);
    const port = server ? firstNamed(a, SERVER_PORT_KEYS, namedBy) : undefined;
    const op = firstAttr(a, DB_OPERATION_KEYS);
    const relation = op !== undefined ? dbRelation(op) : dbRelationFromQuery(firstAttr(a, DB_QUERY_TEXT_KEYS) ?? '');
    const label = server ? `${idName}@${server}` : idName;
    return {
      relation: relation ?? 'calls',
      target: { id: `database:${dbSystem}:${label}`, kind: 'database', name: databaseDisplayName(dbSystem, server, port, namespace), system: dbSystem, namedBy },
      detail: firstAttr(a, DB_COLLECTION_KEYS),
    };
  }
  const msgSystem = firstAttr(a, MESSAGING_SYSTEM_KEYS);
  const destination = firstAttr(a, MESSAGING_DESTINATION_KEYS);
  if (msgSystem || destination) {
    const namedBy: Record<string, string> = {};
    firstNamed(a, MESSAGING_SYSTEM_KEYS, namedBy);
    firstNamed(a, MESSAGING_DESTINATION_KEYS, namedBy);
    const system = msgSystem ?? 'messaging';
    const name = destination ?? system;
    const op = firstAttr(a, MESSAGING_OPERATION_KEYS);
    const relation =
      (op ? messagingRelation(op) : undefined) ??
      (span.kind === SpanKind.PRODUCER ? 'publishes' : span.kind === SpanKind.CONSUMER ? 'consumes' : 'calls');
    return { relation, target: { id: `queue:${system}:${name}`, kind: 'queue', name: queueDisplayName(msgSystem, destination), system, namedBy } };
  }
  return undefined;
}

/** contract §2b keys 1–8 on a span's attributes. */
export function spanPeer(span: DecodedSpan): string | undefined {
  return peerName((k) => firstAttr(span.attributes, [k]));
}

/** The external peer a CLIENT span addresses when no server half shows up. */
export function peerOf(span: DecodedSpan): NodeRef {
  const namedBy: Record<string, string> = {};
  const peer = namedSpanPeer(span, namedBy);
  return peer ? externalNode(peer, namedBy) : externalNode('unknown');
}

/** The virtual caller of a root SERVER / CONSUMER span (contract §2a): named by it, else `user`. */
export function callerName(span: DecodedSpan): string {
  return firstAttr(span.attributes, CALLER_NAME_KEYS) ?? 'user';
}

export type ConnectionType = '' | 'database' | 'messaging_system' | 'virtual_node';

/** The peers' connection_type of a CLIENT span's pair, from its attributes (contract §2c). */
export function connectionTypeOf(span: DecodedSpan): ConnectionType {
  if (span.kind === SpanKind.PRODUCER || span.kind === SpanKind.CONSUMER) return 'messaging_system';
  const a = span.attributes;
  if (firstAttr(a, DB_SYSTEM_KEYS) !== undefined) return 'database';
  if (firstAttr(a, MESSAGING_SYSTEM_KEYS) !== undefined || firstAttr(a, MESSAGING_DESTINATION_KEYS) !== undefined) return 'messaging_system';
  return '';
}

/** The `server` label of a database series: its server, else namespace, else system (contract §2c). */
export function databaseLabel(span: DecodedSpan): string | undefined {
  const a = span.attributes;
  const system = firstAttr(a, DB_SYSTEM_KEYS);
  if (system === undefined) return undefined;
  return spanPeer(span) ?? firstAttr(a, DB_NAMESPACE_KEYS) ?? system;
}

/** The `server` label of an unpaired client half: its peer, a queue's destination, else `unknown`. */
export function virtualServerLabel(span: DecodedSpan): string {
  return spanPeer(span) ?? firstAttr(span.attributes, MESSAGING_DESTINATION_KEYS) ?? 'unknown';
}

export interface CodeRef {
  file: string;
  line?: number;
  function?: string;
}

/**
 * Adds the span's code ref unless an equal one (same file and line) is present or the list is
 * full: no work once full, no allocation for a ref already listed (the common case per span).
 */
export function addCodeRef(list: CodeRef[], attrs: Record<string, AttrValue>, cap: number): void {
  if (list.length >= cap) return;
  const file = firstAttr(attrs, CODE_FILE_KEYS);
  if (!file) return;
  const line = codeLineOf(attrs);
  for (const x of list) if (x.file === file && x.line === line) return;
  const fn = firstAttr(attrs, CODE_FUNCTION_KEYS);
  list.push({ file, ...(line !== undefined ? { line } : {}), ...(fn ? { function: fn } : {}) });
}

/** A positive integer code line from code.* attributes (both generations of keys). */
function codeLineOf(attrs: Record<string, AttrValue>): number | undefined {
  const lineText = firstAttr(attrs, CODE_LINE_KEYS);
  const line = lineText !== undefined ? Number(lineText) : NaN;
  return Number.isInteger(line) && line > 0 ? line : undefined;
}
