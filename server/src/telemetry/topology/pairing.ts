// Client/server span pairing across requests and arrival order, by the service-graph peers'
// rule (contract.md §2a): a client half (CLIENT, PRODUCER) keyed by trace id + its span id
// meets the server half (SERVER, CONSUMER) keyed by trace id + its parent span id. Each half
// waits a bounded time in a bounded store; what the store gives up is reported by cause.

import type { DecodedSpan } from '../otlp/span';
import { spanBytes } from './limits';

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
  bytes: number;
}

export class Pairer {
  private clients = new Map<string, Pending>();
  private servers = new Map<string, Pending>();
  private bytes = 0;

  constructor(
    private readonly waitMs: number,
    private readonly maxItems: number,
    private readonly sink: PairingSink,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {}

  get pendingBytes(): number {
    return this.bytes;
  }

  get pending(): number {
    return this.clients.size + this.servers.size;
  }

  addClient(span: DecodedSpan, now: number): void {
    const key = span.traceId + span.spanId;
    const server = this.servers.get(key);
    if (server) {
      this.take(this.servers, key, server);
      this.sink.paired(span, server.span);
      return;
    }
    const bytes = spanBytes(span);
    this.makeRoom(now, bytes);
    this.bytes += bytes;
    this.clients.set(key, { span, expiresAt: now + this.waitMs, bytes });
  }

  /** Only spans with a parent: a root server half can never be paired. */
  addServer(span: DecodedSpan, now: number): void {
    const key = span.traceId + span.parentSpanId;
    const client = this.clients.get(key);
    if (client) {
      this.take(this.clients, key, client);
      this.sink.paired(client.span, span);
      return;
    }
    const bytes = spanBytes(span);
    this.makeRoom(now, bytes);
    this.bytes += bytes;
    this.servers.set(key, { span, expiresAt: now + this.waitMs, bytes });
  }

  /** Ends the wait of every half whose time is up (maps are in expiry order: constant wait). */
  expire(now: number): void {
    for (const [key, p] of this.clients) {
      if (p.expiresAt > now) break;
      this.take(this.clients, key, p);
      this.sink.expired(p.span, 'client');
    }
    for (const [key, p] of this.servers) {
      if (p.expiresAt > now) break;
      this.take(this.servers, key, p);
      this.sink.expired(p.span, 'server');
    }
  }

  clear(): void {
    this.clients.clear();
    this.servers.clear();
    this.bytes = 0;
  }

  private take(map: Map<string, Pending>, key: string, p: Pending): void {
    map.delete(key);
    this.bytes -= p.bytes;
  }

  /** Gives up the oldest halves until one more item of `bytes` fits both caps. */
  private makeRoom(now: number, bytes: number): void {
    this.expire(now);
    while (this.pending >= this.maxItems || (this.pending > 0 && this.bytes + bytes > this.maxBytes)) {
      const [ck, cp] = this.clients.entries().next().value ?? [];
      const [sk, sp] = this.servers.entries().next().value ?? [];
      if (ck !== undefined && cp && (!sp || cp.expiresAt <= sp.expiresAt)) {
        this.take(this.clients, ck, cp);
        this.sink.dropped(cp.span, 'client');
      } else if (sk !== undefined && sp) {
        this.take(this.servers, sk, sp);
        this.sink.dropped(sp.span, 'server');
      } else return;
    }
  }
}
