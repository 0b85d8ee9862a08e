// Client/server span pairing across requests and arrival order, by the service-graph peers'
// rule (contract.md §2a): a client half (CLIENT, PRODUCER) keyed by trace id + its span id
// meets the server half (SERVER, CONSUMER) keyed by trace id + its parent span id. Each half
// waits a bounded time in a bounded store; what the store gives up is reported by cause.

import type { DecodedSpan } from '../otlp/span';

export type Side = 'client' | 'server';

export interface PairingSink {
  paired(client: DecodedSpan, server: DecodedSpan): void;
  /** A half whose partner did not arrive within the wait. */
  expired(span: DecodedSpan, side: Side): void;
  /** A half the full store gave up before its wait ended (the oldest goes first). */
  dropped(span: DecodedSpan, side: Side): void;
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
    private readonly maxItems: number,
    private readonly sink: PairingSink,
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

  /** Only spans with a parent: a root server half can never be paired. */
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
      this.sink.expired(p.span, 'client');
    }
    for (const [key, p] of this.servers) {
      if (p.expiresAt > now) break;
      this.servers.delete(key);
      this.sink.expired(p.span, 'server');
    }
  }

  clear(): void {
    this.clients.clear();
    this.servers.clear();
  }

  private makeRoom(now: number): void {
    this.expire(now);
    if (this.pending < this.maxItems) return;
    const [ck, cp] = this.clients.entries().next().value ?? [];
    const [sk, sp] = this.servers.entries().next().value ?? [];
    if (ck !== undefined && cp && (!sp || cp.expiresAt <= sp.expiresAt)) {
      this.clients.delete(ck);
      this.sink.dropped(cp.span, 'client');
    } else if (sk !== undefined && sp) {
      this.servers.delete(sk);
      this.sink.dropped(sp.span, 'server');
    }
  }
}
