// OTLP logs and metrics requests (protobuf and JSON): log records with what the trace view
// needs (trace/span ids, severity, body text), and metric data points counted per request.

import { clip, LIMITS, MalformedRequestError } from './span';
import { forEachField, hex, utf8, type Field } from './wire';

export interface LogEntry {
  service: string;
  traceId: string;
  spanId: string;
  timeMs: number;
  severity: string;
  body: string;
  /** The record's attributes (at most maxAttributesPerEvent; values as text when structured). */
  attributes?: Record<string, string | number | boolean>;
}

/** SeverityNumber ranges (1-4 TRACE … 21-24 FATAL): the name when a record has no severity text. */
const SEVERITY_NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

function severityName(n: number): string {
  return n >= 1 && n <= 24 ? SEVERITY_NAMES[Math.floor((n - 1) / 4)] : '';
}

export interface LogsResult {
  records: LogEntry[];
}

export interface MetricsResult {
  points: number;
}

const NANOS_PER_MS = 1e6;

/** ExportLogsServiceRequest: resource_logs(1) { resource(1), scope_logs(2) { log_records(2) } }. */
export function decodeLogsProto(buf: Uint8Array): LogsResult {
  const records: LogEntry[] = [];
  forEachField(buf, 0, buf.length, (rl) => {
    if (rl.no !== 1) return;
    let service = '';
    const scopes: [number, number][] = [];
    forEachField(buf, rl.start, rl.end, (f) => {
      if (f.no === 1) service = resourceService(buf, f);
      else if (f.no === 2) scopes.push([f.start, f.end]);
    });
    for (const [s, e] of scopes) {
      forEachField(buf, s, e, (f) => {
        if (f.no === 2) records.push(logRecord(buf, f, service));
      });
    }
  });
  return { records };
}

function logRecord(buf: Uint8Array, rec: Field, service: string): LogEntry {
  const entry: LogEntry = { service, traceId: '', spanId: '', timeMs: 0, severity: '', body: '' };
  let severityNumber = 0;
  const attributes: Record<string, string | number | boolean> = {};
  let attributeCount = 0;
  forEachField(buf, rec.start, rec.end, (f) => {
    if (f.no === 1 || (f.no === 11 && entry.timeMs === 0)) entry.timeMs = f.varint / NANOS_PER_MS;
    else if (f.no === 2) severityNumber = f.varint;
    else if (f.no === 3) entry.severity = clip(utf8(buf, f), 32);
    else if (f.no === 5) entry.body = anyValueText(buf, f);
    else if (f.no === 6 && attributeCount++ < LIMITS.maxAttributesPerEvent) {
      const [key, value] = keyValue(buf, f);
      if (key) attributes[clip(key, LIMITS.maxNameLength)] = value;
    } else if (f.no === 9) entry.traceId = hex(buf, f);
    else if (f.no === 10) entry.spanId = hex(buf, f);
  });
  if (!entry.severity) entry.severity = severityName(severityNumber);
  if (attributeCount > 0) entry.attributes = attributes;
  return entry;
}

/** KeyValue { key(1), value(2) } with the value as anyValueText gives it. */
function keyValue(buf: Uint8Array, kv: Field): [string, string] {
  let key = '';
  let value = '';
  forEachField(buf, kv.start, kv.end, (f) => {
    if (f.no === 1) key = utf8(buf, f);
    else if (f.no === 2) value = anyValueText(buf, f);
  });
  return [key, value];
}

/** AnyValue: the string value as text, else a short marker (structured bodies stay summarised). */
function anyValueText(buf: Uint8Array, v: Field): string {
  let text = '';
  forEachField(buf, v.start, v.end, (f) => {
    if (f.no === 1) text = clip(utf8(buf, f), LIMITS.maxStringLength);
    else if (f.no === 2 || f.no === 3) text = String(f.varint);
    else if (f.no >= 4) text = '(structured)';
  });
  return text;
}

/** Resource { attributes(1): KeyValue { key(1), value(2): AnyValue } } -> service.name. */
function resourceService(buf: Uint8Array, res: Field): string {
  let service = '';
  forEachField(buf, res.start, res.end, (kv) => {
    if (kv.no !== 1) return;
    const [key, value] = keyValue(buf, kv);
    if (key === 'service.name') service = clip(value, LIMITS.maxNameLength);
  });
  return service;
}

/** Metric data fields: gauge(5), sum(7), histogram(9), exponential_histogram(10), summary(11); each has data_points(1). */
const METRIC_DATA_FIELDS = new Set([5, 7, 9, 10, 11]);

/** ExportMetricsServiceRequest: resource_metrics(1) { scope_metrics(2) { metrics(2) } }. */
export function decodeMetricsProto(buf: Uint8Array): MetricsResult {
  let points = 0;
  const each = (f: Field, no: number, visit: (g: Field) => void) =>
    forEachField(buf, f.start, f.end, (g) => {
      if (g.no === no) visit({ ...g });
    });
  forEachField(buf, 0, buf.length, (rm) => {
    if (rm.no !== 1) return;
    each(rm, 2, (sm) => each(sm, 2, (metric) => {
      forEachField(buf, metric.start, metric.end, (data) => {
        if (!METRIC_DATA_FIELDS.has(data.no)) return;
        forEachField(buf, data.start, data.end, (dp) => {
          if (dp.no === 1) points++;
        });
      });
    }));
  });
  return { points };
}

export function decodeLogsJson(text: string): LogsResult {
  const records: LogEntry[] = [];
  for (const rl of arrayOf(parse(text).resourceLogs)) {
    const service = jsonService(rl);
    for (const sl of arrayOf(rl.scopeLogs)) {
      for (const r of arrayOf(sl.logRecords)) {
        const body = (r.body ?? {}) as Record<string, unknown>;
        const attributes = jsonAttributes(r.attributes);
        records.push({
          service,
          traceId: hexId(r.traceId),
          spanId: hexId(r.spanId),
          timeMs: Number(r.timeUnixNano ?? r.observedTimeUnixNano ?? 0) / NANOS_PER_MS || 0,
          severity: typeof r.severityText === 'string' && r.severityText ? clip(r.severityText, 32) : severityName(Number(r.severityNumber) || 0),
          body: jsonValueText(body),
          ...(attributes ? { attributes } : {}),
        });
      }
    }
  }
  return { records };
}

export function decodeMetricsJson(text: string): MetricsResult {
  let points = 0;
  for (const rm of arrayOf(parse(text).resourceMetrics)) {
    for (const sm of arrayOf(rm.scopeMetrics)) {
      for (const m of arrayOf(sm.metrics)) {
        for (const kind of ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary']) {
          const data = m[kind] as Record<string, unknown> | undefined;
          if (data && typeof data === 'object') points += arrayOf(data.dataPoints).length;
        }
      }
    }
  }
  return { points };
}

function parse(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new MalformedRequestError(`invalid JSON: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new MalformedRequestError('the body must be a JSON object');
  return v as Record<string, unknown>;
}

function arrayOf(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];
}

/** AnyValue as text, as anyValueText reads the protobuf form. */
function jsonValueText(v: Record<string, unknown>): string {
  if (typeof v.stringValue === 'string') return clip(v.stringValue, LIMITS.maxStringLength);
  for (const k of ['intValue', 'doubleValue', 'boolValue']) {
    const x = v[k];
    if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') return String(x);
  }
  return Object.keys(v).length ? '(structured)' : '';
}

function jsonAttributes(v: unknown): Record<string, string> | undefined {
  const list = arrayOf(v).slice(0, LIMITS.maxAttributesPerEvent);
  if (!list.length) return undefined;
  const out: Record<string, string> = {};
  for (const kv of list) if (typeof kv.key === 'string' && kv.key) out[clip(kv.key, LIMITS.maxNameLength)] = jsonValueText((kv.value ?? {}) as Record<string, unknown>);
  return out;
}

function jsonService(rl: Record<string, unknown>): string {
  const res = (rl.resource ?? {}) as Record<string, unknown>;
  for (const kv of arrayOf(res.attributes)) {
    const value = (kv.value ?? {}) as Record<string, unknown>;
    if (kv.key === 'service.name' && typeof value.stringValue === 'string') return clip(value.stringValue, LIMITS.maxNameLength);
  }
  return '';
}

/** OTLP/JSON ids are hex strings (lower-cased here); anything else is no id. */
function hexId(v: unknown): string {
  return typeof v === 'string' && /^[0-9a-fA-F]{16,32}$/.test(v) ? v.toLowerCase() : '';
}
