// A minimal stand-in for the `serve` page, for benchmarks and tests that need graphs no real
// service would send (thousands of nodes): the same HTML shell and CSP, the built
// dist/webview.js + dist/webview.css, and the same SSE / POST protocol, with the messages
// chosen by the caller. Tests of real behaviour use `node dist/cli.js serve` instead.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FromWebview, ToWebview } from '../../../common/src/protocol';

export interface PageServer {
  url: string;
  /** Sends a message to every connected page. */
  push(message: ToWebview): void;
  /** Messages the pages posted. */
  received: FromWebview[];
  close(): Promise<void>;
}

export async function startPageServer(init: ToWebview, answer: (m: FromWebview) => ToWebview[] = () => []): Promise<PageServer> {
  const dist = join(__dirname, '..', '..', '..', 'dist');
  const js = readFileSync(join(dist, 'webview.js'));
  const css = readFileSync(join(dist, 'webview.css'));
  const clients = new Set<ServerResponse>();
  const received: FromWebview[] = [];
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/') {
      const nonce = randomBytes(16).toString('base64');
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'self'; img-src 'self' data:; connect-src 'self'`,
      });
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>OTel Flow Map</title><link rel="stylesheet" href="/webview.css"></head><body data-host="browser"><div id="app"></div><script nonce="${nonce}" src="/webview.js"></script></body></html>`);
    } else if (req.url === '/webview.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    } else if (req.url === '/webview.css') {
      res.writeHead(200, { 'content-type': 'text/css' }).end(css);
    } else if (req.url === '/api/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(`data: ${JSON.stringify(init)}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
    } else if (req.method === 'POST' && req.url === '/api/message') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as FromWebview;
        received.push(message);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(message)));
      });
    } else if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    push(message) {
      const line = `data: ${JSON.stringify(message)}\n\n`;
      for (const c of clients) c.write(line);
    },
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of clients) c.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
