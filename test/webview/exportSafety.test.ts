// Item 7 of the hardening issue: every export (SVG, PNG, Mermaid, DOT, JSON) stays valid
// whatever span names hold: control characters, lone surrogates, non-characters, line
// separators and each format's own syntax. The SVG is parsed as XML (xmldom, and Chromium's
// strict XML parser), the DOT with dotparser, the Mermaid with mermaid.parse in the test
// Chromium, where the real exportShown (bundled from webview/src) also rasterises the PNG.
import { DOMParser as XmlParser } from '@xmldom/xmldom';
import parseDot from 'dotparser';
import { build } from 'esbuild';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { emptyGraph, type Flow, type Graph } from '../../common/src/graph';
import { flowDiagram, mapDiagram, oneLine, safeText, toDot, toJson, toMermaid, toSvg } from '../../webview/src/exporters';
import type { Point } from '../../webview/src/layout/placement';
import { launchChromium } from './support/browser';
import { edge, node } from './support/graphs';

const HOSTILE = [
  'ctl \u0000\u0001\u0008\u000b\u000c\u001b[31m\u001f\u007f\u0085\u009f end',
  'lone high \ud800 low \udc00 reversed \udc00\ud800 end',
  'pair \ud83d\ude00 kept',
  'nonchar \ufffe\uffff end',
  'lines a\r\nb\u2028c\u2029d\te',
  'syntax "q" #1 |pipe| `tick` <b>&amp; \\back\\ trailing\\',
  'end"; } digraph x { a -> b; "',
  'flowchart LR\n  x-->y; click x call alert()',
];
/** Characters outside XML 1.0's Char production (a lone surrogate is such a code point with /u). */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

function hostileGraph(): Graph {
  const g = emptyGraph();
  g.nodes = HOSTILE.map((name, i) => ({ ...node(`service:${i}`, 'service'), name }));
  g.nodes.push({ ...node(`service:${HOSTILE[0]}`, 'service'), name: 'id is hostile too' });
  g.edges = g.nodes.slice(1).map((n, i) => edge(g.nodes[i].id, i % 2 ? 'reads' : 'calls', n.id, 10, 1, [HOSTILE[i % HOSTILE.length]]));
  return g;
}

function hostileFlow(): Flow {
  const step = (name: string) => ({ name, count: 3, errors: 1, p50Ms: 1, p95Ms: 2, p99Ms: 3, services: [name], scopes: [name], spanNames: [name] });
  return {
    name: HOSTILE.join(' / '),
    runs: 3,
    steps: HOSTILE.map(step),
    transitions: HOSTILE.slice(1).map((to, i) => ({ from: HOSTILE[i], to, count: 2 })),
  };
}

const positionsOf = (ids: string[]): Map<string, Point> => new Map(ids.map((id, i) => [id, { x: (i % 4) * 200, y: Math.floor(i / 4) * 150 }]));

describe('exports stay valid whatever span names hold', function () {
  this.timeout(60_000);
  const graph = hostileGraph();
  const flow = hostileFlow();
  const diagrams = [
    { what: 'map', diagram: mapDiagram({ nodes: graph.nodes, edges: graph.edges }) },
    { what: 'flow', diagram: flowDiagram(flow) },
  ];

  it('safeText replaces controls, non-characters and lone surrogates with U+FFFD and keeps surrogate pairs', () => {
    assert.equal(safeText('a\u0000b\u007fc\u009fd'), 'a\uFFFDb\uFFFDc\uFFFDd');
    assert.equal(safeText('x\ud800y\udc00z\udc00\ud800'), 'x\uFFFDy\uFFFDz\uFFFD\uFFFD');
    assert.equal(safeText('\ud83d\ude00 \ufffe'), '\ud83d\ude00 \uFFFD');
    assert.equal(safeText('tab\tnl\ncr\r'), 'tab\tnl\ncr\r', 'XML allows tab, LF and CR (the line formats flatten them)');
  });

  for (const { what, diagram } of diagrams) {
    it(`SVG (${what}): only XML characters, well-formed for an XML parser, every label kept as one line of text`, () => {
      const svg = toSvg(diagram, positionsOf(diagram.nodes.map((n) => n.id)));
      assert.ok(!NOT_XML_CHAR.test(svg), `no character outside XML's Char production: ${JSON.stringify(svg.match(NOT_XML_CHAR))}`);
      const errors: string[] = [];
      const doc = new XmlParser({ onError: (level: string, msg: string) => void (level !== 'warning' && errors.push(`${level}: ${msg}`)) }).parseFromString(svg, 'image/svg+xml');
      assert.deepEqual(errors, []);
      assert.equal(doc.documentElement!.nodeName, 'svg');
      const texts = Array.from(doc.getElementsByTagName('text')).map((t) => t.textContent);
      assert.equal(texts.length, diagram.nodes.length + diagram.edges.length);
      for (const n of diagram.nodes) assert.ok(texts.includes(oneLine(n.label)), `label of ${JSON.stringify(n.id)} is in the SVG`);
      assert.equal(doc.getElementsByTagName('title')[0].textContent, oneLine(diagram.title));
    });

    it(`DOT (${what}): dotparser reads one digraph with every node and edge, labels free of controls and lone surrogates`, () => {
      const dot = toDot(diagram);
      assert.ok(!CONTROL.test(dot.replace(/\n/g, '')) && !LONE_SURROGATE.test(dot));
      const [g] = parseDot(dot);
      assert.equal(g.type, 'digraph');
      const nodes = g.children.filter((c) => c.type === 'node_stmt');
      const edges = g.children.filter((c) => c.type === 'edge_stmt');
      assert.equal(nodes.length, diagram.nodes.length);
      assert.equal(new Set(nodes.map((n) => n.node_id.id)).size, diagram.nodes.length, 'distinct ids stay distinct');
      assert.equal(edges.length, diagram.edges.length);
      for (const n of nodes) {
        const eq = n.attr_list.find((a) => a.id === 'label')?.eq;
        const label = typeof eq === 'object' ? eq.value : String(eq);
        assert.ok(!CONTROL.test(label) && !LONE_SURROGATE.test(label), label);
      }
    });

    it(`Mermaid (${what}): one line per node and edge, nothing unsafe`, () => {
      const m = toMermaid(diagram);
      assert.ok(!CONTROL.test(m.replace(/\n/g, '')) && !LONE_SURROGATE.test(m) && !/[\u2028\u2029]/.test(m));
      assert.equal(m.trim().split('\n').length, 1 + diagram.nodes.length + diagram.edges.length);
    });
  }

  it('JSON: well-formed UTF-8 that parses back to the same strings (controls and lone surrogates escaped)', () => {
    for (const value of [graph, flow]) {
      const json = toJson(value);
      assert.ok(!CONTROL.test(json.replace(/\n/g, '')) && !LONE_SURROGATE.test(json) && !/[\u2028\u2029]/.test(json));
      assert.equal(Buffer.from(json, 'utf8').toString('utf8'), json, 'UTF-8 round trip is lossless');
      assert.deepEqual(JSON.parse(json), JSON.parse(JSON.stringify(value)), 'the same strings, escapes decoded');
    }
  });

  describe('in Chromium: the real exportShown for every format, Mermaid parsed by mermaid.parse', () => {
    let browser: Browser;
    let page: Page;

    before(async () => {
      const bundle = await build({
        stdin: { contents: "import { exportShown } from './webview/src/exportShown'; (globalThis as any).exportShown = exportShown;", resolveDir: join(__dirname, '..', '..'), loader: 'ts' },
        bundle: true, write: false, format: 'iife', platform: 'browser', target: 'chrome120', logLevel: 'silent',
      });
      browser = await launchChromium();
      page = await browser.newPage();
      await page.setContent('<!doctype html><html><body></body></html>');
      await page.addScriptTag({ content: bundle.outputFiles[0].text });
      await page.addScriptTag({ path: require.resolve('mermaid/dist/mermaid.min.js') });
      await page.evaluate(() => (globalThis as unknown as { mermaid: { initialize(o: object): void } }).mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' }));
    });
    after(async () => {
      await browser?.close();
    });

    const sources = (): { what: string; source: unknown }[] => [
      { what: 'map', source: { kind: 'map', graph, visible: { nodes: graph.nodes, edges: graph.edges }, positions: [...positionsOf(graph.nodes.map((n) => n.id))] } },
      { what: 'flow', source: { kind: 'flow', flow, positions: [...positionsOf(flow.steps.map((s) => s.name))] } },
    ];

    async function exportIn(source: unknown, format: string): Promise<{ text: string | null; dataUrl: string; mime: string; error?: string }> {
      return page.evaluate(async ([src, fmt]) => {
        const s = src as { positions: [string, unknown][] };
        const exportShown = (globalThis as unknown as { exportShown: (s: unknown, f: string) => Promise<{ text: string | null; dataUrl: string; mime: string }> }).exportShown;
        try {
          return await exportShown({ ...s, positions: new Map(s.positions) }, fmt);
        } catch (err) {
          return { text: null, dataUrl: '', mime: '', error: String(err) };
        }
      }, [source, format] as const);
    }

    it('strict XML parser (sanity): Chromium refuses a raw control character, so the check below means something', async () => {
      const bad = await page.evaluate(() => new DOMParser().parseFromString('<svg xmlns="http://www.w3.org/2000/svg"><text>\u0001</text></svg>', 'image/svg+xml').getElementsByTagName('parsererror').length);
      assert.ok(bad > 0);
    });

    for (const { what, source } of sources()) {
      it(`${what}: SVG parses as XML in Chromium, PNG rasterises, DOT/JSON/Mermaid data URLs build, mermaid.parse accepts the flowchart`, async () => {
        const svg = await exportIn(source, 'svg');
        assert.equal(svg.error, undefined);
        const parseErrors = await page.evaluate((text) => {
          const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
          return doc.getElementsByTagName('parsererror').length ? doc.documentElement.textContent : '';
        }, svg.text!);
        assert.equal(parseErrors, '');
        const png = await exportIn(source, 'png');
        assert.equal(png.error, undefined);
        assert.match(png.dataUrl, /^data:image\/png;base64,/);
        assert.ok(png.dataUrl.length > 2000, 'a real image');
        for (const format of ['dot', 'json']) {
          const r = await exportIn(source, format);
          assert.equal(r.error, undefined, format);
          assert.ok(r.dataUrl.length > 100);
        }
        const mmd = await exportIn(source, 'mermaid');
        assert.equal(mmd.error, undefined);
        const parsed = await page.evaluate(async (text) => {
          try {
            const r = await (globalThis as unknown as { mermaid: { parse(t: string): Promise<{ diagramType: string } | false> } }).mermaid.parse(text);
            return r ? r.diagramType : 'false';
          } catch (err) {
            return `error: ${String(err)}`;
          }
        }, mmd.text!);
        assert.match(parsed, /^flowchart/);
      });
    }

    it('mermaid.parse (sanity): an unescaped quote in a label is refused, so the check above means something', async () => {
      const parsed = await page.evaluate(async () => {
        try {
          await (globalThis as unknown as { mermaid: { parse(t: string): Promise<unknown> } }).mermaid.parse('flowchart LR\n  n0(["a "q" b"])\n');
          return 'accepted';
        } catch {
          return 'refused';
        }
      });
      assert.equal(parsed, 'refused');
    });
  });
});
