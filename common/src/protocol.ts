// The typed message protocol between the map webview and its host: the VS Code panel
// (postMessage) or the `serve` page (SSE down, POST /api/message up). Hosts validate
// every FromWebview message on receipt (see isFromWebview).

import type { CodeLocation, Graph, GraphDelta } from './graph';
import type { SpanSiteSummary } from './sites';
import type { ReceiverStatus, SpanQuery, SpanSummary } from './telemetry';

export type HostKind = 'vscode' | 'browser';

export type FocusTarget =
  | { kind: 'node'; id: string }
  | { kind: 'step'; flow: string; step: string }
  | { kind: 'span'; name: string };

export type ToWebview =
  | { type: 'init'; host: HostKind; graph: Graph; receiver: ReceiverStatus; sites: SpanSiteSummary[] }
  | { type: 'graph'; graph: Graph }
  | { type: 'delta'; delta: GraphDelta }
  | { type: 'receiver'; status: ReceiverStatus }
  | { type: 'sites'; sites: SpanSiteSummary[] }
  | { type: 'focus'; target: FocusTarget }
  | { type: 'spans'; requestId: number; spans: SpanSummary[] };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'openLocation'; location: CodeLocation }
  | { type: 'requestSpans'; requestId: number; query: SpanQuery };

/** Runtime check of an untrusted message from the webview. */
export function isFromWebview(m: unknown): m is FromWebview {
  if (typeof m !== 'object' || m === null) return false;
  const msg = m as Record<string, unknown>;
  switch (msg.type) {
    case 'ready':
      return true;
    case 'openLocation': {
      const loc = msg.location as Record<string, unknown> | undefined;
      return (
        typeof loc === 'object' && loc !== null &&
        typeof loc.file === 'string' && loc.file.length > 0 && loc.file.length < 4096 &&
        Number.isInteger(loc.line) && (loc.line as number) >= 1
      );
    }
    case 'requestSpans':
      return Number.isInteger(msg.requestId) && typeof msg.query === 'object' && msg.query !== null;
    default:
      return false;
  }
}
