// The details panel's content for one highlighted flow run: its steps in start order with
// service, offset from the run's start, duration and errors. All text goes through textContent.

import type { FlowRun } from '../../../common/src/telemetry';
import { formatMs } from '../format';
import { el } from './dom';

export function renderRunDetails(flow: string, run: FlowRun): Node[] {
  const head = el('tr', {}, ['Step', 'Service', 'Start', 'Duration'].map((h) => el('th', { text: h, attrs: { scope: 'col' } })));
  const rows = run.steps.map((s) =>
    el('tr', { class: s.error ? 'is-error' : '', attrs: { 'data-step': s.step } }, [
      el('td', { text: s.error ? `${s.step} (error)` : s.step }),
      el('td', { text: s.service }),
      el('td', { class: 'num', text: `+${formatMs(s.startMs - run.startMs)}` }),
      el('td', { class: 'num', text: formatMs(s.durationMs) }),
    ]),
  );
  return [
    el('h2', { text: 'Run' }),
    el('p', { class: 'run-id', text: run.runId }),
    el('p', { class: 'hint', text: `${flow}: ${run.steps.length} steps, ${formatMs(run.durationMs)}${run.error ? ', with errors' : ''}. Choose "All runs" to clear.` }),
    el('table', { class: 'run-steps' }, [el('thead', {}, [head]), el('tbody', {}, rows)]),
  ];
}
