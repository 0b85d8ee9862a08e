// Log records kept for the trace view: a ring bounded by count and by bytes (evictions counted),
// indexed by trace id and by span id. Entries are dropped oldest first.

import type { LogEntry } from '../otlp/signalsDecoder';

export interface LogStoreCaps {
  records: number;
  bytes: number;
}

export const DEFAULT_LOG_CAPS: LogStoreCaps = { records: 10_000, bytes: 8 * 1024 * 1024 };
const ENTRY_OVERHEAD_BYTES = 160;

export class LogStore {
  private readonly ring: LogEntry[] = [];
  private bytes = 0;
  private readonly byTrace = new Map<string, LogEntry[]>();
  private readonly bySpan = new Map<string, LogEntry[]>();
  received = 0;

  constructor(
    private readonly caps: LogStoreCaps,
    private readonly onEvict: (n: number) => void,
  ) {}

  get size(): number {
    return this.ring.length;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  add(records: LogEntry[]): void {
    for (const r of records) {
      this.received++;
      this.ring.push(r);
      this.bytes += sizeOf(r);
      if (r.traceId) push(this.byTrace, r.traceId, r);
      if (r.spanId) push(this.bySpan, r.spanId, r);
    }
    let evicted = 0;
    while (this.ring.length > 0 && (this.ring.length > this.caps.records || this.bytes > this.caps.bytes)) {
      const old = this.ring.shift()!;
      this.bytes -= sizeOf(old);
      if (old.traceId) pull(this.byTrace, old.traceId, old);
      if (old.spanId) pull(this.bySpan, old.spanId, old);
      evicted++;
    }
    if (evicted) this.onEvict(evicted);
  }

  forTrace(traceId: string): LogEntry[] {
    return [...(this.byTrace.get(traceId.toLowerCase()) ?? [])];
  }

  forSpan(spanId: string): LogEntry[] {
    return [...(this.bySpan.get(spanId.toLowerCase()) ?? [])];
  }

  clear(): void {
    this.ring.length = 0;
    this.bytes = 0;
    this.byTrace.clear();
    this.bySpan.clear();
    this.received = 0;
  }
}

function sizeOf(r: LogEntry): number {
  let n = ENTRY_OVERHEAD_BYTES + 2 * (r.body.length + r.service.length + r.severity.length + r.traceId.length + r.spanId.length);
  for (const k in r.attributes) {
    const v = r.attributes[k];
    n += 48 + 2 * k.length + (typeof v === 'string' ? 2 * v.length : 8);
  }
  return n;
}

function push(index: Map<string, LogEntry[]>, key: string, r: LogEntry): void {
  const list = index.get(key);
  if (list) list.push(r);
  else index.set(key, [r]);
}

function pull(index: Map<string, LogEntry[]>, key: string, r: LogEntry): void {
  const list = index.get(key);
  if (!list) return;
  // The evicted entry is the oldest of its key too: it is first in its list.
  if (list[0] === r) list.shift();
  else list.splice(list.indexOf(r), 1);
  if (list.length === 0) index.delete(key);
}
