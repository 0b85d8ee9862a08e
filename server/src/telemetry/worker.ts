// The telemetry worker_thread entry (dist/telemetryWorker.js): adapts TelemetryService to
// messages from host.ts. Sockets, decoding and the span store live here, off the main thread.

import { parentPort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './messages';
import { TelemetryService } from './service';

const port = parentPort;
if (!port) throw new Error('telemetryWorker must run as a worker_thread');

const post = (m: FromWorker) => port.postMessage(m);
/** Well inside the host's stall limit (1.5 s), so one slow request is not a stall. */
const HEARTBEAT_MS = 250;
setInterval(() => post({ type: 'heartbeat' }), HEARTBEAT_MS);
const service = new TelemetryService({
  status: (status) => post({ type: 'status', status }),
  delta: (delta, details) => post({ type: 'delta', delta, details }),
});

async function run(m: ToWorker): Promise<unknown> {
  switch (m.type) {
    case 'start':
      return service.start(m.options);
    case 'stop':
      return service.stop();
    case 'clear':
      service.clear();
      return service.status();
    case 'query':
      return service.query(m.query);
    case 'import':
      return service.importTraces(m.path, m.maxLineBytes);
    case 'export':
      return service.exportTraces(m.path);
    case 'debugCrash':
      if (m.mode === 'exit') process.exit(70);
      for (const until = Date.now() + 60_000; Date.now() < until; );
      return undefined;
  }
}

// Commands run one at a time so a stop never interleaves with a start.
let queue: Promise<unknown> = Promise.resolve();

port.on('message', (m: ToWorker) => {
  queue = queue.then(() =>
    run(m).then(
      (result) => post({ type: 'reply', id: m.id, result }),
      (err: unknown) => post({ type: 'reply', id: m.id, error: err instanceof Error ? err.message : String(err) }),
    ),
  );
});
