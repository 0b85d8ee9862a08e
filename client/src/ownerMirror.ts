// When another OTel Flow Map receiver (serve, the demo, another window) owns the port, mirror its live
// graph into LiveState over its read-only API (GET /api/graph to check what answers, then the
// SSE stream GET /api/events of 'init' / 'delta' messages), and answer the map's trace requests
// from its GET /api/traces (without code lines: the owner's receiver does not know this
// workspace). Loopback only; read-only.

import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import * as vscode from 'vscode';
import type { Graph } from '../../common/src/graph';
import { isTraceId, type ToWebview } from '../../common/src/protocol';
import type { TraceDetail, TraceList, TraceQuery } from '../../common/src/traces';
import type { LiveState } from './liveState';

const HOST = '127.0.0.1';
const CHECK_TIMEOUT_MS = 3_000;
/** An SSE frame is one delta or one whole graph: anything bigger is not from our receiver. */
const MAX_FRAME_BYTES = 32 * 1024 * 1024;

export class OwnerMirror implements vscode.Disposable {
  private stream: ClientRequest | undefined;
  private portValue: number | undefined;
  private headers: Record<string, string> = {};
  private readonly changeEmitter = new vscode.EventEmitter<number | undefined>();
  /** Fires the mirrored port, or undefined when mirroring stops. */
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly live: LiveState) {}

  /** The HTTP port being mirrored, if any. */
  get port(): number | undefined {
    return this.portValue;
  }

  /** Starts mirroring; resolves to an error message for the user when the port's owner is not usable. */
  async start(port: number, token: string): Promise<string | undefined> {
    this.stop();
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const problem = await checkOwner(port, headers);
    if (problem) return problem;
    this.portValue = port;
    this.headers = headers;
    this.changeEmitter.fire(port);
    const stream = openEvents(port, headers, (m) => this.receive(m), () => {
      // A stream replaced by a later start() ends quietly.
      if (this.stream === stream) this.streamEnded();
    });
    this.stream = stream;
    return undefined;
  }

  /** The mirrored receiver's recent traces (GET /api/traces). */
  async traces(q: TraceQuery): Promise<TraceList> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (typeof v === 'string' || typeof v === 'number') params.set(k, String(v));
    const list = (await this.read(`/api/traces?${params.toString()}`)) as TraceList | null;
    if (!list || !Array.isArray(list.traces)) throw new Error('the mirrored receiver has no trace list');
    return list;
  }

  /** One trace of the mirrored receiver; null when it does not keep it. */
  async trace(traceId: string): Promise<TraceDetail | null> {
    if (!isTraceId(traceId)) return null;
    return (await this.read(`/api/traces/${traceId}`)) as TraceDetail | null;
  }

  /** GET from the mirrored receiver: the JSON answer, null for a 404 (the webview checks the shapes). */
  private async read(path: string): Promise<unknown> {
    const port = this.portValue;
    if (port === undefined) throw new Error('not mirroring a receiver');
    const { status, body } = await getJson(port, path, this.headers);
    if (status === 404) return null;
    if (status !== 200) throw new Error(`the mirrored receiver answered ${status} to ${path.split('?')[0]}`);
    return JSON.parse(body) as unknown;
  }

  stop(): void {
    const wasMirroring = this.portValue !== undefined;
    this.stream?.destroy();
    this.stream = undefined;
    this.portValue = undefined;
    if (wasMirroring) this.changeEmitter.fire(undefined);
  }

  dispose(): void {
    this.stop();
    this.changeEmitter.dispose();
  }

  private receive(m: ToWebview): void {
    if (m.type === 'init') this.live.replaceGraph(m.graph);
    else if (m.type === 'delta') this.live.applyDelta(m.delta);
  }

  private streamEnded(): void {
    if (this.portValue === undefined) return;
    // No message: the server takes the freed port over within seconds, and the status bar says so.
    this.stop();
  }
}

/** undefined when an OTel Flow Map receiver answers GET /api/graph, else what to tell the user. */
async function checkOwner(port: number, headers: Record<string, string>): Promise<string | undefined> {
  const notOurs = `The process on port ${port} is not an OTel Flow Map receiver (it has no /api/graph): its data cannot be shown. Use other ports instead.`;
  try {
    const { status, body } = await getJson(port, '/api/graph', headers);
    if (status === 401) return `The OTel Flow Map receiver on port ${port} needs a different otelFlowMap.receiver.authToken.`;
    if (status !== 200) return notOurs;
    return isGraph(JSON.parse(body)) ? undefined : notOurs;
  } catch (err) {
    return err instanceof SyntaxError ? notOurs : `Could not reach port ${port}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function getJson(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: HOST, port, path, headers, timeout: CHECK_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
        if (body.length > MAX_FRAME_BYTES) req.destroy(new Error('answer too large'));
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer')));
    req.on('error', reject);
    req.end();
  });
}

function openEvents(port: number, headers: Record<string, string>, onMessage: (m: ToWebview) => void, onEnd: () => void): ClientRequest {
  const req = request({ host: HOST, port, path: '/api/events', headers: { ...headers, accept: 'text/event-stream' } }, (res: IncomingMessage) => {
    if (res.statusCode !== 200) {
      res.resume();
      return onEnd();
    }
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, i);
        buf = buf.slice(i + 2);
        for (const line of frame.split('\n')) if (line.startsWith('data: ')) parseMessage(line.slice(6), onMessage);
      }
      if (buf.length > MAX_FRAME_BYTES) req.destroy();
    });
    res.on('close', onEnd);
  });
  req.on('error', onEnd);
  req.end();
  return req;
}

function parseMessage(text: string, onMessage: (m: ToWebview) => void): void {
  try {
    const m = JSON.parse(text) as ToWebview;
    if ((m.type === 'init' && isGraph(m.graph)) || (m.type === 'delta' && typeof m.delta === 'object' && m.delta !== null)) onMessage(m);
  } catch {
    // Not JSON: not a message of ours; skip it.
  }
}

function isGraph(v: unknown): v is Graph {
  const g = v as Partial<Graph> | null;
  return typeof g === 'object' && g !== null && Array.isArray(g.nodes) && Array.isArray(g.edges) && Array.isArray(g.flows) && typeof g.stats === 'object';
}
