// Is a name's dynamic part bounded? The language-neutral half of the answer: front-ends decide
// what the code's meaning tells (enum members, literal unions, constants, conditionals over
// literals, clocks, raw request paths) and mark the rest 'unknown'; this module reads the part's
// own words for those. Semantic conventions prescribe names built from bounded parts
// (`{method} {route}`, `{operation} {collection}`, `{destination} {operation}`), so only a part
// that is evidently unbounded (an ID, key, URL, raw path, e-mail, query text, clock or random
// value) makes a name high-cardinality. Anything else gets the benefit of the doubt.

import type { Bound, NamePart, ValueInfo } from './types';

export interface Verdict {
  bound: Bound;
  reason?: string;
}

/** Calls whose result differs on (nearly) every call. */
const UNBOUNDED_CALLS: [RegExp, string][] = [
  [/^(?:Date\.now|performance\.now|process\.hrtime(?:\.bigint)?|time\.(?:time|time_ns|monotonic|perf_counter)|time\.Now|time\.Since|datetime(?:\.datetime)?\.(?:now|utcnow|today)|Instant\.now)\b/, 'a clock reading'],
  [/^new Date\b/, 'a clock reading'],
  [/^(?:Math\.random|random\.\w+|rand\.\w+|secrets\.\w+|crypto\.random\w*|randomUUID|uuid\.?\w*|uuid\d|nanoid|ulid|shortid|cuid|generateId|newId|uuid\.New\w*|xid\.New)\b/i, 'a random value'],
  [/^(?:JSON\.stringify|json\.dumps|json\.Marshal|repr|util\.inspect)\b/, 'serialized free text'],
  [/^(?:hash|md5|sha\d+|crypto\.createHash|hashlib\.\w+)\b/i, 'a hash'],
];

/** Calls that return a route template, not the requested path. */
const ROUTE_TEMPLATE_CALLS = /(?:\bFullPath|\bGetPathTemplate|\bRoutePattern|\bgetRoutePath|\bmatchedRoute)\s*\(/;

/** Member chains that hold a framework's route pattern (`req.route.path`, `request.url_rule`, `routeOptions.url`, `r.Pattern`). */
const ROUTE_TEMPLATE_MEMBERS = /(?:\broute\.path|\burl_rule(?:\.rule)?|\bmatched_route|\brouteOptions\.url|\brouterPath|\broutePath|\broute_path|\.Pattern|\bpath_template|\bpathTemplate|\burl_template|\burlTemplate|\bhttp\.route|\bHTTP_ROUTE|\bATTR_HTTP_ROUTE|\bSEMATTRS_HTTP_ROUTE)$/;

/** Raw request paths and URLs: one value per distinct request. */
const RAW_PATH_MEMBERS = /(?:\b(?:req|request|r|ctx|c|context|incomingMessage|message|msg|options|opts|url|parsedUrl|u|location)\.(?:url|URL|path|Path|pathname|originalUrl|href|RequestURI|full_path|raw_path|path_info|uri|query_string|RawQuery|RawPath|EscapedPath\(\))|\.URL\.(?:Path|String\(\)|RawQuery)|\.URL\.Path)$/;

/** Request input chosen by the client: parameters, query, body, headers (`req.params.slug`, `request.args.get("q")`). */
const REQUEST_INPUT = /^(?:req|request|ctx|c|context|r|self\.request)\.(?:params|query|body|headers|cookies|args|form|values|GET|POST|query_params|path_params|Form|PostForm|Header)\b/;

/** `environ["PATH_INFO"]`, `scope.get("path")`, `headers['x-id']`: a lookup by a constant key, judged by the key. */
const KEYED_LOOKUP = /^[\w.$]+(?:\[\s*(['"])([^'"]+)\1\s*\]|\.get\(\s*(['"])([^'"]+)\3\s*(?:,[^()]*)?\))$/;

/** Keys of WSGI/ASGI/CGI environments that hold the raw request target. */
const RAW_PATH_KEYS = new Set(['path_info', 'raw_uri', 'request_uri', 'path', 'raw_path', 'query_string', 'url', 'script_name']);

/** Last words of an identifier that say "one value per entity or request". */
const UNBOUNDED_WORDS: Record<string, string> = {
  id: 'an identifier', ids: 'identifiers', uuid: 'an identifier', guid: 'an identifier', uid: 'an identifier',
  key: 'a key', keys: 'keys',
  email: 'an e-mail address', mail: 'an e-mail address',
  url: 'a URL', urls: 'URLs', uri: 'a URL', href: 'a URL', pathname: 'a raw path', path: 'a raw path', filepath: 'a file path', filename: 'a file name',
  query: 'query text', sql: 'query text', statement: 'query text', stmt: 'query text',
  timestamp: 'a timestamp', ts: 'a timestamp', datetime: 'a timestamp', date: 'a date', now: 'a clock reading',
  token: 'a token', hash: 'a hash', nonce: 'a random value', random: 'a random value',
  message: 'free text', msg: 'free text', text: 'free text', body: 'free text', payload: 'free text', description: 'free text',
  username: 'a user name', phone: 'a phone number', ip: 'an address', address: 'an address',
};

/** Last words that name the bounded parts of semantic-convention span names. */
const BOUNDED_WORDS: Record<string, string> = {
  method: 'an HTTP or RPC method', verb: 'an HTTP method', route: 'a route template', template: 'a template',
  operation: 'an operation name', op: 'an operation name', command: 'a command name', action: 'an action name',
  collection: 'a collection name', table: 'a table name', destination: 'a destination name', topic: 'a topic name', queue: 'a queue name',
  exchange: 'an exchange name', system: 'a system name', service: 'a service name', kind: 'a kind', type: 'a type name', level: 'a level',
};

/** Words before `id` that make it a messaging destination's name (`topicId`, `subscription_id`). */
const DESTINATION_OWNERS = new Set(['topic', 'subscription', 'sub', 'queue']);

/** `ti.task_id`, `task_instance.task_id`: the task id of an Airflow task instance. */
const AIRFLOW_TASK_ID = /\b(?:ti|task_instance|taskinstance)\.task_id$/i;

/** Words before `index` that make it a position in a list (`map_index`, `itemIndex`, `row_idx`). */
const LIST_OWNERS = new Set(['map', 'list', 'array', 'item', 'row', 'element']);

/** Splits `orderId`, `order_id`, `ORDER-ID`, `userID` into lower-case words. */
export function words(identifier: string): string[] {
  return identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

/** Peels conversions that keep a value's cardinality: `String(x)`, `str(x)`, `x.toString()`, `strconv.Itoa(x)`, `fmt.Sprint(x)`, `x!`, `(x)`. */
function peel(text: string): string {
  let t = text.trim();
  for (let i = 0; i < 4; i++) {
    const before = t;
    t = t.replace(/\.(?:toString|String|toLowerCase|toUpperCase|lower|upper|strip|trim|ToLower|ToUpper)\(\)$/, '');
    t = t.replace(/[!?]+$/, '').trim();
    const inner = /^(?:\(|(?:String|str|Number|int|float|strconv\.Itoa|strconv\.FormatInt|strconv\.Quote|fmt\.Sprint)\s*\(|fmt\.Sprintf\("%[sdv]",\s*|(?:typing\.)?cast\(\s*[\w.[\]]+\s*,\s*)(.*)\)$/s.exec(t);
    if (inner && balanced(inner[1])) t = inner[1].trim();
    if (t === before) break;
  }
  return t;
}

/** Whether every bracket in `text` closes, so `f(a).g(b)` is not read as `f(` wrapping `a).g(b`. */
function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    if (depth < 0) return false;
  }
  return depth === 0;
}

/** The last identifier of a name or member chain (`this.req.url` -> `url`); undefined for other expressions. */
function leafName(text: string): string | undefined {
  // `#` starts a JS private field name (`this.#sessionId`).
  const m = /^[A-Za-z_$#][\w$]*(?:\s*(?:\?\.|\.|->)\s*#?[A-Za-z_$][\w$]*)*$/.exec(text);
  if (!m) return undefined;
  const segments = text.split(/\s*(?:\?\.|\.|->)\s*/);
  return segments[segments.length - 1];
}

/** What the words of a part say about its cardinality, for parts the front-end marked 'unknown'. */
export function textVerdict(rawText: string, type?: string): Verdict {
  const text = peel(rawText);
  for (const [re, reason] of UNBOUNDED_CALLS) if (re.test(text)) return { bound: 'unbounded', reason };
  if (ROUTE_TEMPLATE_CALLS.test(text)) return { bound: 'bounded', reason: 'a route template' };
  const compact = text.replace(/\s+/g, '').replace(/\?\./g, '.');
  if (ROUTE_TEMPLATE_MEMBERS.test(compact)) return { bound: 'bounded', reason: 'a route template' };
  if (RAW_PATH_MEMBERS.test(compact)) return { bound: 'unbounded', reason: 'a raw request path or URL' };
  if (REQUEST_INPUT.test(compact)) return { bound: 'unbounded', reason: 'request input' };
  // An Airflow task instance's `task_id` is the task's name in its DAG, unlike a Celery task's ID.
  if (AIRFLOW_TASK_ID.test(compact)) return { bound: 'bounded', reason: "a task's name in its DAG" };
  const keyed = KEYED_LOOKUP.exec(compact);
  if (keyed) {
    const key = keyed[2] ?? keyed[4];
    if (RAW_PATH_KEYS.has(key.toLowerCase())) return { bound: 'unbounded', reason: 'a raw request path or URL' };
    return wordsVerdict(words(key));
  }
  const typeWords = type ? words(type) : [];
  const typeLast = typeWords[typeWords.length - 1];
  if (typeLast && UNBOUNDED_WORDS[typeLast] && ['id', 'uuid', 'guid', 'key', 'url', 'uri', 'email'].includes(typeLast)) return { bound: 'unbounded', reason: UNBOUNDED_WORDS[typeLast] };
  const leaf = leafName(compact);
  if (!leaf) return { bound: 'unknown' };
  const w = words(leaf);
  if (w.length === 1 && w[0] === 'name' && isRunName(compact)) return { bound: 'unbounded', reason: "one run's name (each run is named anew)" };
  // `input.query`, `handler.query` name a query type as often as query text; a bare `query` or `sqlQuery` is text.
  if (w.length === 1 && w[0] === 'query' && compact !== leaf) return { bound: 'unknown' };
  return wordsVerdict(w);
}

/**
 * `run.name`, `flow_run.name`, `taskRun.name`: schedulers name every run anew (Prefect's random
 * slugs, templates filled with parameters), unlike `workflow_run.name`, GitHub's workflow name.
 */
function isRunName(chain: string): boolean {
  const segments = chain.split(/\.|->/);
  const owner = words(segments[segments.length - 2] ?? '');
  return owner[owner.length - 1] === 'run' && !owner.includes('workflow');
}

function wordsVerdict(w: string[]): Verdict {
  const last = w[w.length - 1];
  if (!last) return { bound: 'unknown' };
  if (BOUNDED_WORDS[last]) return { bound: 'bounded', reason: BOUNDED_WORDS[last] };
  // `collectionName`, `topic_name`, `methodName`: the name of a bounded thing.
  const named = w.length > 1 && (last === 'name' || last === 'names') ? BOUNDED_WORDS[w[w.length - 2]] : undefined;
  if (named) return { bound: 'bounded', reason: named };
  // `baseUrl`, `base_path`: a client's configured endpoint or a router's mount path, not one request's.
  if (w.length > 1 && w[w.length - 2] === 'base' && (last === 'url' || last === 'uri' || last === 'path')) return { bound: 'bounded', reason: 'a base URL or mount path' };
  // `propertyKey`, `methodKey`: a decorator's name of the decorated member, one per method in the code.
  if (last === 'key' && w.length > 1 && (w[w.length - 2] === 'property' || w[w.length - 2] === 'method')) return { bound: 'bounded', reason: 'a class member name' };
  // `ai_model_id`, `modelId`: the model's name (`gpt-4o`), which the GenAI conventions put in span
  // names (`chat {model}`); `dag_id`, `graph_id`: an Airflow DAG's or a LangGraph graph's name, written
  // in the code or configuration that defines it.
  const owner = w.length > 1 ? w[w.length - 2] : undefined;
  if (last === 'id' && owner === 'model') return { bound: 'bounded', reason: 'a model name' };
  // `map_index`, `itemIndex`: a position in a list (Airflow's mapped task instances), one per element.
  if ((last === 'index' || last === 'idx') && owner !== undefined && LIST_OWNERS.has(owner)) return { bound: 'unbounded', reason: 'a list index' };
  // `topicId`, `subId`: Pub/Sub names topics and subscriptions by ID, the destination of `{destination} {operation}`.
  if (last === 'id' && owner !== undefined && DESTINATION_OWNERS.has(owner)) return { bound: 'bounded', reason: 'a destination name' };
  if (last === 'id' && (owner === 'dag' || owner === 'graph')) return { bound: 'bounded', reason: 'the name of a DAG or graph' };
  if (UNBOUNDED_WORDS[last]) {
    // `keyPrefix`, `pathPrefix`, `urlTemplate` are not keys or paths; only the last word counts.
    return { bound: 'unbounded', reason: UNBOUNDED_WORDS[last] };
  }
  return { bound: 'unknown' };
}

/** The verdict on one part: the front-end's when it knew, else the part's words. */
export function partVerdict(part: NamePart): Verdict {
  if (part.bound !== 'unknown') return { bound: part.bound, reason: part.reason };
  return textVerdict(part.text, part.type);
}

/** The dynamic parts of a value: the front-end's, else its dynamic part texts, else its whole text. */
export function partsOf(value: ValueInfo): NamePart[] {
  if (value.parts?.length) return value.parts;
  if (value.dynamicParts?.length) return value.dynamicParts.map((text) => ({ text, bound: 'unknown' }));
  return [{ text: value.text, bound: 'unknown' }];
}

/** The first evidently unbounded part of a non-constant value, with why; undefined when none is. */
export function unboundedPart(value: ValueInfo): { part: NamePart; reason: string } | undefined {
  if (value.constant) return undefined;
  for (const part of partsOf(value)) {
    // A parameter is judged where the function is called, unless its own name says it is unbounded.
    const v = partVerdict(part);
    if (v.bound === 'unbounded') return { part, reason: v.reason ?? 'unbounded' };
  }
  return undefined;
}

/** Parts of a non-constant value that are parameters still undecided (the helper's callers decide). */
export function parameterParts(value: ValueInfo): NamePart[] {
  if (value.constant) return [];
  return partsOf(value).filter((p) => p.param !== undefined && partVerdict(p).bound === 'unknown');
}
