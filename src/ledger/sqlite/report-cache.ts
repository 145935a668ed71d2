import type { Database } from 'better-sqlite3';
import type { TimeWindow } from '../ledger.js';
import { perConnection } from './per-connection.js';
import type { GroupBy, ReportInput, TicketFacts } from '../../reports/types.js';
import { classRowToClass, factsRowToKept, factsRowToTicket, KEPT_COLUMNS, KEPT_MODEL_COLUMNS, toModelSpend } from './ticket-facts-rows.js';
import { FACTS_COLUMNS, FACTS_TEMP_TABLES, ticketFactsSql } from './ticket-facts-sql.js';

/** The first and last ms a window can name: the cache holds the facts as of the end of time. */
const EVER: TimeWindow = { from: Number.MIN_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER };

/** What the cache was built from, as `report_cache_state` says. */
interface CacheState {
  callsRowid: number | null;
  eventsSeq: number | null;
  builtGeneration: number;
  generation: number;
}

/** What one refresh computed in a read snapshot, to be installed afterwards. */
interface Refresh {
  seen: CacheState;
  /** Every ticket recomputed (the cache held no valid rows), or only those in `temp.facts_dirty`. */
  full: boolean;
  callsRowid: number;
  eventsSeq: number;
}

const columns = FACTS_COLUMNS.join(', ');
const keptColumns = KEPT_COLUMNS.join(', ');
const keptModelColumns = KEPT_MODEL_COLUMNS.join(', ');

/** Tickets a report reads some other way than as kept: the ones it recomputes for its window, and the ones refreshed. */
const NOT_SET_APART = `ticket_id NOT IN (SELECT ticket_id FROM temp.facts_tickets)
  AND ticket_id NOT IN (SELECT ticket_id FROM temp.facts_dirty)`;

/** Kept tickets a report over [@from, @to) counts as they were kept: in scope, and no fact at or after @to, and not set apart. */
export const KEPT_IN_WINDOW = `key_time >= @from AND key_time < @to AND last_at < @to AND ${NOT_SET_APART}`;
const SUM_SPEND = `SUM(calls), SUM(unpriced), SUM(estimated), SUM(input_tokens), SUM(cached_tokens), SUM(output_tokens),
  SUM(reasoning_tokens), TOTAL(cost_usd)`;

/**
 * Conversations that may belong to the tickets in `temp.facts_tickets`, as of any time: linked
 * to one of them, named by a call that names one of them, or being one (an implicit ticket).
 */
export const EXPAND_TICKETS_SQL = `
INSERT OR IGNORE INTO temp.facts_conversations (conversation_id)
SELECT conversation_id FROM conversation_links WHERE ticket_id IN (SELECT ticket_id FROM temp.facts_tickets)
UNION SELECT conversation_id FROM llm_calls
       WHERE ticket_id IN (SELECT ticket_id FROM temp.facts_tickets) AND conversation_id IS NOT NULL
UNION SELECT ticket_id FROM temp.facts_tickets`;

/** Tickets that the conversations in `temp.facts_touched` may belong to, at any time (the reverse of the above). */
const TICKETS_OF_TOUCHED_SQL = `
INSERT OR IGNORE INTO temp.facts_tickets (ticket_id)
SELECT ticket_id FROM conversation_links WHERE conversation_id IN (SELECT conversation_id FROM temp.facts_touched)
UNION SELECT ticket_id FROM llm_calls
       WHERE conversation_id IN (SELECT conversation_id FROM temp.facts_touched) AND ticket_id IS NOT NULL
UNION SELECT conversation_id FROM temp.facts_touched`;

/** Conversations and tickets touched by calls after rowid @calls and events after seq @events. */
const TOUCHED_CONVERSATIONS_SQL = `
INSERT OR IGNORE INTO temp.facts_touched (conversation_id)
SELECT conversation_id FROM llm_calls WHERE rowid > @calls AND conversation_id IS NOT NULL
UNION SELECT conversation_id FROM conversation_links WHERE seq > @events
UNION SELECT conversation_id FROM handoffs WHERE seq > @events AND conversation_id IS NOT NULL
UNION SELECT conversation_id FROM human_work WHERE seq > @events AND conversation_id IS NOT NULL
UNION SELECT conversation_id FROM status_changes WHERE seq > @events AND conversation_id IS NOT NULL`;
const TOUCHED_TICKETS_SQL = `
INSERT OR IGNORE INTO temp.facts_tickets (ticket_id)
SELECT ticket_id FROM llm_calls WHERE rowid > @calls AND conversation_id IS NULL AND ticket_id IS NOT NULL
UNION SELECT ticket_id FROM conversation_links WHERE seq > @events
UNION SELECT ticket_id FROM handoffs WHERE seq > @events AND ticket_id IS NOT NULL
UNION SELECT ticket_id FROM human_work WHERE seq > @events AND ticket_id IS NOT NULL
UNION SELECT ticket_id FROM status_changes WHERE seq > @events AND ticket_id IS NOT NULL
UNION SELECT json_extract(body, '$.ticketId') FROM events WHERE seq > @events AND type = 'ticket.opened'`;

/**
 * Tickets whose facts as of @to differ from their facts as of now: those with a fact at or after
 * @to (and one before), and every ticket a conversation relinked at or after @to may belong to.
 * A conversation whose every fact (link, call, event, and the opening of its implicit ticket) is
 * at or after @to moves nothing a report ending at @to sees: the tickets it is linked to then have
 * a fact at or after @to and are set apart by that. So only the conversations linked at or after
 * @to that have a fact before it count; a window followed by a month of new conversations does
 * not fold every ticket again. A `ticket.opened` of the conversation's own id before @to is such
 * a fact: as of @to that implicit ticket stands (it is no ticket as of now, so nothing kept holds it).
 */
const UNSTABLE_SQL = `
INSERT OR IGNORE INTO temp.facts_touched (conversation_id)
SELECT DISTINCT l.conversation_id FROM conversation_links l
 WHERE l.at >= @to
   AND (EXISTS (SELECT 1 FROM conversation_links p WHERE p.conversation_id = l.conversation_id AND p.at < @to)
     OR EXISTS (SELECT 1 FROM llm_calls c WHERE c.conversation_id = l.conversation_id AND c.started_at < @to)
     OR EXISTS (SELECT 1 FROM handoffs h WHERE h.conversation_id = l.conversation_id AND h.at < @to)
     OR EXISTS (SELECT 1 FROM human_work w WHERE w.conversation_id = l.conversation_id AND w.at < @to)
     OR EXISTS (SELECT 1 FROM status_changes s WHERE s.conversation_id = l.conversation_id AND s.at < @to)
     OR EXISTS (SELECT 1 FROM tickets t WHERE t.ticket_id = l.conversation_id AND t.opened_at < @to))`;

const TEMP_TABLES = `${FACTS_TEMP_TABLES}
  CREATE TEMP TABLE IF NOT EXISTS facts_touched (conversation_id TEXT PRIMARY KEY) WITHOUT ROWID;
  CREATE TEMP TABLE IF NOT EXISTS facts_dirty (ticket_id TEXT PRIMARY KEY) WITHOUT ROWID;
  CREATE TEMP TABLE IF NOT EXISTS facts_fresh (${columns});
  CREATE TEMP TABLE IF NOT EXISTS kept_fresh (${keptColumns});
  CREATE TEMP TABLE IF NOT EXISTS kept_models_fresh (${keptModelColumns});`;

/** Temp tables and statements of one connection (temp tables are per connection too). */
const statements = perConnection((db) => {
  db.exec(TEMP_TABLES);
  const notUnstable = 'ticket_id NOT IN (SELECT ticket_id FROM temp.facts_tickets)';
  return {
    state: db.prepare(`SELECT calls_rowid AS callsRowid, events_seq AS eventsSeq, built_generation AS builtGeneration,
      generation FROM report_cache_state`),
    maxRowid: db.prepare('SELECT IFNULL(MAX(rowid), 0) FROM llm_calls').pluck(),
    maxSeq: db.prepare('SELECT IFNULL(MAX(seq), 0) FROM events').pluck(),
    touchedConversations: db.prepare(TOUCHED_CONVERSATIONS_SQL),
    touchedTickets: db.prepare(TOUCHED_TICKETS_SQL),
    ticketsOfTouched: db.prepare(TICKETS_OF_TOUCHED_SQL),
    expandTickets: db.prepare(EXPAND_TICKETS_SQL),
    keepDirty: db.prepare('INSERT INTO temp.facts_dirty SELECT ticket_id FROM temp.facts_tickets'),
    computeFull: db.prepare(`INSERT INTO temp.facts_fresh (${columns}) ${ticketFactsSql({ restricted: false })}`),
    computeRestricted: db.prepare(`INSERT INTO temp.facts_fresh (${columns}) ${ticketFactsSql({ restricted: true })}`),
    unstableTouched: db.prepare(UNSTABLE_SQL),
    unstableKept: db.prepare(`INSERT OR IGNORE INTO temp.facts_tickets (ticket_id)
      SELECT ticket_id FROM main.report_ticket_facts WHERE last_at >= @to AND opened_at < @to
         AND ticket_id NOT IN (SELECT ticket_id FROM temp.facts_dirty)`),
    unstableFresh: db.prepare(`INSERT OR IGNORE INTO temp.facts_tickets (ticket_id)
      SELECT ticket_id FROM temp.facts_fresh WHERE last_at >= @to AND opened_at < @to`),
    readClasses: db.prepare(`SELECT category, channel, key_day, outcome, COUNT(*),
        SUM(conversations), SUM(with_calls), ${SUM_SPEND}, TOTAL(human_cost_usd), TOTAL(human_unpriced_seconds),
        TOTAL(human_rated_usd)
      FROM main.report_ticket_facts INDEXED BY report_ticket_facts_classes WHERE ${KEPT_IN_WINDOW}
      GROUP BY category, channel, key_day, outcome`).raw(),
    // By customer too: the kept rows hold each ticket's customer as it stands (a new one comes
    // with a `ticket.opened`, which makes the ticket fold again), as the fresh rows read it.
    readClassesByCustomer: db.prepare(`SELECT category, channel, key_day, outcome, COUNT(*),
        SUM(conversations), SUM(with_calls), ${SUM_SPEND}, TOTAL(human_cost_usd), TOTAL(human_unpriced_seconds),
        TOTAL(human_rated_usd), customer_id
      FROM main.report_ticket_facts INDEXED BY report_ticket_facts_customers WHERE ${KEPT_IN_WINDOW}
      GROUP BY customer_id, category, channel, key_day, outcome`).raw(),
    readClassModels: db.prepare(`SELECT model, ${SUM_SPEND}
      FROM main.report_ticket_models INDEXED BY report_ticket_models_by_model WHERE ${KEPT_IN_WINDOW}
      GROUP BY model`).raw(),
    readFresh: db.prepare(`SELECT ${columns} FROM temp.facts_fresh
      WHERE last_at >= @from AND last_at < @to AND ${notUnstable}`).raw(),
    readRestricted: db.prepare(ticketFactsSql({ restricted: true })).raw(),
    readAllFresh: db.prepare(`SELECT ${columns} FROM temp.facts_fresh`).raw(),
    insertKeptFresh: db.prepare(`INSERT INTO temp.kept_fresh VALUES (${KEPT_COLUMNS.map(() => '?').join(', ')})`),
    insertKeptModelFresh: db.prepare(`INSERT INTO temp.kept_models_fresh VALUES (${KEPT_MODEL_COLUMNS.map(() => '?').join(', ')})`),
    installKept: db.prepare(`INSERT INTO main.report_ticket_facts (${keptColumns}) SELECT ${keptColumns} FROM temp.kept_fresh`),
    installKeptModels: db.prepare(`INSERT INTO main.report_ticket_models (${keptModelColumns})
      SELECT ${keptModelColumns} FROM temp.kept_models_fresh`),
    deleteDirty: db.prepare('DELETE FROM main.report_ticket_facts WHERE ticket_id IN (SELECT ticket_id FROM temp.facts_dirty)'),
    deleteDirtyModels: db.prepare('DELETE FROM main.report_ticket_models WHERE ticket_id IN (SELECT ticket_id FROM temp.facts_dirty)'),
    deleteAll: db.prepare('DELETE FROM main.report_ticket_facts'),
    deleteAllModels: db.prepare('DELETE FROM main.report_ticket_models'),
    setState: db.prepare('UPDATE report_cache_state SET calls_rowid = ?, events_seq = ?, built_generation = ?'),
  };
});

/** The prepared statements of one connection. */
type Statements = ReturnType<typeof statements>;

/** cpr-meter's temp tables (each connection has its own). */
type TempTable = 'facts_tickets' | 'facts_conversations' | 'facts_touched' | 'facts_dirty' | 'facts_fresh' | 'kept_fresh' | 'kept_models_fresh';

function clear(db: Database, ...tables: TempTable[]): void {
  for (const table of tables) db.exec(`DELETE FROM temp.${table}`);
}

/**
 * Folds the kept tickets' changes into `temp.facts_fresh`, inside the caller's read transaction:
 * every ticket when nothing valid is kept, else only the tickets touched by the calls and events
 * recorded since (listed in `temp.facts_dirty`). Unless the ledger is read-only, they are also
 * classified into `temp.kept_fresh` and `temp.kept_models_fresh`, here, in the read snapshot,
 * so that installing them is a copy between tables: the write lock, which the proxy's
 * recording waits for, is held as briefly as can be.
 */
function refresh(db: Database, s: Statements): Refresh {
  clear(db, 'facts_tickets', 'facts_conversations', 'facts_touched', 'facts_dirty', 'facts_fresh', 'kept_fresh', 'kept_models_fresh');
  const done = refreshFacts(db, s);
  if (db.readonly) return done;
  for (const row of s.readAllFresh.all() as unknown[][]) {
    const kept = factsRowToKept(row);
    s.insertKeptFresh.run(kept.ticket);
    for (const model of kept.models) s.insertKeptModelFresh.run(model);
  }
  return done;
}

/** The facts rows of the tickets to refresh, into `temp.facts_fresh` (see {@link refresh}). */
function refreshFacts(db: Database, s: Statements): Refresh {
  const seen = s.state.get() as CacheState;
  const callsRowid = s.maxRowid.get() as number;
  const eventsSeq = s.maxSeq.get() as number;
  const full = seen.callsRowid === null || seen.eventsSeq === null || seen.builtGeneration !== seen.generation;
  if (full) {
    s.computeFull.run(EVER);
    return { seen, full, callsRowid, eventsSeq };
  }
  if (callsRowid > seen.callsRowid! || eventsSeq > seen.eventsSeq!) {
    const since = { calls: seen.callsRowid, events: seen.eventsSeq };
    s.touchedConversations.run(since);
    s.touchedTickets.run(since);
    s.ticketsOfTouched.run();
    s.expandTickets.run();
    s.keepDirty.run();
    s.computeRestricted.run(EVER);
  }
  return { seen, full, callsRowid, eventsSeq };
}

/**
 * Installs what {@link refresh} computed, unless the cache changed meanwhile (another process
 * installed its own refresh, or a call was changed or deleted). A read-only or busy ledger only
 * means the next report recomputes the same tickets.
 */
function install(db: Database, s: Statements, done: Refresh): void {
  if (db.readonly || (!done.full && done.callsRowid === done.seen.callsRowid && done.eventsSeq === done.seen.eventsSeq)) return;
  try {
    db.transaction(() => {
      const now = s.state.get() as CacheState;
      if (now.callsRowid !== done.seen.callsRowid || now.eventsSeq !== done.seen.eventsSeq
        || now.generation !== done.seen.generation || now.builtGeneration !== done.seen.builtGeneration) return;
      (done.full ? s.deleteAll : s.deleteDirty).run();
      (done.full ? s.deleteAllModels : s.deleteDirtyModels).run();
      s.installKept.run();
      s.installKeptModels.run();
      s.setState.run(done.callsRowid, done.eventsSeq, done.seen.generation);
    }).immediate();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'SQLITE_BUSY' && code !== 'SQLITE_READONLY' && code !== 'SQLITE_FULL') throw error;
  }
}

/**
 * Brings the kept tickets up to date, before a report reads them: the tickets touched since they
 * were kept (all of them, the first time) are folded again in a read snapshot and installed in a
 * short write transaction. Nothing to do on a read-only ledger, whose reports fold what changed
 * each time; a busy one leaves it to the next report.
 */
export function updateKeptTickets(db: Database): void {
  if (db.readonly) return;
  const s = statements(db);
  install(db, s, db.transaction(() => refresh(db, s))());
}

/**
 * Every ticket with activity in `window`, as of its end, folded from scratch one by one from the
 * calls and events (the SQL that fills the kept tickets, over the whole ledger), without reading
 * or changing what is kept: what reports are checked against.
 */
export function foldTicketFacts(db: Database, { window, humanHourlyRate = null }: { window: TimeWindow; humanHourlyRate?: number | null }): TicketFacts[] {
  statements(db);
  const rows = db.prepare(ticketFactsSql({ restricted: false })).raw().all({ from: window.from, to: window.to }) as unknown[][];
  return rows.map((row) => factsRowToTicket(row, humanHourlyRate));
}

/** The tickets of one report: {@link ReportInput}'s `tickets`, `ticketClasses`, `ticketClassModels` and `ticketClassesByCustomer`. */
export type ReportTickets = Pick<ReportInput, 'tickets' | 'ticketClasses' | 'ticketClassModels' | 'ticketClassesByCustomer'>;

/**
 * The tickets of a report over `window`, as of its end, read in the caller's transaction (one
 * snapshot): the kept tickets that hold for the window, summed by class in SQL; one by one, the
 * tickets touched since they were kept (refreshed now) and, computed for this window alone, the
 * tickets whose facts differ as of its end (a fact at or after it, or a conversation relinked at
 * or after it). Returns them, and the step that keeps the refreshed tickets for the next report,
 * to be called once the transaction has ended. With `classes: false` the kept tickets are not
 * summed (a ticket list reads them one page at a time, `ticket-page.ts`).
 *
 * @example
 * const { tickets, install } = db.transaction(() => readReportTickets(db, { window, humanHourlyRate: 40 }))();
 * install();
 */
export function readReportTickets(
  db: Database,
  { window, humanHourlyRate = null, groupBy, classes = true }: { window: TimeWindow; humanHourlyRate?: number | null; groupBy?: GroupBy; classes?: boolean },
): { tickets: ReportTickets; install: () => void } {
  if (!db.inTransaction) throw new Error('readReportTickets() reads in its caller\'s transaction');
  const s = statements(db);
  const refreshed = refresh(db, s);
  clear(db, 'facts_tickets', 'facts_conversations', 'facts_touched');
  s.unstableTouched.run({ to: window.to });
  s.ticketsOfTouched.run();
  if (!refreshed.full) s.unstableKept.run({ to: window.to });
  s.unstableFresh.run({ to: window.to });
  s.expandTickets.run();
  const params = { from: window.from, to: window.to };
  const tickets: TicketFacts[] = [];
  for (const row of s.readFresh.iterate(params) as IterableIterator<unknown[]>) tickets.push(factsRowToTicket(row, humanHourlyRate));
  for (const row of s.readRestricted.iterate(params) as IterableIterator<unknown[]>) tickets.push(factsRowToTicket(row, humanHourlyRate));
  const result: ReportTickets = { tickets };
  if (!refreshed.full && classes) {
    // Classes mix customers (fewer rows to sum) unless the report is grouped by customer.
    const readClasses = groupBy === 'customer' ? s.readClassesByCustomer : s.readClasses;
    result.ticketClasses = (readClasses.all(params) as unknown[][]).map((row) => classRowToClass(row, humanHourlyRate));
    result.ticketClassesByCustomer = groupBy === 'customer';
    result.ticketClassModels = (s.readClassModels.all(params) as unknown[][]).map(toModelSpend);
  }
  return { tickets: result, install: () => install(db, s, refreshed) };
}
