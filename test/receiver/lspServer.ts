// The built language server (dist/server.js) over real JSON-RPC stdio, with its receiver on:
// what the telemetry tests at the LSP boundary share. Records statuses, deltas and CodeLens
// refresh requests so tests wait on them.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import type { GraphDelta } from '../../common/src/graph';
import { GraphDeltaNotification, ReceiverStatusNotification } from '../../common/src/lspMethods';
import type { ReceiverStatus } from '../../common/src/telemetry';

const SERVER = join(__dirname, '..', '..', 'dist', 'server.js');

export interface Session {
  proc: ChildProcess;
  conn: ProtocolConnection;
  statuses: ReceiverStatus[];
  deltas: GraphDelta[];
  /** `workspace/codeLens/refresh` requests received. */
  lensRefreshes: number;
}

/** `settings`: other settings beside the receiver's (e.g. `sources`). */
export async function startServer(receiver: Record<string, unknown>, storagePath: string, ws: string, settings: Record<string, unknown> = {}): Promise<Session> {
  const proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const s: Session = { proc, conn, statuses: [], deltas: [], lensRefreshes: 0 };
  conn.onNotification(ReceiverStatusNotification.method, (st: ReceiverStatus) => void s.statuses.push(st));
  conn.onNotification(GraphDeltaNotification.method, (d: GraphDelta) => void s.deltas.push(d));
  conn.onRequest('workspace/codeLens/refresh', () => void s.lensRefreshes++);
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('workspace/configuration', () => []);
  conn.onNotification('window/logMessage', () => undefined);
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(ws).href,
    workspaceFolders: [{ uri: pathToFileURL(ws).href, name: 'ws' }],
    capabilities: { workspace: { codeLens: { refreshSupport: true } } },
    // 'always': the temporary workspace has no OpenTelemetry dependency, which under 'auto' keeps the receiver off.
    initializationOptions: { settings: { ...settings, receiver: { autoStart: 'always', ...receiver } }, storagePath },
  });
  await conn.sendNotification('initialized', {});
  return s;
}

export async function stopServer(s: Session): Promise<void> {
  const exited = new Promise((r) => s.proc.once('exit', r));
  await s.conn.sendRequest('shutdown').catch(() => undefined);
  await s.conn.sendNotification('exit').catch(() => undefined);
  await exited;
  s.conn.dispose();
}
