// Human-readable numbers for labels and the details panel.

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

export function formatPercent(part: number, whole: number): string {
  if (whole <= 0 || part <= 0) return '0%';
  const p = (100 * part) / whole;
  return p < 0.1 ? '<0.1%' : `${p < 10 ? p.toFixed(1) : Math.round(p)}%`;
}

/** Average rate over the time the item has been seen, at least one second. */
export function ratePerSecond(count: number, firstSeen: number, lastSeen: number): number {
  const seconds = Math.max(1, (lastSeen - firstSeen) / 1000);
  return count / seconds;
}

export { formatAgo, formatRate } from '../../common/src/format';

/** Health class from an error ratio: drives node and edge colours. */
export type Health = 'ok' | 'warn' | 'bad';
export function health(errors: number, total: number): Health {
  if (total <= 0 || errors <= 0) return 'ok';
  const ratio = errors / total;
  return ratio >= 0.05 ? 'bad' : 'warn';
}
