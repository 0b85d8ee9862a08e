// The toolbar: view tabs, search and filters, coverage, compare, pause, export and receiver status.
// Built once; update() only syncs values so typing in the search box is never interrupted.

import type { Relation, SnapshotInfo } from '../../../common/src/graph';
import { snapshotLabel } from '../compare';
import type { ReceiverStatus } from '../../../common/src/telemetry';
import { RELATIONS, WINDOWS, type Filters, type UiState, type ViewName } from '../uiState';
import { button, el } from './dom';

export type ExportFormat = 'svg' | 'png' | 'mermaid' | 'dot' | 'json';

export interface ToolbarEvents {
  view(view: ViewName): void;
  filters(change: Partial<Filters>): void;
  coverage(on: boolean): void;
  /** A snapshot time to compare the live map with, or null for off. */
  compare(since: number | null): void;
  /** The Compare list is about to open: time to refresh the snapshot list. */
  snapshotsWanted(): void;
  paused(on: boolean): void;
  /** A recent window to show, in ms, or null for everything since start. */
  window(windowMs: number | null): void;
  export(format: ExportFormat): void;
  fit(): void;
}

/** Names of node ids, for the focus chip. */
export type NodeName = (id: string) => string;

export interface ToolbarInput {
  ui: UiState;
  services: string[];
  flows: string[];
  receiver: ReceiverStatus;
  spansPerSecond: number;
  pendingUpdates: number;
  /** Snapshots to compare with, newest first. */
  snapshots: SnapshotInfo[];
  compareSince: number | null;
  nodeName: NodeName;
}

const VIEWS: Array<[ViewName, string]> = [
  ['map', 'Map'],
  ['flow', 'Flows'],
  ['table', 'Table'],
];

export class Toolbar {
  readonly element: HTMLElement;
  private readonly tabs = new Map<ViewName, HTMLButtonElement>();
  private readonly search: HTMLInputElement;
  private readonly service: HTMLSelectElement;
  private readonly flow: HTMLSelectElement;
  private readonly relations = new Map<Relation, HTMLInputElement>();
  private readonly externals: HTMLInputElement;
  private readonly attribute: HTMLInputElement;
  private readonly minRate: HTMLInputElement;
  private readonly focusChip: HTMLElement;
  private readonly focusLabel: HTMLSpanElement;
  private readonly coverage: HTMLInputElement;
  private readonly compare: HTMLSelectElement;
  /** Snapshot times the Compare options were built from (labels are relative to that moment); null before the first build. */
  private compareTimes: string | null = null;
  private readonly window: HTMLSelectElement;
  private readonly pause: HTMLButtonElement;
  private readonly status: HTMLSpanElement;

  constructor(events: ToolbarEvents) {
    const tabs = el('div', { class: 'tabs', attrs: { role: 'group', 'aria-label': 'View' } });
    for (const [view, label] of VIEWS) {
      const b = button(label, () => events.view(view), 'tab', { 'data-view': view });
      this.tabs.set(view, b);
      tabs.append(b);
    }
    this.search = el('input', { class: 'search', attrs: { type: 'search', placeholder: 'Search services, spans…', 'aria-label': 'Search' } });
    this.search.addEventListener('input', () => events.filters({ search: this.search.value }));
    this.service = el('select', { class: 'filter-service', attrs: { 'aria-label': 'Service' } });
    this.service.addEventListener('change', () => events.filters({ service: this.service.value }));
    this.flow = el('select', { class: 'filter-flow', attrs: { 'aria-label': 'Flow' } });
    this.flow.addEventListener('change', () => events.filters({ flow: this.flow.value }));

    const rels = el('fieldset', { class: 'relations' }, [el('legend', { class: 'sr-only', text: 'Relations' })]);
    for (const r of RELATIONS) {
      const input = el('input', { attrs: { type: 'checkbox', 'data-relation': r } });
      input.addEventListener('change', () => events.filters({ hiddenRelations: RELATIONS.filter((x) => !this.relations.get(x)!.checked) }));
      this.relations.set(r, input);
      rels.append(el('label', { class: `chip rel-${r}` }, [input, el('span', { class: 'swatch' }), r]));
    }
    this.externals = el('input', { attrs: { type: 'checkbox', 'data-filter': 'hide-externals' } });
    this.externals.addEventListener('change', () => events.filters({ hideExternals: this.externals.checked }));
    this.attribute = el('input', {
      class: 'filter-attribute',
      attrs: { type: 'search', placeholder: 'key=value', 'aria-label': 'Attribute filter (key=value)', title: 'Only traffic with this resource or span attribute, e.g. deployment.environment=staging or http.route=/orders/{id}' },
    });
    this.attribute.addEventListener('input', () => events.filters({ attribute: this.attribute.value }));
    this.minRate = el('input', { class: 'filter-min-rate', attrs: { type: 'number', min: '0', step: '1', placeholder: 'min/min', 'aria-label': 'Hide nodes under this many requests per minute', title: 'Hide nodes under this many requests per minute' } });
    this.minRate.addEventListener('change', () => events.filters({ minPerMinute: Math.max(0, Number(this.minRate.value) || 0) }));
    this.focusLabel = el('span', { class: 'focus-label' });
    this.focusChip = el('span', { class: 'chip focus-chip', attrs: { role: 'status' } }, [
      this.focusLabel,
      button('✕', () => events.filters({ focus: null }), 'focus-clear', { 'aria-label': 'Clear the focus', title: 'Show the whole map again' }),
    ]);
    this.focusChip.hidden = true;
    this.coverage = el('input', { attrs: { type: 'checkbox', 'data-filter': 'coverage' } });
    this.coverage.addEventListener('change', () => events.coverage(this.coverage.checked));
    this.compare = el('select', { class: 'compare', attrs: { 'aria-label': 'Compare with an earlier snapshot', title: 'Compare with an earlier snapshot: added edges green, removed edges dashed' } });
    this.compare.addEventListener('change', () => events.compare(this.compare.value ? Number(this.compare.value) : null));
    this.compare.addEventListener('focus', () => events.snapshotsWanted());
    this.window = el(
      'select',
      {
        class: 'window',
        attrs: {
          'aria-label': 'Time window',
          title: 'Rate, errors and p50/p95/p99 over a recent sliding window (10 s buckets up to 15 min, 1 min up to 1 h); items silent for the whole window are drawn idle. Flow runs and transitions stay since start.',
        },
      },
      WINDOWS.map(([ms, label]) => el('option', { text: label, attrs: { value: ms === null ? '' : String(ms) } })),
    );
    this.window.addEventListener('change', () => events.window(this.window.value ? Number(this.window.value) : null));
    this.pause = button('Pause', () => events.paused(this.pause.getAttribute('aria-pressed') !== 'true'), 'pause', { 'aria-pressed': 'false' });

    const exportSelect = el('select', { class: 'export-format', attrs: { 'aria-label': 'Export format' } }, [
      el('option', { text: 'SVG', attrs: { value: 'svg' } }),
      el('option', { text: 'PNG', attrs: { value: 'png' } }),
      el('option', { text: 'Mermaid', attrs: { value: 'mermaid' } }),
      el('option', { text: 'Graphviz DOT', attrs: { value: 'dot' } }),
      el('option', { text: 'JSON', attrs: { value: 'json' } }),
    ]);
    const exportButton = button('Export', () => events.export(exportSelect.value as ExportFormat), 'export');
    this.status = el('span', { class: 'status', attrs: { role: 'status' } });

    // Two rows: what people use all the time, then the filters. Each row wraps on its own.
    this.element = el('header', { class: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Map controls' } }, [
      el('div', { class: 'toolbar-row' }, [
        tabs,
        this.search,
        this.service,
        this.flow,
        this.window,
        this.pause,
        button('Fit', () => events.fit(), 'fit', { title: 'Fit the map to the window' }),
        el('span', { class: 'export-group' }, [exportSelect, exportButton]),
        this.status,
      ]),
      el('div', { class: 'toolbar-row filters-row' }, [
        rels,
        this.attribute,
        this.minRate,
        this.focusChip,
        el('label', { class: 'toggle' }, [this.externals, 'Hide externals']),
        el('label', { class: 'toggle' }, [this.coverage, 'Coverage']),
        this.compare,
      ]),
    ]);
  }

  update(input: ToolbarInput): void {
    const { ui } = input;
    for (const [view, b] of this.tabs) b.setAttribute('aria-pressed', String(view === ui.view));
    if (document.activeElement !== this.search) this.search.value = ui.filters.search;
    syncOptions(this.service, 'All services', input.services, ui.filters.service);
    syncOptions(this.flow, 'All flows', input.flows, ui.filters.flow);
    for (const [r, input2] of this.relations) input2.checked = !ui.filters.hiddenRelations.includes(r);
    this.externals.checked = ui.filters.hideExternals;
    if (document.activeElement !== this.attribute) this.attribute.value = ui.filters.attribute;
    if (document.activeElement !== this.minRate) this.minRate.value = ui.filters.minPerMinute ? String(ui.filters.minPerMinute) : '';
    const focus = ui.filters.focus;
    this.focusChip.hidden = focus === null;
    this.focusLabel.textContent = focus ? `Focus: ${input.nodeName(focus.id)} ±${focus.hops}` : '';
    this.focusChip.title = focus ? `Showing ${input.nodeName(focus.id)} and what is within ${focus.hops} hop${focus.hops === 1 ? '' : 's'} of it` : '';
    this.coverage.checked = ui.coverage;
    this.syncCompare(input.snapshots, input.compareSince);
    const value = ui.windowMs === null ? '' : String(ui.windowMs);
    // A window from the host (serve --window, the setting) that the list does not offer.
    if (![...this.window.options].some((o) => o.value === value)) this.window.prepend(el('option', { text: `Last ${ui.windowMs! < 60_000 ? `${ui.windowMs! / 1000} s` : `${ui.windowMs! / 60_000} min`}`, attrs: { value } }));
    this.window.value = value;
    this.window.dataset.active = String(ui.windowMs !== null);
    this.pause.setAttribute('aria-pressed', String(ui.paused));
    this.pause.textContent = ui.paused ? (input.pendingUpdates ? `Resume (${input.pendingUpdates} updates)` : 'Resume') : 'Pause';
    const r = input.receiver;
    // Short enough for a panel beside code; the endpoints are in the tooltip.
    this.status.textContent = r.state === 'listening' ? `● ${input.spansPerSecond.toFixed(1)} spans/s` : `○ receiver ${r.state}${r.message ? `: ${r.message}` : ''}`;
    this.status.title = r.state === 'listening' ? `OTLP/HTTP ${r.http ?? '?'} · OTLP/gRPC ${r.grpc ?? '?'}` : (r.message ?? r.state);
    this.status.dataset.state = r.state;
  }

  /** Rebuilt only when the snapshot list changes, so an open list is not replaced under the pointer. */
  private syncCompare(snapshots: SnapshotInfo[], since: number | null): void {
    const list = since === null || snapshots.some((s) => s.time === since) ? snapshots : [...snapshots, { time: since, nodes: 0, edges: 0 }];
    const times = list.map((s) => s.time).join(',');
    if (times !== this.compareTimes) {
      this.compareTimes = times;
      const now = Date.now();
      this.compare.replaceChildren(
        el('option', { text: 'Compare: off', attrs: { value: '' } }),
        ...list.map((s) => el('option', { text: `Since ${snapshotLabel(s, now)}`, attrs: { value: String(s.time) } })),
      );
    }
    this.compare.value = since === null ? '' : String(since);
    this.compare.dataset.active = String(since !== null);
  }
}

/** Long option lists are rebuilt only when the user opens the select, not on every update. */
const EAGER_OPTIONS = 100;
const staleOptions = new WeakMap<HTMLSelectElement, () => void>();

function syncOptions(select: HTMLSelectElement, allLabel: string, values: string[], current: string): void {
  const wanted = ['', ...values];
  if (current && !values.includes(current)) wanted.push(current);
  const rebuild = (): void => {
    staleOptions.delete(select);
    const existing = [...select.options].map((o) => o.value);
    if (existing.length !== wanted.length || existing.some((v, i) => v !== wanted[i])) {
      select.replaceChildren(...wanted.map((v) => el('option', { text: v || allLabel, attrs: { value: v } })));
    }
    select.value = current;
  };
  if (wanted.length <= EAGER_OPTIONS || select.options.length <= 1) return rebuild();
  if (!staleOptions.has(select)) {
    const onOpen = (): void => staleOptions.get(select)?.();
    select.addEventListener('focus', onOpen, { once: true });
    select.addEventListener('pointerdown', onOpen, { once: true });
  }
  staleOptions.set(select, rebuild);
  if (select.value !== current && [...select.options].some((o) => o.value === current)) select.value = current;
}
