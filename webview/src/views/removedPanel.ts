// While comparing with a snapshot: the removed edges that cannot be drawn as ghosts (an end is
// no longer on the map), listed over the map. Hidden when there are none.

import type { GraphNode, RemovedEdge } from '../../../common/src/graph';
import { ago } from '../compare';
import { el } from './dom';

/** More than this many are summarised: the Table view lists them all. */
const MAX_LISTED = 20;

export function renderRemovedPanel(panel: HTMLElement, removed: RemovedEdge[], since: number | null, now: number, nodes: GraphNode[]): void {
  if (since === null || removed.length === 0) {
    panel.hidden = true;
    panel.replaceChildren();
    return;
  }
  const names = new Map(nodes.map((n) => [n.id, n.name] as const));
  // A gone node's id is `${kind}:${name}`: show the name part.
  const name = (id: string): string => names.get(id) ?? id.slice(id.indexOf(':') + 1);
  const items = removed.slice(0, MAX_LISTED).map((e) =>
    el('li', { attrs: { 'data-edge-id': e.id, 'data-change': 'removed' }, text: `${name(e.source)} ${e.relation} ${name(e.target)}` }),
  );
  const more = removed.length > MAX_LISTED ? [el('p', { class: 'hint', text: `and ${removed.length - MAX_LISTED} more (see the Table view)` })] : [];
  panel.hidden = false;
  panel.replaceChildren(el('h2', { text: `Removed since ${ago(now - since)}` }), el('ul', {}, items), ...more);
}
