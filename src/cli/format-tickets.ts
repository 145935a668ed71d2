import type { TicketPage, TicketTimeline, TimelineEntry } from '../ledger/ticket-explorer.js';
import { formatCount, formatUsd, formatWindow, printable } from '../reports/format-values.js';
import { renderTextTable } from '../reports/text-table.js';

const time = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
const text = (value: string | null | undefined): string => (value === null || value === undefined ? '' : printable(value));

/** A page of tickets as `cpr-meter tickets` prints it: one line per ticket, loaded cost last. */
export function formatTicketPage(page: TicketPage): string {
  const last = Math.min(page.offset + page.limit, page.total);
  const head = `Tickets in scope ${formatWindow(page.window)}: ${page.total === 0 ? 'none' : `${formatCount(page.offset + 1)}-${formatCount(last)} of ${formatCount(page.total)}`}`
    + `, by ${page.sort === 'cost' ? 'loaded cost' : 'time'}, ${page.order === 'desc' ? 'highest first' : 'lowest first'}`;
  const table = renderTextTable(
    [{ header: 'ticket' }, { header: 'path' }, { header: 'status' }, { header: 'category' }, { header: 'channel' }, { header: 'customer' },
      { header: 'time (UTC)' }, { header: 'LLM calls', align: 'right' }, { header: 'LLM', align: 'right' }, { header: 'human', align: 'right' },
      { header: 'shares', align: 'right' }, { header: 'loaded cost', align: 'right' }],
    page.tickets.map((t) => [text(t.ticketId), t.path, t.resolved ? 'resolved' : 'unresolved', text(t.category ?? '(none)'), text(t.channel ?? '(none)'),
      text(t.customerId), time(t.keyTime), formatCount(t.llmCalls), formatUsd(t.llmCostUsd), formatUsd(t.humanCostUsd), formatUsd(t.sharesUsd),
      formatUsd(t.loadedCostUsd)]),
  );
  const more = last < page.total ? `\nNext page: --offset ${page.offset + page.limit}` : '';
  return `${head}\n\n${table}\n\nLoaded cost = LLM + human work + shares of unattributed LLM spend and fixed costs, as the report sums it.${more}\n`;
}

function detail(e: TimelineEntry): string {
  switch (e.kind) {
    case 'llm-call':
      return `${text(e.provider)} ${text(e.operation)} ${text(e.model ?? '(unknown model)')} ${formatCount(e.inputTokens ?? 0)} in / ${formatCount(e.outputTokens ?? 0)} out`
        + ` ${e.status}${e.estimated ? ', estimated' : ''}${e.costUsd === null ? ', unpriced' : ''}`;
    case 'handoff':
      return `to a human${e.queue ? ` (queue ${text(e.queue)})` : ''}${e.reason ? `: ${text(e.reason)}` : ''}`;
    case 'human-work':
      return `${formatCount(Math.round(e.seconds ?? 0))} s${e.agentId ? ` by ${text(e.agentId)}` : ''}`;
    case 'resolved':
      return `by ${e.by === 'ai' ? 'the bot' : 'a human'}${e.confirmed ? ', confirmed' : ''}`;
    case 'linked':
      return e.followUp ? 'follow-up contact: reopens the ticket' : '';
    default:
      return '';
  }
}

/** A ticket's timeline as `cpr-meter ticket ID` prints it: what it is, its loaded cost split, then every entry in order. */
export function formatTicketTimeline(t: TicketTimeline): string {
  const c = t.cost;
  const lines = [
    `Ticket ${text(t.ticketId)}: ${t.path}, ${t.resolved ? 'resolved' : 'unresolved'}, category ${text(t.category ?? '(none)')}, channel ${text(t.channel ?? '(none)')}`
      + `${t.customerId ? `, customer ${text(t.customerId)}` : ''}`,
    `As of ${formatWindow(t.window)}${t.inScope ? '' : ' (not in the window\'s scope: it carries no share)'}`,
    `Loaded cost ${formatUsd(c.loadedCostUsd)} = LLM ${formatUsd(c.llmCostUsd)} + human work ${formatUsd(c.humanCostUsd)}`
      + ` + share of unattributed LLM spend ${formatUsd(c.unattributedShareUsd)} + share of fixed costs ${formatUsd(c.fixedShareUsd)}`,
    '',
    renderTextTable([{ header: 'time (UTC)' }, { header: 'what' }, { header: 'conversation' }, { header: 'detail' }, { header: 'cost', align: 'right' }],
      t.entries.map((e) => [time(e.at), e.kind, text(e.conversationId), detail(e), e.costUsd === undefined ? '' : formatUsd(e.costUsd)])),
  ];
  if (t.truncated) lines.push('', 'Only the first entries are shown; the costs count them all.');
  return `${lines.join('\n')}\n`;
}
