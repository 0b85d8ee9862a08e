// Export exactly what is shown: the map's visible nodes and edges (after the window, filters
// and focus) at their drawn positions, or the shown flow's steps.

import type { Flow, Graph } from '../../common/src/graph';
import { flowDiagram, mapDiagram, toDot, toJson, toMermaid, toSvg, type Diagram } from './exporters';
import type { VisibleGraph } from './filters';
import type { Point } from './layout/placement';
import { svgToPng, textDataUrl, type ExportResult } from './views/exportDialog';
import type { ExportFormat } from './views/toolbar';

export type ExportSource =
  | { kind: 'map'; graph: Graph; visible: VisibleGraph; positions: ReadonlyMap<string, Point> }
  | { kind: 'flow'; flow: Flow | undefined; positions: ReadonlyMap<string, Point> };

export async function exportShown(source: ExportSource, format: ExportFormat): Promise<ExportResult> {
  let diagram: Diagram;
  let json: string;
  let name: string;
  if (source.kind === 'flow' && source.flow) {
    diagram = flowDiagram(source.flow);
    json = toJson(source.flow);
    name = `flow-${source.flow.name}`;
  } else if (source.kind === 'map') {
    diagram = mapDiagram(source.visible);
    json = toJson(source.graph);
    name = 'service-map';
  } else {
    diagram = { title: 'Flow', nodes: [], edges: [] };
    json = '{}\n';
    name = 'flow';
  }
  const slug = name.replace(/[^a-zA-Z0-9_.-]+/g, '_').slice(0, 80);
  const text = (t: string, ext: string, mime: string): ExportResult => ({ format, filename: `${slug}.${ext}`, mime, text: t, dataUrl: textDataUrl(t, mime) });
  switch (format) {
    case 'svg':
      return text(toSvg(diagram, source.positions), 'svg', 'image/svg+xml');
    case 'png':
      return { format, filename: `${slug}.png`, mime: 'image/png', text: null, dataUrl: await svgToPng(toSvg(diagram, source.positions)) };
    case 'mermaid':
      return text(toMermaid(diagram), 'mmd', 'text/plain');
    case 'dot':
      return text(toDot(diagram), 'dot', 'text/vnd.graphviz');
    case 'json':
      return text(json, 'json', 'application/json');
    default: {
      const never: never = format;
      return never;
    }
  }
}
