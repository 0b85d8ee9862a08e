// The only place that knows where the map runs: a VS Code webview (postMessage, getState)
// or the `serve` page (Server-Sent Events down, POST /api/message up, localStorage).
// Everything else talks to a Host and stays host-agnostic.

import type { FromWebview, HostKind, ToWebview } from '../../common/src/protocol';

export interface Host {
  kind: HostKind;
  send(message: FromWebview): void;
  /** Starts delivery of host messages; call once the UI can handle them. */
  listen(onMessage: (message: ToWebview) => void): void;
  loadState(): unknown;
  saveState(state: unknown): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  function acquireVsCodeApi(): VsCodeApi;
}

export function createHost(): Host {
  if (document.body.dataset.host === 'vscode' && typeof acquireVsCodeApi === 'function') return vscodeHost(acquireVsCodeApi());
  return browserHost();
}

function vscodeHost(api: VsCodeApi): Host {
  return {
    kind: 'vscode',
    send: (message) => api.postMessage(message),
    listen(onMessage) {
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        if (isToWebview(event.data)) onMessage(event.data);
      });
    },
    loadState: () => api.getState(),
    saveState: (state) => api.setState(state),
  };
}

const STORAGE_KEY = 'otelFlowMap.ui';

function browserHost(): Host {
  let deliver: (message: ToWebview) => void = () => undefined;
  const dispatchJson = (text: string): void => {
    const parsed = safeParse(text);
    const messages = Array.isArray(parsed) ? parsed : [parsed];
    for (const m of messages) if (isToWebview(m)) deliver(m);
  };
  return {
    kind: 'browser',
    send(message) {
      fetch('/api/message', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) })
        .then((res) => (res.ok ? res.text() : '[]'))
        .then(dispatchJson)
        .catch(() => undefined); // the server is gone; EventSource reports and reconnects
    },
    listen(onMessage) {
      deliver = onMessage;
      const events = new EventSource('/api/events');
      events.onmessage = (event: MessageEvent<string>) => dispatchJson(event.data);
    },
    loadState() {
      try {
        return safeParse(localStorage.getItem(STORAGE_KEY) ?? 'null');
      } catch {
        return null; // storage disabled
      }
    },
    saveState(state) {
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
      } catch {
        // storage full or disabled: state is a convenience only
      }
    },
  };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

const TO_WEBVIEW_TYPES = new Set<string>(['init', 'graph', 'delta', 'receiver', 'sites', 'focus', 'spans', 'history', 'diff', 'runs', 'window', 'traces', 'trace']);

/** A shallow shape check of host messages; deeper fields are read defensively where used. */
export function isToWebview(m: unknown): m is ToWebview {
  return typeof m === 'object' && m !== null && TO_WEBVIEW_TYPES.has((m as { type?: unknown }).type as string);
}
