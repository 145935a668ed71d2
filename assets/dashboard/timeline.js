// One ticket's timeline: everything recorded for it before the window's end, in order, and its loaded cost split.
import { tip } from './definitions.js';
import { el, integer, money, time } from './format.js';

function detail(e) {
  switch (e.kind) {
    case 'llm-call':
      return [`${e.provider} ${e.operation} ${e.model ?? '(unknown model)'}: ${integer(e.inputTokens)} in / ${integer(e.outputTokens)} out tokens, `,
        el('span', { class: e.status === 'ok' ? '' : 'bad' }, e.status),
        e.estimated ? el('span', { class: 'tag', title: tip('estimated') }, 'estimated') : '',
        e.costUsd === null ? el('span', { class: 'tag', title: tip('unpriced') }, 'unpriced') : ''];
    case 'handoff':
      return `to a human${e.queue ? ` (queue ${e.queue})` : ''}${e.reason ? `: ${e.reason}` : ''}${e.agentId ? `, agent ${e.agentId}` : ''}`;
    case 'human-work':
      return `${integer(Math.round(e.seconds))} s${e.agentId ? ` by ${e.agentId}` : ''}`;
    case 'resolved':
      return `by ${e.by === 'ai' ? 'the bot' : 'a human'}${e.confirmed ? ', confirmed by the customer' : ''}`;
    case 'linked':
      return `conversation ${e.conversationId} linked${e.followUp ? ': a follow-up contact, which reopens the resolved ticket' : ''}`;
    default:
      return '';
  }
}

/** Renders `GET /api/tickets/:id`. */
export function renderTimeline(t) {
  document.getElementById('timeline-title').textContent = `Ticket ${t.ticketId}: ${t.path}, ${t.resolved ? 'resolved' : 'unresolved'}`
    + `${t.category ? `, ${t.category}` : ''}${t.channel ? `, ${t.channel}` : ''}${t.customerId ? `, customer ${t.customerId}` : ''}`;
  const c = t.cost;
  const parts = [['LLM', c.llmCostUsd, 'llm'], ['Human work', c.humanCostUsd, 'work'], ['Share of unattributed LLM spend', c.unattributedShareUsd, 'unattributed'],
    ['Share of fixed costs', c.fixedShareUsd, 'fixed']];
  const bar = el('div', { class: 'split', role: 'img', 'aria-label': 'Loaded cost split' });
  for (const [label, value, kind] of parts) {
    if (value <= 0 || c.loadedCostUsd <= 0) continue;
    const segment = el('span', { class: `segment ${kind}`, title: `${label}: ${money(value)}` });
    segment.style.width = `${(value / c.loadedCostUsd) * 100}%`;
    bar.append(segment);
  }
  document.getElementById('timeline-cost').replaceChildren(
    el('p', { id: 'timeline-loaded' }, el('span', { class: 'term', title: tip('loaded') }, 'Loaded cost'), ` ${money(c.loadedCostUsd)} = `,
      parts.map(([label, value]) => `${label} ${money(value)}`).join(' + '),
      t.inScope ? '' : el('span', { class: 'muted' }, ' (not in the window\'s scope: it carries no share)')),
    bar);
  const rows = t.entries.map((e) => el('tr', { 'data-kind': e.kind },
    el('td', {}, time(e.at)),
    el('td', {}, e.kind),
    el('td', {}, e.conversationId ?? ''),
    el('td', {}, detail(e)),
    el('td', { class: 'num' }, e.costUsd === undefined ? '' : money(e.costUsd))));
  document.getElementById('timeline-entries').replaceChildren(
    el('table', { class: 'data' }, el('thead', {}, el('tr', {}, ['Time (UTC)', 'What', 'Conversation', 'Detail'].map((h) => el('th', { scope: 'col' }, h)),
      el('th', { scope: 'col', class: 'num' }, 'Cost'))), el('tbody', {}, rows)),
    t.truncated ? el('p', { class: 'muted' }, 'Only the first entries are shown; the costs count them all.') : '');
}
