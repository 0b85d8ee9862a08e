// Hover on a span name: its flow and step, services, latency, runtime code locations, and a
// cardinality warning when a dynamic name yields many distinct live names. Span data is
// untrusted: every value is escaped before it goes into Markdown.

import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import type { Range } from '../analysis/types';
import { formatMs, formatPercent } from '../link/liveMatch';
import { RuntimePathResolver } from '../link/workspacePaths';
import type { ServerContext, SiteIndexSource } from './context';
import { liveSitesOf, type LiveSite } from './liveSites';
import type { HostAccess } from './receiverBridge';

const CARDINALITY_WARNING = 20;

export function registerHover(ctx: ServerContext, siteIndex: SiteIndexSource, host: HostAccess): void {
  const resolver = new RuntimePathResolver(() => ctx.workspaceFolders());
  ctx.onWorkspaceFoldersChanged(() => resolver.invalidate());
  ctx.connection.onHover((params): Hover | null => {
    const hit = liveSitesOf(params.textDocument.uri, ctx, siteIndex, host).find((s) => contains(s.site.name?.range ?? s.site.headRange ?? s.site.range, params.position));
    if (!hit) return null;
    const refs = runtimeRefs(hit, host).flatMap((r) => {
      const file = resolver.resolve(r.file);
      return file ? [`${file.relative}${r.line ? `:${r.line}` : ''}`] : [];
    });
    return { contents: { kind: MarkupKind.Markdown, value: hoverMarkdown(hit, refs) }, range: hit.site.name?.range };
  });
}

export function hoverMarkdown({ summary, stats }: LiveSite, runtimeLocations: string[]): string {
  const lines = ['**OTel Flow Map**'];
  if (summary.flow) lines.push(`Flow ${md(summary.flow)}${summary.step ? ` · step ${md(summary.step)}` : ''}`);
  if (!stats || stats.count === 0) {
    lines.push('Not seen live yet.');
    return lines.join('\n\n');
  }
  lines.push(
    `${stats.count.toLocaleString('en-US')} spans · ${formatPercent(stats.errors / stats.count)} errors · p50 ${formatMs(stats.p50Ms)} · p95 ${formatMs(stats.p95Ms)}`,
    `Services: ${stats.services.map(md).join(', ')}`,
  );
  if (runtimeLocations.length) lines.push(`Emitted at runtime from: ${runtimeLocations.map(md).join(', ')}`);
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
