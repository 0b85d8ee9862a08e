import type { Graph, GraphDelta } from '/work/main/common/src/graph';
import { launchChromium } from '/work/main/test/webview/support/browser';
import { edge, node, syntheticGraph } from '/work/main/test/webview/support/graphs';
import { startPageServer } from '/work/main/test/webview/support/pageServer';
function delta(graph: Graph, round: number): GraphDelta {
  const changed = graph.edges.slice(0, 50).map((e) => ({ ...e, count: e.count + round * 7, lastSeen: e.lastSeen + round * 1000 }));
  const services = graph.nodes.filter((n) => n.kind === 'service');
  const fresh = Array.from({ length: 3 }, (_, i) => node(`service:new-${round}-${i}`, 'service', 10));
  const freshEdges = fresh.map((n, i) => edge(services[(round * 7 + i) % services.length].id, 'calls', n.id, 5));
  return { nodes: fresh, edges: [...changed, ...freshEdges], flows: [], removedNodeIds: [], removedEdgeIds: [], removedFlowNames: [], stats: graph.stats };
}
(async () => {
  const N = Number(process.argv[2] ?? 1000);
  const graph = syntheticGraph(N);
  const server = await startPageServer({ type: 'init', host: 'browser', graph, receiver: { state: 'listening' }, sites: [] });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(server.url);
  await page.waitForSelector('.map-stage[data-settling="false"]', { timeout: 120000 });
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  for (let r = 1; r <= 8; r++) {
    const v = await page.evaluate('document.body.dataset.version');
    server.push({ type: 'delta', delta: delta(graph, r) });
    await page.waitForFunction((old) => document.body.dataset.version !== old, v);
    await page.waitForTimeout(150); console.log(await page.getAttribute("canvas", "data-draw"), await page.getAttribute("canvas", "data-draw-ms"));
  }
  const buf = await browser.stopTracing();
  const ev = JSON.parse(buf.toString()).traceEvents as any[];
  const tot = new Map<string, number>();
  for (const e of ev) if (e.ph === 'X' && e.dur) tot.set(e.name, (tot.get(e.name) ?? 0) + e.dur / 1000);
  [...tot].sort((a, b) => b[1] - a[1]).slice(0, 25).forEach(([k, v]) => console.log((v/8).toFixed(2).padStart(8), k));
  await browser.close(); await server.close();
})();
