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

export interface StatusContext {
  /** The live data shown is mirrored from another OTel Flow Map receiver (serve, the demo, a window) on this HTTP port. */
  viewingPort?: number;
  /** Share of spans lost over the last minute, when above the warning threshold (lossWindow.ts). */
  sustainedLoss?: number;
}

export function statusView(status: ReceiverStatus, stats: GraphStats, { viewingPort, sustainedLoss }: StatusContext = {}): StatusView {
  if (viewingPort !== undefined) {
    // Data is live, just not received here: nothing is wrong, so no warning colour.
    return {
      text: `$(eye) OTel :${viewingPort} (shared)`,
      tooltip: [
        `Port ${viewingPort} belongs to another OTel Flow Map receiver (otel-flow-map serve, npm run demo or another window); its live data is shown here.`,
        "This window's receiver takes the ports over when that one stops.",
      ],
      severity: 'normal',
    };
  }
  const taken = portTaken(status);
  if (taken) {
    return {
      text: `$(warning) OTel :${taken} in use`,
      tooltip: [status.message ?? '', `Another program holds port ${taken}. The receiver starts here as soon as it frees, or choose other ports from the menu.`],
      severity: 'warning',
    };
  }
  const ports = [status.grpc, status.http].filter((a): a is string => !!a).map((a) => `:${portOf(a)}`).join(' ');
  const rate = status.state === 'listening' ? ` ${formatRate(stats.spansPerSecond)}/s` : '';
  const lossText = sustainedLoss !== undefined ? ` $(warning) ${(sustainedLoss * 100).toFixed(sustainedLoss < 0.1 ? 1 : 0)}% lost` : '';
  const text = `${ICONS[status.state]} OTel${ports ? ` ${ports}` : ''}${rate}${lossText}`;
  const tooltip = [`Receiver: ${status.state}`];
  if (status.grpc) tooltip.push(`gRPC: ${status.grpc}`);
  if (status.http) tooltip.push(`HTTP: ${status.http}`);
  if (status.message) tooltip.push(status.message);
  tooltip.push(`Spans received: ${stats.spansReceived}, dropped: ${stats.spansDropped}`);
  if (sustainedLoss !== undefined) tooltip.push(`${(sustainedLoss * 100).toFixed(1)}% of the spans of the last minute were lost`);
  for (const [reason, n] of Object.entries(stats.dropped)) if (n > 0) tooltip.push(`Dropped (${reason}): ${n}`);
  // Collapsed detail is no loss (every span is counted): listed apart so it never reads as one.
  for (const [reason, n] of Object.entries(stats.collapsed ?? {})) if (n > 0) tooltip.push(`Detail collapsed (${reason}): ${n}`);
  for (const [reason, n] of Object.entries(stats.refused ?? {})) if (n > 0) tooltip.push(`Requests refused, sender retries (${reason}): ${n}`);
  // A dropped span now and then is no reason for colour: only loss sustained over a minute is.
  const severity = status.state === 'error' ? 'error' : sustainedLoss !== undefined ? 'warning' : 'normal';
  return { text, tooltip, severity };
}

/** The port another program holds, when that is why the receiver failed. */
export function portTaken(status: ReceiverStatus): number | undefined {
  if (status.state !== 'error') return undefined;
  const m = /port (\d+) is already in use/i.exec(status.message ?? '');
  return m ? Number(m[1]) : undefined;
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
