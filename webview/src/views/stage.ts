// The stage: the one area that shows the map (with its overlays and legend), the flow view, the
// edge table, the empty-map guide or an open trace. It swaps its content only when the content
// changes, so a view keeps its DOM (focus, scroll) across live updates.

import type { GraphNode, RemovedEdge } from '../../../common/src/graph';
import type { ReceiverStatus } from '../../../common/src/telemetry';
import { el } from './dom';
import { renderEmptyState } from './emptyState';
import { Legend } from './legend';
import type { MapView } from './mapView';
import { renderRemovedPanel } from './removedPanel';
import type { Scene } from './scene';

export type StageContent = 'map' | 'flow' | 'table' | 'trace';

export interface MapInput {
  scene: Scene;
  removed: RemovedEdge[];
  compareSince: number | null;
  now: number;
  nodes: GraphNode[];
}

export class Stage {
  readonly element = el('main', { class: 'stage' }, [el('p', { class: 'hint connecting', text: 'Connecting to the OTel Flow Map receiver…' })]);
  private readonly removedPanel = el('aside', { class: 'removed-panel', attrs: { 'aria-label': 'Edges removed since the snapshot' } });
  /** The map and its overlays above, the legend strip below. */
  private readonly mapArea: HTMLElement;
  private readonly legend: Legend;

  constructor(private readonly mapView: MapView, legendOpen: boolean, legendToggled: (open: boolean) => void) {
    this.mapArea = el('div', { class: 'map-area' }, [mapView.element, this.removedPanel]);
    this.legend = new Legend(legendOpen, legendToggled);
  }

  /** Shows `content` (one element, or the map with its legend) unless it is shown already. */
  show(view: StageContent, content: HTMLElement): void {
    this.element.dataset.view = view;
    if (content.parentElement !== this.element) this.element.replaceChildren(content);
  }

  showEmpty(receiver: ReceiverStatus): void {
    this.element.dataset.view = 'map';
    this.element.replaceChildren(renderEmptyState(receiver));
  }

  showMap(input: MapInput): void {
    this.element.dataset.view = 'map';
    if (this.mapArea.parentElement !== this.element) this.element.replaceChildren(this.mapArea, this.legend.element);
    this.mapView.setScene(input.scene);
    renderRemovedPanel(this.removedPanel, input.removed, input.compareSince, input.now, input.nodes);
    document.body.dataset.render = this.mapView.renderMode ?? '';
  }
}
