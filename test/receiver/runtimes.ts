// Other runtimes the receiver suite drives (Prometheus, Python, Go): found on PATH or in the
// build folder that scripts/setup-test.sh fills. Locally a missing one skips its suite with a
// message saying how to install it; with CI=true it fails (CI installs everything first).

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const BUILD_DIR = join(__dirname, '..', '..', 'build');

/** The executable, or undefined after skipping (locally) / throwing (CI) with `how` to get it. */
export function requireTool(ctx: Mocha.Context, what: string, candidates: string[], how: string): string | undefined {
  for (const c of candidates) {
    if (c.includes('/') ? existsSync(c) : spawnSync('sh', ['-c', `command -v ${c}`]).status === 0) return c;
  }
  const message = `${what} not found (${candidates.join(', ')}): ${how}`;
  if (process.env.CI === 'true') throw new Error(`CI: ${message}`);
  console.log(`      skipped: ${message}`);
  ctx.skip();
  return undefined;
}

/** A loopback port free right now (the server that takes it binds a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
