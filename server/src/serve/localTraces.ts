// The local receiver's trace store as a trace source (what `serve` answers GET /api/traces,
// /api/traces/{traceId} and the webview's trace requests from when no other trace source is
// configured), and any trace source's traces with each span's code line from the workspace.

import { DEFAULT_SETTINGS } from '../../../common/src/settings';
import { withCode } from '../link/traceCode';
import { RuntimePathResolver } from '../link/workspacePaths';
import type { TelemetryHost } from '../telemetry/host';
import type { TraceSource } from '../telemetry/sources';
import { sanitizeTraceQuery } from '../../../common/src/queries';
import type { SiteSource } from './workspaceSites';

export function localTraceSource(host: TelemetryHost): TraceSource {
  return {
    name: 'local',
    traces: (q) => host.traces(sanitizeTraceQuery(q)),
    trace: (traceId) => host.trace(traceId),
    status: () => {
      const s = host.status();
      return { source: 'local', state: s.state === 'listening' ? 'ok' : 'error', failures: 0, ...(s.message ? { message: s.message } : {}) };
    },
  };
}

/**
 * The source with `code` on each span of a trace: the analyzer's site, else the span's code.*
 * attributes mapped to a file of `workspace` (never outside it).
 */
export function withSiteCode(source: TraceSource, sites: SiteSource | undefined, workspace: string | undefined, attributePrefix = DEFAULT_SETTINGS.analysis.attributePrefix): TraceSource {
  const runtimePaths = workspace ? new RuntimePathResolver(() => [workspace]) : undefined;
  return {
    name: source.name,
    traces: (q) => source.traces(q),
    trace: async (traceId) => {
      const trace = await source.trace(traceId);
      return trace && withCode(trace, { sites: sites?.current() ?? [], attributePrefix, resolve: (path) => runtimePaths?.resolve(path)?.relative });
    },
    status: () => source.status(),
  };
}
