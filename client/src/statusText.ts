// What the status bar item says about the receiver. Pure: unit-tested.

import type { GraphStats } from '../../common/src/graph';
import type { ReceiverStatus } from '../../common/src/telemetry';

export interface StatusView {
  text: string;
  /** Markdown lines for the tooltip; every interpolated value is escaped by the caller's MarkdownString. */
  tooltip: string[];
  severity: 'normal' | 'warning' | 'error';
}

const ICONS: Record<ReceiverStatus['state'], string> = {
  listening: '$(radio-tower)',
  starting: '$(sync~spin)',
  stopped: '$(debug-stop)',
  disabled: '$(circle-slash)',
  error: '$(error)',
};

/** `viewingPort`: the live data shown is mirrored from another window's receiver on that HTTP port. */
export function statusView(status: ReceiverStatus, stats: GraphStats, viewingPort?: number): StatusView {
  if (viewingPort !== undefined) {
    return {
      text: `$(eye) OTel: viewing data of the receiver on :${viewingPort}`,
      tooltip: [`Showing the live data of the receiver on :${viewingPort} (another window). It stops when this window's receiver starts.`, `This window's receiver: ${status.state}`],
      severity: 'warning',
    };
  }
  const ports = [status.grpc, status.http].filter((a): a is string => !!a).map((a) => `:${portOf(a)}`).join(' ');
  const rate = status.state === 'listening' ? ` ${formatRate(stats.spansPerSecond)}/s` : '';
  const dropped = stats.spansDropped > 0 ? ` $(warning) ${compact(stats.spansDropped)}` : '';
  const text = `${ICONS[status.state]} OTel${ports ? ` ${ports}` : ''}${rate}${dropped}`;
  const tooltip = [`Receiver: ${status.state}`];
  if (status.grpc) tooltip.push(`gRPC: ${status.grpc}`);
  if (status.http) tooltip.push(`HTTP: ${status.http}`);
  if (status.message) tooltip.push(status.message);
  tooltip.push(`Spans received: ${stats.spansReceived}, dropped: ${stats.spansDropped}`);
  for (const [reason, n] of Object.entries(stats.dropped)) if (n > 0) tooltip.push(`Dropped (${reason}): ${n}`);
  // Collapsed detail is no loss (every span is counted): listed apart so it never reads as one.
  for (const [reason, n] of Object.entries(stats.collapsed ?? {})) if (n > 0) tooltip.push(`Detail collapsed (${reason}): ${n}`);
  for (const [reason, n] of Object.entries(stats.refused ?? {})) if (n > 0) tooltip.push(`Requests refused, sender retries (${reason}): ${n}`);
  const severity = status.state === 'error' ? 'error' : stats.spansDropped > 0 ? 'warning' : 'normal';
  return { text, tooltip, severity };
}

function portOf(address: string): string {
  return /:(\d+)$/.exec(address)?.[1] ?? address;
}

function formatRate(n: number): string {
  if (!Number.isFinite(n) || n <= 0) return '0';
  return n < 10 ? n.toFixed(1).replace(/\.0$/, '') : compact(Math.round(n));
}

function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  return String(n);
}
