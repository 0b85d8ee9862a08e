// Client/server span pairing across requests and arrival order (the service-graph connector's
// rule): each half waits a bounded time for the other, keyed by trace id + the client's span id.

import type { DecodedSpan } from '../otlp/span';

export interface PairingSink {
  paired(client: DecodedSpan, server: DecodedSpan): void;
  /** A client span whose server half never arrived (or was evicted by the cap). */
  unpairedClient(client: DecodedSpan): void;
}

interface Pending {
  span: DecodedSpan;
  expiresAt: number;
}

export class Pairer {
  private clients = new Map<string, Pending>();
  private servers = new Map<string, Pending>();

  constructor(
    private readonly waitMs: number,
    private readonly cap: number,
    private readonly sink: PairingSink,
    private readonly onEvict: () => void,
  ) {}

  get pending(): number {
    return this.clients.size + this.servers.size;
  }

  addClient(span: DecodedSpan, now: number): void {
    const key = span.traceId + span.spanId;
    const server = this.servers.get(key);
    if (server) {
      this.servers.delete(key);
      this.sink.paired(span, server.span);
      return;
    }
    this.makeRoom(now);
    this.clients.set(key, { span, expiresAt: now + this.waitMs });
  }

  addServer(span: DecodedSpan, now: number): void {
    const key = span.traceId + span.parentSpanId;
    const client = this.clients.get(key);
    if (client) {
      this.clients.delete(key);
      this.sink.paired(client.span, span);
      return;
    }
    this.makeRoom(now);
    this.servers.set(key, { span, expiresAt: now + this.waitMs });
  }

  /** Ends the wait of every half whose time is up (maps are in expiry order: constant wait). */
  expire(now: number): void {
    for (const [key, p] of this.clients) {
      if (p.expiresAt > now) break;
      this.clients.delete(key);
      this.sink.unpairedClient(p.span);
    }
    for (const [key, p] of this.servers) {
      if (p.expiresAt > now) break;
      this.servers.delete(key);
    }
  }

  clear(): void {
    this.clients.clear();
    this.servers.clear();
  }

  private makeRoom(now: number): void {
    this.expire(now);
    if (this.pending < this.cap) return;
    this.onEvict();
    const [ck, cp] = this.clients.entries().next().value ?? [];
    const [sk, sp] = this.servers.entries().next().value ?? [];
    if (ck !== undefined && cp && (!sp || cp.expiresAt <= sp.expiresAt)) {
      this.clients.delete(ck);
      this.sink.unpairedClient(cp.span);
    } else if (sk !== undefined) this.servers.delete(sk);
  }
}
