import { emptyGraph, type Graph, type GraphDelta } from '/work/main/common/src/graph';
import { launchChromium } from '/work/main/test/webview/support/browser';
import { edge, node, syntheticGraph } from '/work/main/test/webview/support/graphs';
import { startPageServer } from '/work/main/test/webview/support/pageServer';
void emptyGraph;
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
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  for (let r = 1; r <= 8; r++) {
    const v = await page.evaluate('document.body.dataset.version');
    server.push({ type: 'delta', delta: delta(graph, r) });
    await page.waitForFunction((old) => document.body.dataset.version !== old, v);
    await page.waitForTimeout(150);
  }
  const { profile } = await cdp.send('Profiler.stop') as any;
  const self = new Map<string, number>();
  const dt = profile.timeDeltas as number[];
  const byId = new Map(profile.nodes.map((n: any) => [n.id, n]));
  profile.samples.forEach((id: number, i: number) => {
    const n: any = byId.get(id); const f = n.callFrame;
    const k = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    self.set(k, (self.get(k) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  [...self].sort((a, b) => b[1] - a[1]).slice(0, 30).forEach(([k, v]) => console.log(v.toFixed(1).padStart(8), k));
  await browser.close(); await server.close();
})();
