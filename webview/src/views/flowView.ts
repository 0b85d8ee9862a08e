// The flow view: a list of flows with run counts, and the chosen flow's steps as a
// left-to-right layered graph with transition counts, per-step latency, errors, services
// and (with coverage on) steps that no code site explains.

import { create, select, type Selection } from 'd3';
import type { Flow, FlowStep } from '../../../common/src/graph';
import type { FlowRun } from '../../../common/src/telemetry';
import { stepKey } from '../codeLinks';
import { formatCount, formatMs, formatPercent, health } from '../format';
import { layeredLayout, transitionKey } from '../layout/layered';
import { directionOfKey, nearestInDirection } from '../layout/navigation';
import type { Point } from '../layout/placement';
import { runLabel, runPath, type RunPath } from '../runs';
import { button, el } from './dom';

const STEP_W = 200;
const STEP_H = 74;
const LAYER_GAP = 56;
const ROW_GAP = 34;
const PAD = 20;
const MIN_SCALE = 0.7;

export interface FlowViewEvents {
  chooseFlow(name: string): void;
  selectStep(flow: string, step: string): void;
  /** null = all runs. */
  chooseRun(runId: string | null): void;
}

export interface FlowViewState {
  flows: Flow[];
  flow: Flow | undefined;
  selectedStep: string | null;
  coverage: boolean;
  stepsWithoutSite: Set<string>;
  isFresh(id: string): boolean;
  /** The flow's latest runs, newest first. */
  runs: FlowRun[];
  /** The run whose path is highlighted, if any. */
  selectedRun: FlowRun | null;
}

export class FlowView {
  readonly element: HTMLDivElement;
  private readonly list: HTMLUListElement;
  private readonly canvas: HTMLDivElement;
  private readonly empty: HTMLDivElement;
  private positions = new Map<string, Point>();
  private flowName = '';
  /** True when the shown flow runs top to bottom (a narrow pane). */
  private vertical = false;

  constructor(private readonly events: FlowViewEvents) {
    this.element = document.createElement('div');
    this.element.className = 'flow-stage';
    const aside = document.createElement('nav');
    aside.className = 'flow-list';
    aside.setAttribute('aria-label', 'Flows');
    const heading = document.createElement('h2');
    heading.textContent = 'Flows';
    this.list = document.createElement('ul');
    aside.append(heading, this.list);
    this.canvas = document.createElement('div');
    this.canvas.className = 'flow-canvas';
    this.empty = document.createElement('div');
    this.empty.className = 'empty flow-empty';
    this.element.append(aside, this.canvas);
  }

  render(state: FlowViewState): void {
    this.renderList(state);
    const flow = state.flow;
    this.canvas.replaceChildren();
    if (!flow) {
      this.renderEmpty(state.flows.length > 0);
      return;
    }
    this.flowName = flow.name;
    const path = state.selectedRun ? runPath(state.selectedRun) : null;
    const svg = this.renderGraph(flow, state, path);
    this.canvas.append(this.runSelect(state), svg);
    fitWidth(svg, this.canvas.clientWidth);
    this.canvas.append(this.stepTable(flow, state));
  }

  /** Step centres of the flow on screen (for export). */
  stepPositions(): ReadonlyMap<string, Point> {
    return this.positions;
  }

  focusStep(step: string): void {
    const el = this.canvas.querySelector<SVGGElement>(`g.step[data-step="${CSS.escape(step)}"]`);
    el?.focus();
    el?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  /** The steps as text, in layer order: a readable summary and a text alternative to the graph. */
  private stepTable(flow: Flow, state: FlowViewState): HTMLElement {
    const order = [...this.positions.entries()].sort((a, b) => (this.vertical ? a[1].y - b[1].y || a[1].x - b[1].x : a[1].x - b[1].x || a[1].y - b[1].y)).map(([name]) => name);
    const byName = new Map(flow.steps.map((s) => [s.name, s] as const));
    const head = el('tr', {}, ['Step', 'Services', 'Spans', 'Errors', 'p50', 'p95', 'p99'].map((h) => el('th', { text: h, attrs: { scope: 'col' } })));
    const rows = order.map((name) => {
      const s = byName.get(name)!;
      const noSite = state.coverage && state.stepsWithoutSite.has(stepKey(flow.name, name));
      return el('tr', { class: s.name === state.selectedStep ? 'is-selected' : '', attrs: { 'data-step': s.name } }, [
        // Long, high-cardinality step names are cut with an ellipsis; the whole name is the tooltip.
        el('td', { class: 'step-cell', attrs: { title: s.name } }, [button(s.name, () => this.events.selectStep(flow.name, s.name), 'link'), ...(noSite ? [el('span', { class: 'tag tag-missing', text: 'no code' })] : [])]),
        el('td', { class: 'services-cell', text: s.services.join(', '), attrs: { title: s.services.join(', ') } }),
        el('td', { class: 'num', text: formatCount(s.count) }),
        el('td', { class: 'num', text: `${formatCount(s.errors)} (${formatPercent(s.errors, s.count)})` }),
        el('td', { class: 'num', text: formatMs(s.p50Ms) }),
        el('td', { class: 'num', text: formatMs(s.p95Ms) }),
        el('td', { class: 'num', text: formatMs(s.p99Ms) }),
      ]);
    });
    return el('table', { class: 'step-table' }, [el('caption', { text: `${flow.name}: ${flow.steps.length} steps, ${formatCount(flow.runs)} runs` }), el('thead', {}, [head]), el('tbody', {}, rows)]);
  }

  /** "All runs" plus the latest runs; option text and values are set as text, never parsed. */
  private runSelect(state: FlowViewState): HTMLElement {
    const select = el('select', { class: 'run-select', attrs: { 'aria-label': 'Highlight one run' } });
    const all = el('option', { text: `All runs (${state.runs.length} recent)` });
    all.value = '';
    select.append(all);
    for (const run of state.runs) {
      const o = el('option', { text: runLabel(run), attrs: run.error ? { 'data-error': 'true' } : {} });
      o.value = run.runId;
      select.append(o);
    }
    select.value = state.selectedRun?.runId ?? '';
    select.addEventListener('change', () => this.events.chooseRun(select.value === '' ? null : select.value));
    return el('label', { class: 'run-picker' }, ['Run ', select]);
  }

  private renderList(state: FlowViewState): void {
    select(this.list)
      .selectAll<HTMLLIElement, Flow>('li')
      .data(state.flows, (f) => f.name)
      .join((enter) => {
        const li = enter.append('li');
        const b = li.append('button').attr('type', 'button').attr('class', 'flow-item');
        b.append('span').attr('class', 'flow-name');
        b.append('span').attr('class', 'flow-runs');
        b.on('click', (_e: MouseEvent, f) => this.events.chooseFlow(f.name));
        return li;
      })
      .select('button')
      .attr('data-flow', (f) => f.name)
      .attr('title', (f) => `${f.name} · ${formatCount(f.runs)} runs`)
      .attr('aria-pressed', (f) => String(f.name === state.flow?.name))
      .call((b) => b.select('.flow-name').text((f) => f.name))
      .call((b) => b.select('.flow-runs').text((f) => `${formatCount(f.runs)} runs`));
  }

  private renderEmpty(hasFlows: boolean): void {
    this.empty.replaceChildren();
    const p = document.createElement('p');
    const code = document.createElement('code');
    if (hasFlows) {
      p.textContent = 'Pick a flow on the left to see its steps.';
    } else {
      p.textContent = 'No business flows seen yet. Mark the spans of a flow with attributes, for example ';
      code.textContent = "span.setAttributes({ 'coordimap.flow.name': 'checkout.place_order', 'coordimap.flow.step': 'checkout.validate_cart', 'coordimap.flow.run_id': orderId })";
      p.append(code);
    }
    this.empty.append(p);
    this.canvas.append(this.empty);
  }

  private renderGraph(flow: Flow, state: FlowViewState, path: RunPath | null): SVGSVGElement {
    const names = flow.steps.map((s) => s.name);
    const layout = layeredLayout(names, flow.transitions);
    const widest = Math.max(1, ...layout.layers.map((l) => l.length));
    const wide = PAD * 2 + layout.layers.length * STEP_W + Math.max(0, layout.layers.length - 1) * LAYER_GAP;
    // A flow too wide for the pane even at the smallest readable scale runs top to bottom instead.
    const available = this.canvas.clientWidth;
    this.vertical = available > 0 && wide * MIN_SCALE > available - 8 && layout.layers.length > 1;
    const across = this.vertical ? STEP_W : STEP_H;
    const acrossGap = this.vertical ? 24 : ROW_GAP;
    const along = this.vertical ? STEP_H : STEP_W;
    const extent = PAD * 2 + widest * across + (widest - 1) * acrossGap;
    const length = PAD * 2 + layout.layers.length * along + Math.max(0, layout.layers.length - 1) * LAYER_GAP;
    const [width, height] = this.vertical ? [extent, length] : [length, extent];
    this.positions = new Map();
    layout.layers.forEach((layer, li) => {
      const layerExtent = layer.length * across + (layer.length - 1) * acrossGap;
      layer.forEach((name, i) => {
        const a = PAD + li * (along + LAYER_GAP) + along / 2;
        const b = (extent - layerExtent) / 2 + i * (across + acrossGap) + across / 2;
        this.positions.set(name, this.vertical ? { x: b, y: a } : { x: a, y: b });
      });
    });

    const svg = create('svg')
      .attr('class', `flow-svg${path ? ' has-run' : ''}`)
      .attr('role', 'group')
      .attr('aria-label', `Flow ${flow.name}: ${flow.steps.length} steps, ${flow.runs} runs`)
      .attr('data-flow', flow.name)
      .attr('viewBox', `0 0 ${width} ${height + 30}`)
      .attr('width', width)
      .attr('height', height + 30);
    svg.append('defs').append('marker').attr('id', 'flow-arrow').attr('viewBox', '0 0 10 10').attr('refX', 9).attr('refY', 5).attr('markerWidth', 9).attr('markerHeight', 9).attr('markerUnits', 'userSpaceOnUse').attr('orient', 'auto').append('path').attr('d', 'M0,0L10,5L0,10z');

    const edges = svg.append('g').attr('class', 'transitions');
    for (const t of flow.transitions) {
      const a = this.positions.get(t.from);
      const b = this.positions.get(t.to);
      if (!a || !b || t.from === t.to) continue;
      const back = layout.backEdges.has(transitionKey(t)) || (this.vertical ? b.y <= a.y : b.x <= a.x);
      const onRun = path?.transitions.has(transitionKey(t)) ?? false;
      const g = edges.append('g').attr('class', `transition${back ? ' is-back' : ''}${onRun ? ' on-run' : ''}`).attr('data-from', t.from).attr('data-to', t.to);
      if (path) g.attr('data-on-run', String(onRun));
      const [d, lx, ly] = this.vertical ? (back ? backPathDown(a, b) : forwardPathDown(a, b)) : back ? backPath(a, b) : forwardPath(a, b);
      g.append('path').attr('d', d).attr('marker-end', 'url(#flow-arrow)');
      g.append('text').attr('class', 'transition-count').attr('x', lx).attr('y', ly).attr('text-anchor', 'middle').text(formatCount(t.count));
    }

    const steps = svg.append('g').attr('class', 'steps');
    const byName = new Map(flow.steps.map((s) => [s.name, s] as const));
    for (const name of names) {
      const step = byName.get(name)!;
      const p = this.positions.get(name)!;
      const noSite = state.stepsWithoutSite.has(stepKey(flow.name, name));
      this.renderStep(steps, step, p, {
        selected: state.selectedStep === name,
        noSite: state.coverage && noSite,
        fresh: state.isFresh(stepKey(flow.name, name)),
        order: layout.layerOf.get(name)!,
        onRun: path ? path.steps.has(name) : undefined,
      });
    }
    return svg.node()!;
  }

  private renderStep(parent: Selection<SVGGElement, undefined, null, undefined>, step: FlowStep, p: Point, flags: { selected: boolean; noSite: boolean; fresh: boolean; order: number; onRun: boolean | undefined }): void {
    const h = health(step.errors, step.count);
    const g = parent
      .append('g')
      .attr('class', `step health-${h}${flags.selected ? ' is-selected' : ''}${flags.noSite ? ' no-site' : ''}${flags.fresh ? ' is-fresh' : ''}`)
      .attr('data-step', step.name)
      .attr('data-layer', flags.order)
      .attr('tabindex', 0)
      .attr('role', 'button')
      .attr('aria-pressed', String(flags.selected))
      .attr('aria-label', `Step ${step.name}, services ${step.services.join(', ') || 'unknown'}, ${step.count} spans, ${step.errors} errors, p95 ${formatMs(step.p95Ms)}${flags.noSite ? ', no code site found' : ''}`)
      .attr('transform', `translate(${p.x - STEP_W / 2},${p.y - STEP_H / 2})`);
    if (flags.onRun !== undefined) g.classed('on-run', flags.onRun).attr('data-on-run', String(flags.onRun));
    g.append('rect').attr('class', 'step-box').attr('width', STEP_W).attr('height', STEP_H).attr('rx', 7);
    g.append('rect').attr('class', 'step-health').attr('width', 5).attr('height', STEP_H).attr('rx', 2);
    g.append('text').attr('class', 'step-name').attr('x', 14).attr('y', 22).text(truncate(step.name, 24));
    g.append('text').attr('class', 'step-service').attr('x', 14).attr('y', 41).text(truncate(step.services.join(', ') || '(unknown service)', 26));
    const errors = step.errors ? ` · ${formatPercent(step.errors, step.count)} err` : '';
    g.append('text').attr('class', 'step-stats').attr('x', 14).attr('y', 60).text(`${formatCount(step.count)} · p95 ${formatMs(step.p95Ms)}${errors}`);
    if (flags.noSite) g.append('text').attr('class', 'step-badge').attr('x', STEP_W - 8).attr('y', 16).attr('text-anchor', 'end').text('no code');
    g.append('title').text(step.name);
    g.on('click', () => this.events.selectStep(this.flowName, step.name));
    g.on('keydown', (event: KeyboardEvent) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        this.events.selectStep(this.flowName, step.name);
        return;
      }
      const dir = directionOfKey(event.key);
      if (!dir) return;
      event.preventDefault();
      const next = nearestInDirection(step.name, this.positions, dir);
      if (next) this.focusStep(next);
    });
  }
}

/** Shrinks a wide flow to the available width, but never below a readable scale (then it scrolls). */
function fitWidth(svg: SVGSVGElement, available: number): void {
  const width = Number(svg.getAttribute('width'));
  const height = Number(svg.getAttribute('height'));
  if (!available || !width) return;
  const scale = Math.min(1, Math.max(MIN_SCALE, (available - 8) / width));
  svg.setAttribute('width', String(Math.round(width * scale)));
  svg.setAttribute('height', String(Math.round(height * scale)));
}

function forwardPath(a: Point, b: Point): [string, number, number] {
  const x1 = a.x + STEP_W / 2;
  const x2 = b.x - STEP_W / 2 - 2;
  const mx = (x1 + x2) / 2;
  return [`M${x1},${a.y}C${mx},${a.y} ${mx},${b.y} ${x2},${b.y}`, mx, (a.y + b.y) / 2 - 6];
}

/** Cycles (retries, loops) go back under the steps. */
function backPath(a: Point, b: Point): [string, number, number] {
  const y = Math.max(a.y, b.y) + STEP_H / 2 + 22;
  const x1 = a.x;
  const x2 = b.x;
  return [`M${x1},${a.y + STEP_H / 2}C${x1},${y} ${x2},${y} ${x2},${b.y + STEP_H / 2 + 2}`, (x1 + x2) / 2, y - 2];
}

function forwardPathDown(a: Point, b: Point): [string, number, number] {
  const y1 = a.y + STEP_H / 2;
  const y2 = b.y - STEP_H / 2 - 2;
  const my = (y1 + y2) / 2;
  return [`M${a.x},${y1}C${a.x},${my} ${b.x},${my} ${b.x},${y2}`, (a.x + b.x) / 2 + 16, my + 4];
}

/** Cycles go back up on the right of the steps. */
function backPathDown(a: Point, b: Point): [string, number, number] {
  const x = Math.max(a.x, b.x) + STEP_W / 2 + 22;
  const x1 = a.x + STEP_W / 2;
  const x2 = b.x + STEP_W / 2 + 2;
  return [`M${x1},${a.y}C${x},${a.y} ${x},${b.y} ${x2},${b.y}`, x + 4, (a.y + b.y) / 2];
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
