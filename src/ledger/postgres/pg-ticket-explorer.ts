import { classifyTicket } from '../../reports/classify-ticket.js';
import { loadedCost, ticketShares, type TicketPath, type TicketShares } from '../../reports/compute-report.js';
import { money } from '../../reports/figures.js';
import { NO_GROUP_KEY } from '../../reports/types.js';
import { ticketStatus } from '../../tickets/ticket-status.js';
import type { TicketPage, TicketPageOptions, TicketPathFilter, TicketRow } from '../ticket-explorer.js';
import { readSetApart } from './pg-report-fold.js';
import type { PostgresLedger } from './postgres-ledger.js';

export { readPgTicketTimeline } from './pg-ticket-timeline.js';

/** The path filter as a parameter of {@link KEPT_PAGE_WHERE}. */
const PATH_MODE: Record<TicketPathFilter | 'any', number> = { any: 0, contained: 1, escalated: 2, 'human-only': 3, unresolved: 4 };

/**
 * Kept tickets of a page: in the window, not set apart, filtered. Every filter is a parameter:
 * $4 path mode (PATH_MODE), $5/$6 category mode (0 any, 1 value, 2 none) and value, $7/$8 channel,
 * $9/$10 customer.
 */
const KEPT_PAGE_WHERE = `f.key_time >= $1 AND f.key_time < $2 AND f.last_at < $2 AND NOT (f.ticket_id = ANY($3::text[]))
  AND ($4::int = 0 OR ($4 = 1 AND f.outcome & 6 = 2) OR ($4 = 2 AND f.outcome & 6 = 6) OR ($4 = 3 AND f.outcome & 2 = 0)
    OR ($4 = 4 AND f.outcome & 1 = 0))
  AND ($5::int = 0 OR ($5 = 1 AND f.category = $6::text) OR ($5 = 2 AND f.category IS NULL))
  AND ($7::int = 0 OR ($7 = 1 AND f.channel = $8::text) OR ($7 = 2 AND f.channel IS NULL))
  AND ($9::int = 0 OR ($9 = 1 AND k.customer_id = $10::text) OR ($9 = 2 AND k.customer_id IS NULL))`;

/** A kept row's loaded cost as `loadedCost()` computes it: $11 the rate given (NULL: the ledger's), $12..$14 the shares. */
const LOADED = `(f.cost_usd + f.human_cost_usd + CASE WHEN $11::float8 IS NULL THEN f.human_rated_usd ELSE f.human_unpriced_seconds * $11 / 3600.0 END
  + CASE WHEN f.outcome & 2 = 0 THEN $14::float8 WHEN f.outcome & 4 <> 0 THEN $13::float8 ELSE $12::float8 END)`;

const ORDER_SQL = {
  'cost desc': 'ORDER BY 15 DESC, f.ticket_id',
  'cost asc': 'ORDER BY 15 ASC, f.ticket_id',
  'time desc': 'ORDER BY f.key_time DESC, f.ticket_id',
  'time asc': 'ORDER BY f.key_time ASC, f.ticket_id',
} as const;

const PAGE_SQL = `SELECT f.ticket_id, f.key_time, f.outcome, f.category, f.channel, f.conversations, f.calls, f.unpriced, f.cost_usd,
    f.human_cost_usd, f.human_unpriced_seconds, f.human_rated_usd, f.opened_at, k.customer_id, ${LOADED}
  FROM report_ticket_facts f LEFT JOIN tickets k USING (ticket_id) WHERE ${KEPT_PAGE_WHERE}`;
/** Its parameters: the first ten of {@link PAGE_SQL}'s. */
const COUNT_SQL = `SELECT COUNT(*) FROM report_ticket_facts f LEFT JOIN tickets k USING (ticket_id) WHERE ${KEPT_PAGE_WHERE}`;

/** The shares a ticket on `path` carries. */
function shareOf(shares: TicketShares, path: TicketPath): number {
  return shares[path].unattributedUsd + shares[path].fixedUsd;
}

function pathOf({ aiHandled, escalated }: { aiHandled: boolean; escalated: boolean }): TicketPath {
  return !aiHandled ? 'human-only' : escalated ? 'escalated' : 'contained';
}

type Candidate = TicketRow & { sortKey: number };

/** A filter's mode and value: 0 any, 1 this value, 2 none (`(none)`). */
function mode(wanted: string | undefined): [number, string | null] {
  return wanted === undefined ? [0, null] : wanted === NO_GROUP_KEY ? [2, null] : [1, wanted];
}

/**
 * A page of the tickets in scope of `options.window`, filtered and sorted, with each ticket's
 * loaded cost by the report's own rule, as the SQLite ledger's `readTicketPage` gives it: the
 * kept tickets are read a page at a time in SQL, ordered by the same sum; the few tickets a
 * report reads one by one (touched since the last fold, or with facts after the window) are
 * classified here and merged in. One snapshot for all of it.
 */
export async function readPgTicketPage(ledger: PostgresLedger, options: TicketPageOptions): Promise<TicketPage> {
  const { window, humanHourlyRate, sort = 'cost', order = 'desc', limit, offset } = options;
  const rate = humanHourlyRate ?? null;
  // The shares come from the window's report input (which folds the kept facts first).
  const shares = ticketShares(await ledger.reportInput({ window, humanHourlyRate }));
  const is = (value: string | null, wanted: string | undefined) => wanted === undefined || (wanted === NO_GROUP_KEY ? value === null : value === wanted);
  const { total, rows } = await ledger.transaction('reading a ticket page', async (client) => {
    const { tickets, setApart } = await readSetApart(client, { window, humanHourlyRate: rate });
    const single: Candidate[] = [];
    for (const facts of tickets) {
      const c = classifyTicket(facts, ticketStatus(facts.statusChanges, window.to));
      if (c.keyTime < window.from || c.keyTime >= window.to) continue;
      const path = pathOf(c);
      if (options.path === 'unresolved' ? c.resolved : options.path !== undefined && path !== options.path) continue;
      if (!is(facts.category, options.category) || !is(facts.channel, options.channel) || !is(facts.customerId, options.customer)) continue;
      single.push(candidate({ ticketId: facts.ticketId, keyTime: c.keyTime, openedAt: facts.openedAt, path, resolved: c.resolved,
        category: facts.category, channel: facts.channel, customerId: facts.customerId, conversations: facts.conversations,
        llmCalls: c.llm.calls, unpricedLlmCalls: c.llm.unpricedCalls, llmCostUsd: c.llm.costUsd, humanCostUsd: facts.humanCostUsd }, { shares, sort }));
    }
    if (setApart === null) return { total: single.length, rows: single.sort(compare(order)).slice(offset, offset + limit) };
    const values = [window.from, window.to, setApart, PATH_MODE[options.path ?? 'any'], ...mode(options.category), ...mode(options.channel),
      ...mode(options.customer), rate, shareOf(shares, 'contained'), shareOf(shares, 'escalated'), shareOf(shares, 'human-only')];
    const keptTotal = Number((await client.query({ text: COUNT_SQL, values: values.slice(0, 10), rowMode: 'array' })).rows[0][0]);
    // With no ticket to merge, SQL pages alone; else it gives every row up to the page's end, and the merge pages.
    const page = await client.query({
      text: `${PAGE_SQL} ${ORDER_SQL[`${sort} ${order}`]} LIMIT $15 OFFSET $16`, rowMode: 'array',
      values: [...values, single.length === 0 ? limit : offset + limit, single.length === 0 ? offset : 0],
    });
    const kept = (page.rows as unknown[][]).map((r) => keptCandidate(r, { shares, sort, rate }));
    const merged = single.length === 0 ? kept : [...kept, ...single].sort(compare(order)).slice(offset, offset + limit);
    return { total: keptTotal + single.length, rows: merged };
  }, { isolation: 'REPEATABLE READ' });
  return {
    window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() },
    total, limit, offset, sort, order, tickets: rows.map(({ sortKey: _sortKey, ...row }) => row),
  };
}

interface Direct {
  ticketId: string; keyTime: number; openedAt: number; path: TicketPath; resolved: boolean; category: string | null;
  channel: string | null; customerId: string | null; conversations: number; llmCalls: number; unpricedLlmCalls: number;
  llmCostUsd: number; humanCostUsd: number;
}

function candidate(d: Direct, { shares, sort }: { shares: TicketShares; sort: 'cost' | 'time' }): Candidate {
  const loaded = loadedCost(d, shares);
  return {
    ticketId: d.ticketId, category: d.category, channel: d.channel, customerId: d.customerId, path: d.path, resolved: d.resolved,
    keyTime: new Date(d.keyTime).toISOString(), openedAt: new Date(d.openedAt).toISOString(), conversations: d.conversations,
    llmCalls: d.llmCalls, unpricedLlmCalls: d.unpricedLlmCalls, llmCostUsd: money(d.llmCostUsd), humanCostUsd: money(d.humanCostUsd),
    sharesUsd: money(shareOf(shares, d.path)), loadedCostUsd: money(loaded), sortKey: sort === 'cost' ? loaded : d.keyTime,
  };
}

/** A kept row of {@link PAGE_SQL} as a candidate; human work without an amount priced as `factsRowToTicket` does. */
function keptCandidate(r: unknown[], { shares, sort, rate }: { shares: TicketShares; sort: 'cost' | 'time'; rate: number | null }): Candidate {
  const outcome = r[2] as number;
  return candidate({
    ticketId: r[0] as string, keyTime: r[1] as number, openedAt: r[12] as number,
    path: pathOf({ aiHandled: (outcome & 2) !== 0, escalated: (outcome & 4) !== 0 }), resolved: (outcome & 1) !== 0,
    category: r[3] as string | null, channel: r[4] as string | null, customerId: r[13] as string | null,
    conversations: r[5] as number, llmCalls: r[6] as number, unpricedLlmCalls: r[7] as number, llmCostUsd: r[8] as number,
    humanCostUsd: (r[9] as number) + (rate === null ? r[11] as number : ((r[10] as number) * rate) / 3600),
  }, { shares, sort });
}

function compare(order: 'asc' | 'desc') {
  const sign = order === 'asc' ? 1 : -1;
  return (a: Candidate, b: Candidate): number => sign * (a.sortKey - b.sortKey) || (a.ticketId < b.ticketId ? -1 : a.ticketId > b.ticketId ? 1 : 0);
}
