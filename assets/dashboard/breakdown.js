// The breakdown by category, channel or customer: a sortable table whose rows lead to their tickets.
import { tip } from './definitions.js';
import { el, integer, money, percent } from './format.js';

/** At most this many groups are drawn (a ledger may know thousands of customers); the sort decides which. */
const SHOWN = 50;

/** [figure, header, term, kind]. */
const COLUMNS = [
  ['tickets', 'Tickets', 'inScope', 'count'],
  ['resolved', 'Resolved', 'inScope', 'count'],
  ['totalCostUsd', 'Total cost', 'loaded', 'money'],
  ['costPerResolutionUsd', 'Blended CPR', 'blendedCpr', 'money'],
  ['aiJourneyCostPerResolutionUsd', 'True AI CPR', 'aiCpr', 'money'],
  ['humanOnlyCostPerResolutionUsd', 'Human-only CPR', 'humanCpr', 'money'],
  ['naiveAiCostPerResolutionUsd', 'Naive AI CPR', 'naive', 'money'],
  ['automationRate', 'Automation', 'automation', 'rate'],
  ['escalationRate', 'Escalation', 'escalation', 'rate'],
  ['savingsUsd', 'Savings (est.)', 'savings', 'money'],
];

const show = (value, kind) => (kind === 'money' ? money(value) : kind === 'rate' ? percent(value) : integer(value));
let sort = { figure: 'totalCostUsd', order: 'desc' };

/**
 * Renders `report.groups` (a report grouped by `groupBy`). `onOpen(key)` shows a group's tickets.
 * Sorting is by any column, `null` (`n/a`) last.
 */
export function renderBreakdown(report, { groupBy, onOpen }) {
  const container = document.getElementById('breakdown-table');
  const draw = () => {
    const sign = sort.order === 'asc' ? 1 : -1;
    const groups = [...report.groups].sort((a, b) => {
      const x = a[sort.figure] ?? null;
      const y = b[sort.figure] ?? null;
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      return sign * (x - y) || (a.key < b.key ? -1 : 1);
    });
    const header = el('tr', {}, el('th', { scope: 'col' }, groupBy),
      COLUMNS.map(([figure, label, term]) => el('th', { scope: 'col', class: 'num', title: tip(term) },
        el('button', { type: 'button', class: 'sort', 'data-sort': figure, 'aria-sort': sort.figure === figure ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined,
          onclick: () => { sort = { figure, order: sort.figure === figure && sort.order === 'desc' ? 'asc' : 'desc' }; draw(); } },
        label, sort.figure === figure ? (sort.order === 'asc' ? ' ▲' : ' ▼') : ''))));
    const rows = groups.slice(0, SHOWN).map((g) => el('tr', { class: 'link', 'data-key': g.key, tabindex: 0, title: `Show the tickets of ${g.key}`,
      onclick: () => onOpen(g.key), onkeydown: (e) => { if (e.key === 'Enter') onOpen(g.key); } },
    el('th', { scope: 'row' }, g.key), COLUMNS.map(([figure, , , kind]) => el('td', { class: 'num' }, show(g[figure] ?? null, kind)))));
    const unallocated = el('tr', { class: 'muted' }, el('th', { scope: 'row', title: tip('unallocated') }, '(unallocated)'),
      el('td', {}, ''), el('td', {}, ''), el('td', { class: 'num' }, money(report.unallocatedCostUsd)), COLUMNS.slice(3).map(() => el('td', {}, '')));
    const note = groups.length > SHOWN ? el('p', { class: 'muted' }, `${groups.length} groups; the first ${SHOWN} by the sorted column are shown.`) : null;
    container.replaceChildren(el('table', { class: 'data' }, el('thead', {}, header), el('tbody', {}, rows, unallocated)), note ?? '');
  };
  draw();
}

/** Says why there is no breakdown (e.g. a cpr-meter whose report cannot group by customer yet). */
export function renderBreakdownError(message) {
  document.getElementById('breakdown-table').replaceChildren(el('p', { class: 'error' }, message));
}
