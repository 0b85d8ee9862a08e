// Server-Sent Events to map clients with backpressure (serve's /api/events and the receiver's
// read-only /api/events). A client whose socket stops taking data (a suspended laptop, a stuck
// tab) gets nothing queued: once write() returned false (the socket holds a frame it has not
// taken yet), the next delta is skipped and marks the client behind, and on 'drain' it gets one
// frame that replaces everything missed (the latest graph, as a reset delta) plus the latest
// message of each other type. A client behind for maxBehindMs is closed. So each client holds at
// most one frame in memory, however fast the graph changes. A single frame larger than the
// socket's buffer (a big graph's init or catch-up) is not "behind" by itself: a client that takes
// it before the next delta stays on deltas, or a big graph would be resent whole forever.

import type { ServerResponse } from 'node:http';

export interface SseHubOptions {
  maxClients: number;
  /** A client still behind after this long is closed (default 30 s). */
  maxBehindMs?: number;
  pingMs?: number;
  /** The frame that brings a client that missed deltas up to date (the whole graph, reset). */
  resync: () => string;
}

interface Client {
  res: ServerResponse;
  /** When a delta was first skipped for this client with nothing drained since; 0 = up to date. */
  behindSince: number;
  /** write() returned false and 'drain' has not come yet. */
  draining: boolean;
  /** The behindSince of the catch-up frame being written: a client that never catches up keeps its clock. */
  catchUpSince: number;
  /** The latest non-delta frame of each type missed while behind. */
  missed: Map<string, string>;
}

export interface SseHubStats {
  clients: number;
  behind: number;
  /** Times a client that fell behind got the latest graph instead of the deltas it missed. */
  resyncs: number;
  /** Clients closed for staying behind. */
  closedSlow: number;
}

const DEFAULT_MAX_BEHIND_MS = 30_000;

export class SseHub {
  private readonly clients = new Set<Client>();
  private readonly timer: NodeJS.Timeout;
  private resyncs = 0;
  private closedSlow = 0;

  constructor(private readonly opts: SseHubOptions) {
    this.timer = setInterval(() => this.tick(), Math.min(opts.pingMs ?? 15_000, 1_000));
    this.timer.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Starts a stream with its first frame; false (nothing sent) when the hub is full. */
  add(res: ServerResponse, first: string, headers: Record<string, string> = {}): boolean {
    if (this.clients.size >= this.opts.maxClients) return false;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers });
    const client: Client = { res, behindSince: 0, draining: false, catchUpSince: 0, missed: new Map() };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    res.on('drain', () => this.drained(client));
    this.write(client, first);
    return true;
  }

  /** Sends a message to every client; `type` 'delta' frames are skipped for clients behind. */
  broadcast(type: string, frame: string): void {
    for (const c of this.clients) {
      if (c.behindSince === 0 && !c.draining) this.write(c, frame);
      else if (type !== 'delta') c.missed.set(type, frame);
      else if (c.behindSince === 0) c.behindSince = c.catchUpSince || Date.now();
    }
  }

  stats(): SseHubStats {
    let behind = 0;
    for (const c of this.clients) if (c.behindSince) behind++;
    return { clients: this.clients.size, behind, resyncs: this.resyncs, closedSlow: this.closedSlow };
  }

  close(): void {
    clearInterval(this.timer);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }

  private write(c: Client, frame: string): void {
    if (c.res.write(frame)) c.catchUpSince = 0;
    else c.draining = true;
  }

  private drained(c: Client): void {
    c.draining = false;
    if (c.res.destroyed) return;
    if (c.behindSince === 0 && c.missed.size === 0) {
      c.catchUpSince = 0;
      return;
    }
    const frames = [...(c.behindSince ? [this.opts.resync()] : []), ...c.missed.values()];
    if (c.behindSince) this.resyncs++;
    c.missed.clear();
    // Up to date once the catch-up is taken; a delta skipped before that counts from the first
    // time (the clock of the 30 s limit keeps running while the client never catches up).
    c.catchUpSince = c.behindSince || c.catchUpSince;
    c.behindSince = 0;
    this.write(c, frames.join(''));
  }

  private lastPing = Date.now();

  private tick(): void {
    const now = Date.now();
    const maxBehind = this.opts.maxBehindMs ?? DEFAULT_MAX_BEHIND_MS;
    for (const c of this.clients) {
      if (c.behindSince && now - c.behindSince > maxBehind) {
        this.closedSlow++;
        this.clients.delete(c);
        c.res.destroy();
      }
    }
    if (now - this.lastPing >= (this.opts.pingMs ?? 15_000)) {
      this.lastPing = now;
      for (const c of this.clients) if (c.behindSince === 0 && !c.draining) this.write(c, ': ping\n\n');
    }
  }
}

/** One SSE frame of a JSON message. */
export function sseFrame(m: unknown): string {
  return `data: ${JSON.stringify(m)}\n\n`;
}
