import { classifyTicket } from '../../reports/classify-ticket.js';
import { loadedCost, ticketShares, type TicketPath, type TicketShares } from '../../reports/compute-report.js';
import { money } from '../../reports/figures.js';
import { NO_GROUP_KEY } from '../../reports/types.js';
import { ticketStatus } from '../../tickets/ticket-status.js';
import type { TicketPage, TicketPageOptions, TicketRow } from '../ticket-explorer.js';
import type { PostgresLedger } from './postgres-ledger.js';

export { readPgTicketTimeline } from './pg-ticket-timeline.js';

/** The shares a ticket on `path` carries. */
export function shareOf(shares: TicketShares, path: TicketPath): number {
  return shares[path].unattributedUsd + shares[path].fixedUsd;
}

/** A ticket's path, as the report names it. */
export function pathOf({ aiHandled, escalated }: { aiHandled: boolean; escalated: boolean }): TicketPath {
  return !aiHandled ? 'human-only' : escalated ? 'escalated' : 'contained';
}

/**
 * A page of the tickets in scope of `options.window`, filtered and sorted, each with its loaded
 * cost by the report's own rule (`loadedCost` with the window's `ticketShares`): the window's
 * report input is read (one snapshot) and its tickets classified, filtered, sorted and paged here.
 */
export async function readPgTicketPage(ledger: PostgresLedger, options: TicketPageOptions): Promise<TicketPage> {
  const { window, humanHourlyRate, sort = 'cost', order = 'desc', limit, offset } = options;
  const input = await ledger.reportInput({ window, humanHourlyRate });
  const shares = ticketShares(input);
  const is = (value: string | null, wanted: string | undefined) => wanted === undefined || (wanted === NO_GROUP_KEY ? value === null : value === wanted);
  const rows: Array<TicketRow & { sortKey: number }> = [];
  for (const facts of input.tickets) {
    const c = classifyTicket(facts, ticketStatus(facts.statusChanges, window.to));
    if (c.keyTime < window.from || c.keyTime >= window.to) continue;
    const path = pathOf(c);
    if (options.path === 'unresolved' ? c.resolved : options.path !== undefined && path !== options.path) continue;
    if (!is(facts.category, options.category) || !is(facts.channel, options.channel) || !is(facts.customerId, options.customer)) continue;
    const loaded = loadedCost({ llmCostUsd: c.llm.costUsd, humanCostUsd: facts.humanCostUsd, path }, shares);
    rows.push({
      ticketId: facts.ticketId, category: facts.category, channel: facts.channel, customerId: facts.customerId, path,
      resolved: c.resolved, keyTime: new Date(c.keyTime).toISOString(), openedAt: new Date(facts.openedAt).toISOString(),
      conversations: facts.conversations, llmCalls: c.llm.calls, unpricedLlmCalls: c.llm.unpricedCalls,
      llmCostUsd: money(c.llm.costUsd), humanCostUsd: money(facts.humanCostUsd), sharesUsd: money(shareOf(shares, path)),
      loadedCostUsd: money(loaded), sortKey: sort === 'cost' ? loaded : c.keyTime,
    });
  }
  const sign = order === 'asc' ? 1 : -1;
  rows.sort((a, b) => sign * (a.sortKey - b.sortKey) || (a.ticketId < b.ticketId ? -1 : a.ticketId > b.ticketId ? 1 : 0));
  return {
    window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() },
    total: rows.length, limit, offset, sort, order,
    tickets: rows.slice(offset, offset + limit).map(({ sortKey: _sortKey, ...row }) => row),
  };
}
