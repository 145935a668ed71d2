// The tickets in scope, a page at a time (never all of them), costliest first by default.
import { tip } from './definitions.js';
import { el, integer, money, time } from './format.js';

const PATH_TERMS = { contained: 'contained', escalated: 'escalated', 'human-only': 'humanOnly' };

function sortButton(label, key, view, onSort) {
  const active = view.sort === key;
  return el('button', { type: 'button', class: 'sort', 'data-sort': key, 'aria-sort': active ? (view.order === 'asc' ? 'ascending' : 'descending') : undefined,
    onclick: () => onSort(key, active && view.order === 'desc' ? 'asc' : 'desc') }, label, active ? (view.order === 'asc' ? ' ▲' : ' ▼') : '');
}

/** Renders a page (`GET /api/tickets`). `onSort(sort, order)` re-sorts; `onOpen(id)` opens a ticket's timeline. */
export function renderTickets(page, { view, onSort, onOpen }) {
  document.getElementById('tickets-count').textContent = `(${integer(page.total)} in scope${filtersText(view)})`;
  const head = el('tr', {},
    el('th', { scope: 'col' }, 'Ticket'),
    el('th', { scope: 'col' }, 'Path'),
    el('th', { scope: 'col', title: tip('unresolved') }, 'Status'),
    el('th', { scope: 'col' }, 'Category'),
    el('th', { scope: 'col' }, 'Channel'),
    el('th', { scope: 'col' }, 'Customer'),
    el('th', { scope: 'col', title: 'Resolution in force, else opening: what puts the ticket in the window.' }, sortButton('Time', 'time', view, onSort)),
    el('th', { scope: 'col', class: 'num' }, 'Conv.'),
    el('th', { scope: 'col', class: 'num' }, 'LLM calls'),
    el('th', { scope: 'col', class: 'num' }, 'LLM'),
    el('th', { scope: 'col', class: 'num' }, 'Human work'),
    el('th', { scope: 'col', class: 'num', title: tip('shares') }, 'Shares'),
    el('th', { scope: 'col', class: 'num', title: tip('loaded') }, sortButton('Loaded cost', 'cost', view, onSort)));
  const rows = page.tickets.map((t) => el('tr', { class: 'link', 'data-ticket': t.ticketId, tabindex: 0, title: `Open the timeline of ${t.ticketId}`,
    onclick: () => onOpen(t.ticketId), onkeydown: (e) => { if (e.key === 'Enter') onOpen(t.ticketId); } },
  el('th', { scope: 'row' }, t.ticketId),
  el('td', { title: tip(PATH_TERMS[t.path]) }, el('span', { class: `path ${t.path}` }, t.path)),
  el('td', {}, t.resolved ? 'resolved' : 'unresolved'),
  el('td', {}, t.category ?? '(none)'),
  el('td', {}, t.channel ?? '(none)'),
  el('td', {}, t.customerId ?? ''),
  el('td', {}, time(t.keyTime)),
  el('td', { class: 'num' }, integer(t.conversations)),
  el('td', { class: 'num', title: t.unpricedLlmCalls > 0 ? tip('unpriced') : undefined }, integer(t.llmCalls), t.unpricedLlmCalls > 0 ? ` (${t.unpricedLlmCalls} unpriced)` : ''),
  el('td', { class: 'num' }, money(t.llmCostUsd)),
  el('td', { class: 'num' }, money(t.humanCostUsd)),
  el('td', { class: 'num' }, money(t.sharesUsd)),
  el('td', { class: 'num strong', 'data-loaded': t.loadedCostUsd }, money(t.loadedCostUsd))));
  const empty = page.tickets.length === 0 ? el('tr', {}, el('td', { colspan: 13, class: 'muted' }, 'No ticket in scope matches.')) : null;
  document.getElementById('tickets-table').replaceChildren(el('table', { class: 'data', id: 'tickets-data' }, el('thead', {}, head), el('tbody', {}, rows, empty ?? '')));
  const last = Math.min(page.offset + page.limit, page.total);
  document.getElementById('page-label').textContent = page.total === 0 ? '' : `${integer(page.offset + 1)}–${integer(last)} of ${integer(page.total)}`;
  document.getElementById('prev-page').disabled = page.offset === 0;
  document.getElementById('next-page').disabled = last >= page.total;
}

function filtersText(view) {
  const parts = ['path', 'category', 'channel', 'customer'].filter((k) => view[k]).map((k) => `${k} ${view[k]}`);
  return parts.length === 0 ? '' : `, ${parts.join(', ')}`;
}
