// The telemetry worker_thread entry (dist/telemetryWorker.js): adapts TelemetryService to
// messages from host.ts. Sockets, decoding and the span store live here, off the main thread.

import { parentPort } from 'node:worker_threads';
import type { CommandReply, FromWorker, ToWorker } from './messages';
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

type Command<T extends ToWorker['type']> = Extract<ToWorker, { type: T }>;

/** Each command's handler, typed by what its reply carries (CommandReply; a query's: its WorkerAnswer). */
const handlers: { [T in keyof CommandReply]: (m: Command<T>) => CommandReply[T] | Promise<CommandReply[T]> } & { query: (m: Command<'query'>) => unknown } = {
  start: (m) => service.start(m.options),
  stop: () => service.stop(),
  clear: () => {
    service.clear();
    return service.status();
  },
  query: (m) => service.query(m.query),
  import: (m) => service.importTraces(m.path, m.maxLineBytes),
  export: (m) => service.exportTraces(m.path),
  debugCrash: (m) => {
    if (m.mode === 'exit') process.exit(70);
    for (const until = Date.now() + 60_000; Date.now() < until; );
    return undefined;
  },
};

/** A handler's throw becomes a rejected reply, like its rejection. */
function run(m: ToWorker): Promise<unknown> {
  try {
    return Promise.resolve((handlers[m.type] as (m: ToWorker) => unknown)(m));
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
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
