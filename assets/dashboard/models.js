// Spend by model (and provider, when the report names it) over the report's calls.
import { tip } from './definitions.js';
import { el, integer, money } from './format.js';

/** Renders `report.models`, costliest first. */
export function renderModels(report) {
  const head = el('tr', {}, el('th', { scope: 'col' }, 'Model'), el('th', { scope: 'col' }, 'Provider'),
    ['Calls', 'Input tokens', 'Cached input', 'Output tokens', 'Reasoning'].map((h) => el('th', { scope: 'col', class: 'num' }, h)),
    el('th', { scope: 'col', class: 'num' }, 'Cost'), el('th', { scope: 'col', class: 'num', title: tip('unpriced') }, 'Unpriced calls'));
  const rows = report.models.map((m) => el('tr', {}, el('th', { scope: 'row' }, m.model), el('td', {}, m.provider ?? (m.providers ?? []).join(', ')),
    [m.calls, m.inputTokens, m.cachedInputTokens, m.outputTokens, m.reasoningTokens].map((n) => el('td', { class: 'num' }, integer(n))),
    el('td', { class: 'num' }, money(m.costUsd)), el('td', { class: 'num' }, integer(m.unpricedCalls))));
  document.getElementById('models-table').replaceChildren(el('table', { class: 'data' }, el('thead', {}, head), el('tbody', {}, rows)));
}
