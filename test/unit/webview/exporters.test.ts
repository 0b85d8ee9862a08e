import assert from 'node:assert/strict';
import type { Flow } from '../../../common/src/graph';
import { flowDiagram, mapDiagram, toDot, toJson, toMermaid, toSvg, xml } from '../../../webview/src/exporters';
import type { Point } from '../../../webview/src/layout/placement';
import { edge, node } from '../../webview/support/graphs';

const HOSTILE = '<img src=x onerror=window.__xss=1> "quoted" #1\nnext';

function diagram() {
  return mapDiagram({
    nodes: [node('service:web', 'service'), node(`service:${HOSTILE}`, 'service'), node('database:pg:orders', 'database', 5, 0, 'postgresql'), node('queue:kafka:orders', 'queue'), node('external:stripe', 'external')],
    edges: [edge('service:web', 'calls', `service:${HOSTILE}`, 10, 2), edge('service:web', 'reads', 'database:pg:orders'), edge('service:web', 'publishes', 'queue:kafka:orders'), edge('service:web', 'calls', 'external:stripe'), edge('service:web', 'calls', 'service:missing')],
  });
}

describe('webview exporters', () => {
  it('Mermaid: a flowchart with one line per node and edge, shapes by kind, hostile text escaped', () => {
    const m = toMermaid(diagram());
    const lines = m.trim().split('\n');
    assert.equal(lines[0], 'flowchart LR');
    assert.equal(lines.length, 1 + 5 + 4, 'edges to unknown nodes are dropped');
    assert.match(m, /n0\(\["web"\]\)/);
    assert.match(m, /n2\[\("pg:orders"\)\]/);
    assert.match(m, /n0 -\.->\|"reads 100, p95 48\.0 ms"\| n2/);
    assert.ok(!m.includes('<img'));
    assert.ok(m.includes('#lt;img src=x onerror=window.__xss=1#gt; #quot;quoted#quot; #35;1 next'));
  });

  it('DOT: a digraph with quoted, escaped ids and labels', () => {
    const d = toDot(diagram());
    assert.match(d, /^digraph "Service map" \{/);
    assert.match(d, /"database:pg:orders" \[label="pg:orders", shape=cylinder\];/);
    assert.ok(d.includes('\\"quoted\\"'));
    assert.ok(!d.includes('\nnext') && d.includes('#1 next'), 'newlines in labels are flattened');
    assert.equal((d.match(/->/g) ?? []).length, 4);
    assert.ok(d.trim().endsWith('}'));
  });

  it('SVG: a well-formed document with escaped text that skips unplaced nodes', () => {
    const positions = new Map<string, Point>([
      ['service:web', { x: 0, y: 0 }],
      [`service:${HOSTILE}`, { x: 200, y: 50 }],
      ['database:pg:orders', { x: 100, y: 200 }],
    ]);
    const svg = toSvg(diagram(), positions);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="-80 -80 360 360"/);
    assert.ok(svg.includes('&#60;img src=x onerror=window.__xss=1&#62; &#34;quoted&#34;'));
    assert.ok(!svg.includes('<img'));
    assert.equal((svg.match(/<circle /g) ?? []).length, 2);
    assert.equal((svg.match(/<line /g) ?? []).length, 2);
    assert.ok(svg.trim().endsWith('</svg>'));
    // Balanced tags: every opened element is closed.
    const opened = (svg.match(/<(g|svg|defs|marker|text|title)\b/g) ?? []).length;
    const closed = (svg.match(/<\/(g|svg|defs|marker|text|title)>/g) ?? []).length;
    assert.equal(opened, closed);
    assert.ok(!/<style|style=/.test(svg), 'no styles: renders under a strict CSP');
  });

  it('flow diagrams carry steps, services and transition counts; JSON round-trips', () => {
    const flow: Flow = { name: 'checkout.place_order', runs: 2, steps: [{ name: 'a', count: 2, errors: 0, p50Ms: 1, p95Ms: 1, p99Ms: 1, services: ['web'], scopes: [], spanNames: [] }, { name: 'b', count: 2, errors: 2, p50Ms: 1, p95Ms: 1, p99Ms: 1, services: ['pay'], scopes: [], spanNames: [] }], transitions: [{ from: 'a', to: 'b', count: 2 }] };
    const d = flowDiagram(flow);
    assert.deepEqual(d.nodes.map((n) => [n.label, n.health]), [['a (web)', 'ok'], ['b (pay)', 'bad']]);
    assert.match(toMermaid(d), /n0 -->\|"2"\| n1/);
    assert.deepEqual(JSON.parse(toJson(flow)), flow);
  });

  it('xml() escapes all five special characters', () => {
    assert.equal(xml(`<&>"'`), '&#60;&#38;&#62;&#34;&#39;');
  });
});
