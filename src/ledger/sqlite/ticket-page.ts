import type { Database, Statement } from 'better-sqlite3';
import { classifyTicket } from '../../reports/classify-ticket.js';
import { loadedCost } from '../../reports/compute-report.js';
import type { TicketPath, TicketShares } from '../../reports/compute-report.js';
import { money } from '../../reports/figures.js';
import { NO_GROUP_KEY } from '../../reports/types.js';
import { ticketStatus } from '../../tickets/ticket-status.js';
import type { TicketPage, TicketPageOptions, TicketPathFilter, TicketRow } from '../ticket-explorer.js';
import { perConnection } from './per-connection.js';
import { KEPT_IN_WINDOW, readReportTickets } from './report-cache.js';

/** Outcome bits of a kept row (`report_ticket_facts.outcome`). */
const RESOLVED = 1;
const AI_HANDLED = 2;
const ESCALATED = 4;

/** The filters, as constant SQL fragments over a kept row; the values are parameters. */
const PATH_SQL: Record<TicketPathFilter, string> = {
  contained: 'AND outcome & 6 = 2',
  escalated: 'AND outcome & 6 = 6',
  'human-only': 'AND outcome & 2 = 0',
  unresolved: 'AND outcome & 1 = 0',
};
const CATEGORY_SQL = { value: 'AND category = @category', none: 'AND category IS NULL' };
const CHANNEL_SQL = { value: 'AND channel = @channel', none: 'AND channel IS NULL' };
const CUSTOMER_SQL = {
  value: 'AND ticket_id IN (SELECT ticket_id FROM tickets WHERE customer_id = @customer)',
  none: 'AND ticket_id NOT IN (SELECT ticket_id FROM tickets WHERE customer_id IS NOT NULL)',
};
/**
 * A kept row's loaded cost, as `loadedCost()` computes it, with the window's shares as parameters:
 * the sort key. Human work without an amount at the rate given (`@rate`), else (NULL) at the
 * ledger's rates in effect when it was done (`human_rated_usd`), as `factsRowToTicket` prices it.
 */
const LOADED_SQL = `(cost_usd + human_cost_usd + IIF(@rate IS NULL, human_rated_usd, human_unpriced_seconds * @rate / 3600.0)
  + CASE WHEN outcome & 2 = 0 THEN @shareHumanOnly WHEN outcome & 4 <> 0 THEN @shareEscalated ELSE @shareContained END)`;
const ORDER_SQL = {
  'cost desc': `${LOADED_SQL} DESC, ticket_id`,
  'cost asc': `${LOADED_SQL} ASC, ticket_id`,
  'time desc': 'key_time DESC, ticket_id',
  'time asc': 'key_time ASC, ticket_id',
} as const;
const ROW_COLUMNS = `ticket_id, key_time, outcome, category, channel, conversations, calls, unpriced, cost_usd, human_cost_usd,
  human_unpriced_seconds, human_rated_usd`;

const statements = perConnection((db) => ({
  pages: new Map<string, { page: Statement; count: Statement }>(),
  prepare(where: string, order: keyof typeof ORDER_SQL) {
    const key = `${where}|${order}`;
    let prepared = this.pages.get(key);
    if (prepared === undefined) {
      prepared = {
        page: db.prepare(`SELECT ${ROW_COLUMNS} FROM main.report_ticket_facts WHERE ${KEPT_IN_WINDOW} ${where}
          ORDER BY ${ORDER_SQL[order]} LIMIT @limit OFFSET @offset`).raw(),
        count: db.prepare(`SELECT COUNT(*) FROM main.report_ticket_facts WHERE ${KEPT_IN_WINDOW} ${where}`).pluck(),
      };
      this.pages.set(key, prepared);
    }
    return prepared;
  },
  openedAt: db.prepare('SELECT opened_at FROM main.report_ticket_facts WHERE ticket_id = ?').pluck(),
  customer: db.prepare('SELECT customer_id FROM tickets WHERE ticket_id = ?').pluck(),
}));

/** A row before its customer and opening are looked up (only for the page's rows). */
type Candidate = Omit<TicketRow, 'customerId' | 'openedAt'> & { openedAtMs?: number; sortKey: number };

/**
 * A page of the tickets in scope of `options.window`, filtered and sorted, with each ticket's
 * loaded cost computed by the report's own rule (`loadedCost` with `shares`, the window's
 * `ticketShares(input)`): the kept tickets are read a page at a time in SQL,
 * ordered by the same sum, and the few tickets a report reads one by one (changed since kept,
 * or with facts after the window) are merged in. Never reads every ticket into memory. `counts`,
 * when given, keeps the number of matching kept tickets per filter for the next pages: the
 * caller gives a new map whenever the ledger changed (with the shares, which change with it).
 *
 * @example
 * readTicketPage(db, ticketShares(input), { window, humanHourlyRate: 40, path: 'escalated', limit: 20, offset: 0 });
 */
export function readTicketPage(db: Database, shares: TicketShares, options: TicketPageOptions, counts?: Map<string, number>): TicketPage {
  const { window, humanHourlyRate = null, sort = 'cost', order = 'desc', limit, offset } = options;
  const s = statements(db);
  const where = [
    options.path === undefined ? '' : PATH_SQL[options.path],
    options.category === undefined ? '' : options.category === NO_GROUP_KEY ? CATEGORY_SQL.none : CATEGORY_SQL.value,
    options.channel === undefined ? '' : options.channel === NO_GROUP_KEY ? CHANNEL_SQL.none : CHANNEL_SQL.value,
    options.customer === undefined ? '' : options.customer === NO_GROUP_KEY ? CUSTOMER_SQL.none : CUSTOMER_SQL.value,
  ].join(' ');
  const params = {
    from: window.from, to: window.to, rate: humanHourlyRate,
    shareContained: shareOf(shares, 'contained'), shareEscalated: shareOf(shares, 'escalated'), shareHumanOnly: shareOf(shares, 'human-only'),
    category: options.category ?? null, channel: options.channel ?? null, customer: options.customer ?? null,
  };
  const { page, count } = s.prepare(where, `${sort} ${order}`);
  let installRefresh = (): void => {};
  const { total, rows } = db.transaction(() => {
    const { tickets, install } = readReportTickets(db, { window, humanHourlyRate, classes: false });
    installRefresh = install;
    // The tickets a report reads one by one, classified as it does, and filtered here.
    const single: Candidate[] = [];
    for (const facts of tickets.tickets) {
      const c = classifyTicket(facts, ticketStatus(facts.statusChanges, window.to));
      if (c.keyTime < window.from || c.keyTime >= window.to) continue;
      const row = candidate({
        ticketId: facts.ticketId, keyTime: c.keyTime, path: pathOf(c), resolved: c.resolved, category: facts.category,
        channel: facts.channel, conversations: facts.conversations, llmCalls: c.llm.calls, unpricedLlmCalls: c.llm.unpricedCalls,
        llmCostUsd: c.llm.costUsd, humanCostUsd: facts.humanCostUsd,
      }, { shares, sort });
      row.openedAtMs = facts.openedAt;
      if (matches(row, options, () => s.customer.get(row.ticketId) as string | null)) single.push(row);
    }
    const countKey = `${where}|${params.category}|${params.channel}|${params.customer}`;
    const keptTotal = counts?.get(countKey) ?? (count.get(params) as number);
    counts?.set(countKey, keptTotal);
    // With no ticket to merge, SQL pages alone; else it gives every row up to the page's end, and the merge pages.
    const keptRows = (page.all({ ...params, limit: single.length === 0 ? limit : offset + limit, offset: single.length === 0 ? offset : 0 }) as unknown[][])
      .map((r) => keptCandidate(r, { shares, sort, humanHourlyRate }));
    const merged = single.length === 0 ? keptRows
      : [...keptRows, ...single].sort(compare(order)).slice(offset, offset + limit);
    const rows = merged.map((row): TicketRow => {
      const { sortKey: _sortKey, openedAtMs, ...rest } = row;
      return {
        ...rest,
        customerId: (s.customer.get(row.ticketId) as string | null | undefined) ?? null,
        openedAt: new Date(openedAtMs ?? (s.openedAt.get(row.ticketId) as number)).toISOString(),
      };
    });
    return { total: keptTotal + single.length, rows };
  })();
  installRefresh();
  return { window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() }, total, limit, offset, sort, order, tickets: rows };
}

function shareOf(shares: TicketShares, path: TicketPath): number {
  return shares[path].unattributedUsd + shares[path].fixedUsd;
}

function pathOf({ aiHandled, escalated }: { aiHandled: boolean; escalated: boolean }): TicketPath {
  return !aiHandled ? 'human-only' : escalated ? 'escalated' : 'contained';
}

interface Direct {
  ticketId: string;
  keyTime: number;
  path: TicketPath;
  resolved: boolean;
  category: string | null;
  channel: string | null;
  conversations: number;
  llmCalls: number;
  unpricedLlmCalls: number;
  llmCostUsd: number;
  humanCostUsd: number;
}

function candidate(d: Direct, { shares, sort }: { shares: TicketShares; sort: 'cost' | 'time' }): Candidate {
  const loaded = loadedCost(d, shares);
  return {
    ticketId: d.ticketId, category: d.category, channel: d.channel, path: d.path, resolved: d.resolved,
    keyTime: new Date(d.keyTime).toISOString(), conversations: d.conversations, llmCalls: d.llmCalls,
    unpricedLlmCalls: d.unpricedLlmCalls, llmCostUsd: money(d.llmCostUsd), humanCostUsd: money(d.humanCostUsd),
    sharesUsd: money(shareOf(shares, d.path)), loadedCostUsd: money(loaded),
    sortKey: sort === 'cost' ? loaded : d.keyTime,
  };
}

/** A kept row (`ROW_COLUMNS`) as a candidate; human work without an amount priced as `factsRowToTicket` does. */
function keptCandidate(r: unknown[], { shares, sort, humanHourlyRate }: { shares: TicketShares; sort: 'cost' | 'time'; humanHourlyRate: number | null }): Candidate {
  const outcome = r[2] as number;
  return candidate({
    ticketId: r[0] as string, keyTime: r[1] as number,
    path: pathOf({ aiHandled: (outcome & AI_HANDLED) !== 0, escalated: (outcome & ESCALATED) !== 0 }),
    resolved: (outcome & RESOLVED) !== 0, category: r[3] as string | null, channel: r[4] as string | null,
    conversations: r[5] as number, llmCalls: r[6] as number, unpricedLlmCalls: r[7] as number, llmCostUsd: r[8] as number,
    humanCostUsd: (r[9] as number) + (humanHourlyRate === null ? r[11] as number : ((r[10] as number) * humanHourlyRate) / 3600),
  }, { shares, sort });
}

function matches(row: Candidate, options: TicketPageOptions, customerOf: () => string | null): boolean {
  const is = (value: string | null, wanted: string | undefined) => wanted === undefined || (wanted === NO_GROUP_KEY ? value === null : value === wanted);
  if (options.path === 'unresolved' ? row.resolved : options.path !== undefined && row.path !== options.path) return false;
  return is(row.category, options.category) && is(row.channel, options.channel)
    && (options.customer === undefined || is(customerOf(), options.customer));
}

function compare(order: 'asc' | 'desc') {
  const sign = order === 'asc' ? 1 : -1;
  return (a: Candidate, b: Candidate): number => sign * (a.sortKey - b.sortKey) || (a.ticketId < b.ticketId ? -1 : a.ticketId > b.ticketId ? 1 : 0);
}
