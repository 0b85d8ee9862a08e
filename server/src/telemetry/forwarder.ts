// Optional re-export of every accepted request body to an upstream OTLP/HTTP endpoint
// (receiver.forwardTo). Bounded concurrency: when the upstream is slow, bodies are dropped
// and counted rather than queued without limit.

import type { BodyFormat, Signal } from './receiver/exportHandler';

const MAX_IN_FLIGHT = 8;
const TIMEOUT_MS = 10_000;

export class Forwarder {
  private inFlight = 0;

  constructor(
    private readonly url: string,
    private readonly onDrop: (reason: string) => void,
  ) {}

  /** `signal`: the body goes to the sibling path of the configured traces URL (/v1/metrics, /v1/logs). */
  forward(body: Buffer, format: BodyFormat, signal: Signal = 'traces'): void {
    if (this.inFlight >= MAX_IN_FLIGHT) {
      this.onDrop('forward-busy');
      return;
    }
    this.inFlight++;
    fetch(signal === 'traces' ? this.url : this.url.replace(/\/v1\/traces\/?$/, `/v1/${signal}`), {
      method: 'POST',
      headers: { 'content-type': format === 'proto' ? 'application/x-protobuf' : 'application/json' },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
      .then((res) => {
        if (!res.ok) this.onDrop('forward-failed');
        return res.arrayBuffer();
      })
      .catch(() => this.onDrop('forward-failed'))
      .finally(() => {
        this.inFlight--;
      });
  }
}
