// DNS-rebinding guard shared by every HTTP surface that serves data to browsers (the receiver's
// read-only API and the `serve` UI): a web page on another origin cannot name our socket.
import type { IncomingMessage } from 'node:http';

/** True when the Host header names a loopback name or the address the socket is bound to. */
export function allowedHost(req: IncomingMessage): boolean {
  const port = req.socket.localPort;
  const bound = req.socket.localAddress ?? '';
  const host = (req.headers.host ?? '').toLowerCase();
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${bound}:${port}`, `[${bound}]:${port}`].includes(host);
}
