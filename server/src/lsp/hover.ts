// Hover on a span name: its flow and step, the recent window's numbers (rate, errors, latency,
// last seen, or how long it has been idle), the totals since start, services, runtime code
// locations, and a cardinality warning when a dynamic name yields many distinct live names. Span
// data is untrusted: every value is escaped before it goes into Markdown.

import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import type { Range } from '../analysis/types';
import { formatAgo } from '../../../common/src/format';
import { formatMs, formatPercent, windowParts } from '../link/liveMatch';
import { RuntimePathResolver } from '../link/workspacePaths';
import type { ServerContext, SiteIndexSource } from './context';
import { OPEN_RECENT_TRACE_COMMAND, recentTraceLink } from './codeLens';
import { liveSitesOf, type LiveSite, type LiveWindowSource } from './liveSites';
import type { HostAccess } from './receiverBridge';

const CARDINALITY_WARNING = 20;

export function registerHover(ctx: ServerContext, siteIndex: SiteIndexSource, host: HostAccess, windows: LiveWindowSource): void {
  const resolver = new RuntimePathResolver(() => ctx.workspaceFolders());
  ctx.onWorkspaceFoldersChanged(() => resolver.invalidate());
  ctx.connection.onHover(async (params): Promise<Hover | null> => {
    const hit = (await liveSitesOf(params.textDocument.uri, ctx, siteIndex, host, windows)).find((s) => contains(s.site.name?.range ?? s.site.headRange ?? s.site.range, params.position));
    if (!hit) return null;
    const refs = runtimeRefs(hit, host).flatMap((r) => {
      const file = resolver.resolve(r.file);
      return file ? [`${file.relative}${r.line ? `:${r.line}` : ''}`] : [];
    });
    return { contents: { kind: MarkupKind.Markdown, value: hoverMarkdown(hit, refs) }, range: hit.site.name?.range };
  });
}

export function hoverMarkdown({ site, summary, stats }: LiveSite, runtimeLocations: string[]): string {
  const lines = ['**OTel Flow Map**'];
  if (summary.flow) lines.push(`Flow ${md(summary.flow)}${summary.step ? ` · step ${md(summary.step)}` : ''}`);
  if (!stats || stats.count === 0) {
    lines.push('Not seen live yet.');
    return lines.join('\n\n');
  }
  const w = stats.window;
  if (w && w.count > 0) {
    const [count, ...rest] = windowParts(w);
    lines.push(`Last ${formatAgo(w.ms)}: ${[count, ...rest.slice(0, 2), ...(w.p50Ms !== undefined ? [`p50 ${formatMs(w.p50Ms)}`] : []), ...rest.slice(2)].join(' · ')}`);
    if (w.idleMs !== undefined) lines.push(`Last seen ${formatAgo(w.idleMs)} ago`);
  } else if (w) {
    lines.push(`Idle${w.idleMs !== undefined ? ` ${formatAgo(w.idleMs)}` : ''}: no spans in the last ${formatAgo(w.ms)}`);
  }
  lines.push(
    `Since start: ${stats.count.toLocaleString('en-US')} spans · ${formatPercent(stats.errors / stats.count)} errors · p50 ${formatMs(stats.p50Ms)} · p95 ${formatMs(stats.p95Ms)}`,
    `Services: ${stats.services.map(md).join(', ')}`,
  );
  if (runtimeLocations.length) lines.push(`Emitted at runtime from: ${runtimeLocations.map(md).join(', ')}`);
  const trace = recentTraceLink({ site, summary, stats });
  // The client trusts command links to this command only; its argument is checked there.
  if (trace) lines.push(`[${trace.title[0].toUpperCase()}${trace.title.slice(1)}](command:${OPEN_RECENT_TRACE_COMMAND}?${encodeURIComponent(JSON.stringify([trace.query]))})`);
  if (stats.distinctNames !== undefined) {
    const warn = stats.distinctNames >= CARDINALITY_WARNING ? '⚠ high cardinality: ' : '';
    lines.push(`${warn}${stats.distinctNames} distinct live names, e.g. ${(stats.sampleNames ?? []).map(md).join(', ')}`);
  }
  return lines.join('\n\n');
}

function runtimeRefs(hit: LiveSite, host: HostAccess): { file: string; line?: number }[] {
  const live = host()?.live();
  if (!live) return [];
  const { summary } = hit;
  if (summary.flow && summary.step) return live.stepRefs.get(`${summary.flow}\u0000${summary.step}`) ?? [];
  if (summary.name === null) return [];
  return [...live.names.values()].filter((n) => n.name === summary.name).flatMap((n) => n.codeRefs);
}

/** Escapes Markdown so a hostile span name renders as text. */
export function md(text: string): string {
  return text.slice(0, 200).replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');
}

function contains(r: Range, p: Position): boolean {
  const after = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const before = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return after && before;
}
