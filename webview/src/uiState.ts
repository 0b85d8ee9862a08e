// The UI state that survives reloads (VS Code getState/setState, localStorage in the browser).
// Stored state is untrusted: sanitizeUiState keeps only well-typed fields.

import type { Relation } from '../../common/src/graph';
import { isRecord } from '../../common/src/guards';

export type ViewName = 'map' | 'flow' | 'table';

export type Selection =
  | { kind: 'node'; id: string }
  | { kind: 'edge'; id: string }
  | { kind: 'step'; flow: string; step: string };

export interface Filters {
  search: string;
  /** Empty = every service. */
  service: string;
  /** Relations to hide. */
  hiddenRelations: Relation[];
  hideExternals: boolean;
  /** Empty = every flow (map view: only nodes touched by that flow's services). */
  flow: string;
  /** `key=value` of a resource or span attribute; anything else = no attribute filter. */
  attribute: string;
  /** Hide nodes under this many requests per minute (0 = show all). */
  minPerMinute: number;
  /** Show only this node and its neighbourhood. */
  focus: Focus | null;
}

export interface Focus {
  id: string;
  hops: 1 | 2 | 3;
}

export interface UiState {
  view: ViewName;
  selection: Selection | null;
  filters: Filters;
  /** The flow shown in the flow view. */
  flow: string;
  coverage: boolean;
  paused: boolean;
  /** Show the graph of this recent window (one of WINDOWS), or null for all of it. */
  windowMs: number | null;
  zoom: { x: number; y: number; k: number } | null;
  legendOpen: boolean;
}

export const RELATIONS: readonly Relation[] = ['calls', 'reads', 'writes', 'publishes', 'consumes'];

/** The Window select's choices, widest first (null: since start). */
export const WINDOWS: ReadonlyArray<[number | null, string]> = [
  [60_000, 'Last 1 min'],
  [5 * 60_000, 'Last 5 min'],
  [15 * 60_000, 'Last 15 min'],
  [60 * 60_000, 'Last 1 h'],
  [null, 'Since start'],
];

/** Recent-window numbers by default (issue 14 item 3). */
export const DEFAULT_WINDOW_MS = 60_000;

export function defaultUiState(): UiState {
  return {
    view: 'map',
    selection: null,
    filters: { search: '', service: '', hiddenRelations: [], hideExternals: false, flow: '', attribute: '', minPerMinute: 0, focus: null },
    flow: '',
    coverage: false,
    paused: false,
    windowMs: DEFAULT_WINDOW_MS,
    zoom: null,
    legendOpen: true,
  };
}

export function sanitizeUiState(raw: unknown): UiState {
  const d = defaultUiState();
  if (!isRecord(raw)) return d;
  const f = isRecord(raw.filters) ? raw.filters : {};
  const z = isRecord(raw.zoom) ? raw.zoom : null;
  return {
    view: raw.view === 'flow' || raw.view === 'table' ? raw.view : 'map',
    selection: sanitizeSelection(raw.selection),
    filters: {
      search: str(f.search),
      service: str(f.service),
      hiddenRelations: Array.isArray(f.hiddenRelations) ? RELATIONS.filter((r) => (f.hiddenRelations as unknown[]).includes(r)) : [],
      hideExternals: f.hideExternals === true,
      flow: str(f.flow),
      attribute: str(f.attribute),
      minPerMinute: finite(f.minPerMinute) && (f.minPerMinute as number) > 0 ? (f.minPerMinute as number) : 0,
      focus: sanitizeFocus(f.focus),
    },
    flow: str(raw.flow),
    coverage: raw.coverage === true,
    paused: raw.paused === true,
    windowMs: raw.windowMs === null ? null : typeof raw.windowMs === 'number' && Number.isInteger(raw.windowMs) && raw.windowMs >= 10_000 && raw.windowMs <= 60 * 60_000 ? raw.windowMs : DEFAULT_WINDOW_MS,
    legendOpen: raw.legendOpen !== false,
    zoom: z && finite(z.x) && finite(z.y) && finite(z.k) && (z.k as number) > 0 ? { x: z.x as number, y: z.y as number, k: z.k as number } : null,
  };
}

function sanitizeSelection(s: unknown): Selection | null {
  if (!isRecord(s)) return null;
  if ((s.kind === 'node' || s.kind === 'edge') && typeof s.id === 'string') return { kind: s.kind, id: s.id };
  if (s.kind === 'step' && typeof s.flow === 'string' && typeof s.step === 'string') return { kind: 'step', flow: s.flow, step: s.step };
  return null;
}

function sanitizeFocus(f: unknown): Focus | null {
  if (!isRecord(f) || typeof f.id !== 'string') return null;
  return { id: f.id.slice(0, 500), hops: f.hops === 2 || f.hops === 3 ? f.hops : 1 };
}

const str = (v: unknown): string => (typeof v === 'string' ? v.slice(0, 500) : '');
const finite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
