// Durations and rates as the map and the editor label them ("idle 3m", "2.4/s"): one wording in
// the map's labels, its details panel, CodeLens and hover.

/** `3m`, `45s`, `2h`: how long ago, for "idle 3m". */
export function formatAgo(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h`;
}

/** `12/s`, `2.4/s`, or per minute below one a second (`1.5/min`). */
export function formatRate(perSecond: number): string {
  if (perSecond >= 10) return `${Math.round(perSecond)}/s`;
  if (perSecond >= 1) return `${perSecond.toFixed(1)}/s`;
  return `${(perSecond * 60).toFixed(1)}/min`;
}
