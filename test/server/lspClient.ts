// A real language-server session for tests: spawns `node dist/server.js --stdio` and talks
// JSON-RPC over its stdio. Waits on notifications with deadlines, never on sleeps.

import { spawn, type ChildProcess } from 'node:child_process';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, DidChangeConfigurationNotification, DidChangeTextDocumentNotification, DidChangeWorkspaceFoldersNotification, DidOpenTextDocumentNotification,
  InitializedNotification, InitializeRequest, PublishDiagnosticsNotification, StreamMessageReader, StreamMessageWriter,
  type LogMessageParams, type PublishDiagnosticsParams, type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { SitesRequest } from '../../common/src/lspMethods';
import type { SpanSiteSummary } from '../../common/src/sites';

const SERVER = resolve(__dirname, '../../dist/server.js');

export class LspSession {
  readonly connection: ProtocolConnection;
  private readonly child: ChildProcess;
  private readonly latest = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters: (() => void)[] = [];
  readonly stderr: string[] = [];

  constructor(env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.child.stderr!.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.latest.set(p.uri, p);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.connection.onNotification('window/logMessage', (m: LogMessageParams) => {
      this.stderr.push(`${m.message}\n`);
    });
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.listen();
  }

  /** Initializes with one workspace folder, or several (the first is the root). */
  async initialize(folder: string | string[], settings: unknown = {}): Promise<void> {
    const folders = typeof folder === 'string' ? [folder] : folder;
    await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(folders[0]).href,
      workspaceFolders: folders.map((f, i) => ({ uri: pathToFileURL(f).href, name: `ws${i}` })),
      capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true } },
      initializationOptions: { settings },
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
  }

  async open(file: string, text: string, languageId = 'typescript'): Promise<string> {
    const uri = pathToFileURL(file).href;
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  async change(uri: string, version: number, text: string): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** Tells the server files changed on disk (type 1 created, 2 changed, 3 deleted). */
  async filesChanged(changes: { file: string; type: 1 | 2 | 3 }[]): Promise<void> {
    await this.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: changes.map((c) => ({ uri: pathToFileURL(c.file).href, type: c.type })) });
  }

  /** Tells the server workspace folders were added or removed (multi-root). */
  async changeFolders(change: { added?: string[]; removed?: string[] }): Promise<void> {
    const toFolders = (paths: string[] = []) => paths.map((f) => ({ uri: pathToFileURL(f).href, name: basename(f) }));
    await this.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, { event: { added: toFolders(change.added), removed: toFolders(change.removed) } });
  }

  /** Every span site the server knows (workspace-relative), as the map asks for them. */
  sites(): Promise<SpanSiteSummary[]> {
    return this.connection.sendRequest(SitesRequest);
  }

  async configure(settings: unknown): Promise<void> {
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { otelFlowMap: settings } });
  }

  /** Resolves with the first published diagnostics for `uri` that satisfy `accept`. */
  diagnostics(uri: string, accept: (p: PublishDiagnosticsParams) => boolean, timeoutMs = 15_000): Promise<PublishDiagnosticsParams> {
    return new Promise((done, fail) => {
      const deadline = setTimeout(() => fail(new Error(`no matching diagnostics for ${uri}; last: ${JSON.stringify(this.latest.get(uri)?.diagnostics.map((d) => d.code))}; stderr: ${this.stderr.join('')}`)), timeoutMs);
      const check = () => {
        const p = this.latest.get(uri);
        if (p && accept(p)) {
          clearTimeout(deadline);
          done(p);
        } else this.waiters.push(check);
      };
      check();
    });
  }

  dispose(): void {
    this.connection.dispose();
    this.child.kill();
  }
}
