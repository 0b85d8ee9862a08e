// Semantic-convention knowledge shared by the analyzer (rules) and the telemetry side
// (relation inference): old and current attribute keys, first match wins (contract.md §2),
// and how db / messaging operations map to relations. Plain data and pure functions only.

export const DB_SYSTEM_KEYS = ['db.system.name', 'db.system'] as const;
export const DB_NAMESPACE_KEYS = ['db.namespace', 'db.name'] as const;
export const DB_OPERATION_KEYS = ['db.operation.name', 'db.operation'] as const;
export const DB_QUERY_TEXT_KEYS = ['db.query.text', 'db.statement'] as const;
export const DB_COLLECTION_KEYS = ['db.collection.name', 'db.sql.table'] as const;

export const MESSAGING_SYSTEM_KEYS = ['messaging.system'] as const;
export const MESSAGING_DESTINATION_KEYS = ['messaging.destination.name', 'messaging.destination'] as const;
export const MESSAGING_OPERATION_KEYS = ['messaging.operation.type', 'messaging.operation'] as const;

/**
 * The keys that name a peer, in contract.md §2b's order (first match wins). Logical names
 * first (set on purpose by instrumentation), then host names (current key before its older
 * one), then the host part of a URL, then a socket address (a machine, not a service).
 */
export const PEER_NAME_KEYS = ['service.peer.name', 'peer.service', 'rpc.service', 'server.address', 'net.peer.name', 'http.host'] as const;
/** Only a URL says where the request went: its host part is the name (never path or query: bounded). */
export const PEER_URL_KEYS = ['url.full', 'http.url'] as const;
/** An IP names a machine that often hosts several services, so it carries its port. */
export const PEER_SOCKET_KEYS = ['network.peer.address', 'net.sock.peer.addr'] as const;
export const PEER_SOCKET_PORT_KEYS = ['network.peer.port', 'net.sock.peer.port'] as const;
/** On a SERVER/CONSUMER span the address keys describe the server itself: only these name its caller. */
export const CALLER_NAME_KEYS = ['service.peer.name', 'peer.service'] as const;
/** Every key of the list, for the decoder's attribute selection. */
export const PEER_KEYS = [
  ...PEER_NAME_KEYS, ...PEER_URL_KEYS, ...PEER_SOCKET_KEYS, ...PEER_SOCKET_PORT_KEYS,
  'db.namespace', 'db.name', 'messaging.destination.name', 'messaging.destination',
] as const;

type Lookup = (key: string) => string | undefined;

/** contract.md §2b keys 1–8: the peer a span addresses, or undefined when nothing names it. */
export function peerName(get: Lookup): string | undefined {
  return namedPeer(get)?.name;
}

/** A peer name with the attribute keys it was read from (for a tooltip saying what named a node). */
export interface NamedPeer {
  name: string;
  keys: string[];
}

/** peerName(), also saying which keys named it. */
export function namedPeer(get: Lookup): NamedPeer | undefined {
  for (const k of PEER_NAME_KEYS) {
    const v = get(k);
    if (v) return { name: v, keys: [k] };
  }
  for (const k of PEER_URL_KEYS) {
    const host = urlHost(get(k));
    if (host) return { name: host, keys: [k] };
  }
  for (const k of PEER_SOCKET_KEYS) {
    const address = get(k);
    if (!address) continue;
    const portKey = PEER_SOCKET_PORT_KEYS.find((p) => get(p));
    const port = portKey ? get(portKey) : undefined;
    return port ? { name: `${address.includes(':') ? `[${address}]` : address}:${port}`, keys: [k, portKey!] } : { name: address, keys: [k] };
  }
  return undefined;
}

/** The port a client addressed (current key, then the older one): part of a database's display name only. */
export const SERVER_PORT_KEYS = ['server.port', 'net.peer.port'] as const;

/**
 * The display name of a database (issue 14 item 4): system, server (§2b keys 1–8, with its
 * port when known and not already there) and namespace; a numeric namespace is an index
 * (Redis `db 0`), never shown bare: `redis cache:6379 db 0`, `postgresql orders`.
 */
export function databaseDisplayName(system: string, server: string | undefined, port: string | undefined, namespace: string | undefined): string {
  const parts = [system];
  if (server) parts.push(port && !/:\d+$/.test(server) ? `${server.includes(':') ? `[${server}]` : server}:${port}` : server);
  if (namespace) parts.push(/^\d+$/.test(namespace) ? `db ${namespace}` : namespace);
  return parts.join(' ');
}

/** The display name of a queue: system and destination (`kafka orders`); the destination alone when no system is known. */
export function queueDisplayName(system: string | undefined, destination: string | undefined): string {
  return [system, destination].filter((x): x is string => !!x).join(' ') || 'messaging';
}

/** The host of an absolute URL (without port or credentials), undefined when it is not one. */
export function urlHost(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]+)/i.exec(url);
  return m ? m[1].toLowerCase() : undefined;
}
export const CODE_FILE_KEYS = ['code.file.path', 'code.filepath'] as const;
export const CODE_LINE_KEYS = ['code.line.number', 'code.lineno'] as const;
export const CODE_FUNCTION_KEYS = ['code.function.name', 'code.function'] as const;

export const ENTITY_ID_KEY = 'entity.id';

/** The flow attribute keys under a configurable prefix (default `coordimap.flow.`). */
export function flowKeys(prefix: string): { name: string; step: string; runId: string } {
  return { name: `${prefix}name`, step: `${prefix}step`, runId: `${prefix}run_id` };
}

const DB_OPERATIONS: Record<string, 'reads' | 'writes'> = {
  select: 'reads', read: 'reads', find: 'reads', get: 'reads', query: 'reads', count: 'reads', scan: 'reads',
  search: 'reads', aggregate: 'reads', fetch: 'reads', list: 'reads',
  insert: 'writes', update: 'writes', delete: 'writes', write: 'writes', upsert: 'writes', put: 'writes',
  set: 'writes', merge: 'writes', replace: 'writes', remove: 'writes', add: 'writes',
};

/**
 * Operations on the connection or the transaction rather than on data (`pool.getconn`, `commit`):
 * neither a read nor a write, and named as the client calls them, so nothing to rename.
 */
const DB_SESSION_OPERATION = /^(?:(?:pool|connection|conn)\.)?(?:connect|getconn|putconn|acquire|release|close|ping|begin|commit|rollback|savepoint|transaction)$/i;

export function isDbSessionOperation(operation: string): boolean {
  return DB_SESSION_OPERATION.test(operation.trim());
}

const MESSAGING_OPERATIONS: Record<string, 'publishes' | 'consumes'> = {
  publish: 'publishes', send: 'publishes', create: 'publishes',
  receive: 'consumes', process: 'consumes', consume: 'consumes', deliver: 'consumes', settle: 'consumes',
};

/** `select` / `findOne`-style operation names are matched on their leading word. */
function leadingWord(operation: string): string {
  const m = /^[A-Za-z]+/.exec(operation.trim());
  if (!m) return '';
  // camelCase (`findOne`, `insertMany`) -> first lower-case run.
  return (/^[A-Z]*[a-z]*/.exec(m[0])?.[0] ?? m[0]).toLowerCase();
}

/** reads / writes for a db operation name (case-insensitive), undefined when unknown. */
export function dbRelation(operation: string): 'reads' | 'writes' | undefined {
  const op = operation.trim().toLowerCase();
  return DB_OPERATIONS[op] ?? DB_OPERATIONS[leadingWord(operation)];
}

/** reads / writes from the first keyword of a SQL text, when no operation is set. */
export function dbRelationFromQuery(query: string): 'reads' | 'writes' | undefined {
  const keyword = /^\s*(?:\/\*[\s\S]*?\*\/\s*)?([A-Za-z]+)/.exec(query)?.[1];
  return keyword ? DB_OPERATIONS[keyword.toLowerCase()] : undefined;
}

/** publishes / consumes for a messaging operation (case-insensitive), undefined when unknown. */
export function messagingRelation(operation: string): 'publishes' | 'consumes' | undefined {
  return MESSAGING_OPERATIONS[operation.trim().toLowerCase()];
}

/**
 * Exported constant names of `@opentelemetry/semantic-conventions` for the keys the product
 * reads, so `span.setAttribute(ATTR_DB_SYSTEM_NAME, ...)` resolves without node_modules.
 */
export const SEMCONV_CONSTANTS: Record<string, string> = {
  ATTR_DB_SYSTEM_NAME: 'db.system.name', ATTR_DB_SYSTEM: 'db.system', SEMATTRS_DB_SYSTEM: 'db.system',
  ATTR_DB_NAMESPACE: 'db.namespace', ATTR_DB_NAME: 'db.name', SEMATTRS_DB_NAME: 'db.name',
  ATTR_DB_OPERATION_NAME: 'db.operation.name', ATTR_DB_OPERATION: 'db.operation', SEMATTRS_DB_OPERATION: 'db.operation',
  ATTR_DB_QUERY_TEXT: 'db.query.text', ATTR_DB_STATEMENT: 'db.statement', SEMATTRS_DB_STATEMENT: 'db.statement',
  ATTR_DB_COLLECTION_NAME: 'db.collection.name', ATTR_DB_SQL_TABLE: 'db.sql.table', SEMATTRS_DB_SQL_TABLE: 'db.sql.table',
  ATTR_MESSAGING_SYSTEM: 'messaging.system', SEMATTRS_MESSAGING_SYSTEM: 'messaging.system',
  ATTR_MESSAGING_DESTINATION_NAME: 'messaging.destination.name', ATTR_MESSAGING_DESTINATION: 'messaging.destination',
  SEMATTRS_MESSAGING_DESTINATION: 'messaging.destination',
  ATTR_MESSAGING_OPERATION_TYPE: 'messaging.operation.type', ATTR_MESSAGING_OPERATION: 'messaging.operation',
  SEMATTRS_MESSAGING_OPERATION: 'messaging.operation',
  ATTR_SERVICE_PEER_NAME: 'service.peer.name', ATTR_PEER_SERVICE: 'peer.service', SEMATTRS_PEER_SERVICE: 'peer.service',
  ATTR_RPC_SERVICE: 'rpc.service', SEMATTRS_RPC_SERVICE: 'rpc.service', ATTR_SERVER_ADDRESS: 'server.address',
  SEMATTRS_NET_PEER_NAME: 'net.peer.name', ATTR_NET_PEER_NAME: 'net.peer.name', ATTR_URL_FULL: 'url.full', ATTR_HTTP_URL: 'http.url',
  SEMATTRS_HTTP_URL: 'http.url', ATTR_NETWORK_PEER_ADDRESS: 'network.peer.address',
  ATTR_SERVICE_NAME: 'service.name', SEMRESATTRS_SERVICE_NAME: 'service.name',
  ATTR_CODE_FILE_PATH: 'code.file.path', ATTR_CODE_FILEPATH: 'code.filepath', SEMATTRS_CODE_FILEPATH: 'code.filepath',
  ATTR_CODE_LINE_NUMBER: 'code.line.number', ATTR_CODE_LINENO: 'code.lineno', SEMATTRS_CODE_LINENO: 'code.lineno',
  ATTR_CODE_FUNCTION_NAME: 'code.function.name', ATTR_CODE_FUNCTION: 'code.function', SEMATTRS_CODE_FUNCTION: 'code.function',
};
