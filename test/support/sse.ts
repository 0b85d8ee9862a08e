// Reads a Server-Sent Events stream of ToWebview messages (serve's /api/events and the receiver's
// read-only /api/events) until `until` holds for the messages so far, then closes it.
import assert from 'node:assert/strict';
import type { ToWebview } from '../../common/src/protocol';

export async function readEvents(url: string, until: (msgs: ToWebview[]) => boolean, init: RequestInit = {}): Promise<ToWebview[]> {
  const res = await fetch(url, init);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  const reader = res.body!.getReader();
  const msgs: ToWebview[] = [];
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return msgs;
    buf += Buffer.from(value).toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      for (const line of buf.slice(0, i).split('\n')) if (line.startsWith('data: ')) msgs.push(JSON.parse(line.slice(6)) as ToWebview);
      buf = buf.slice(i + 2);
    }
    if (until(msgs)) {
      await reader.cancel();
      return msgs;
    }
  }
}
