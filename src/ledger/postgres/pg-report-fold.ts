import type pg from 'pg';
import type { GroupBy, ReportInput, TicketFacts } from '../../reports/types.js';
import { classRowToClass, factsRowToKept, factsRowToTicket, toModelSpend } from '../sqlite/ticket-facts-rows.js';
import {
  CLASS_MODELS_SQL, CLASSES_BY_CUSTOMER_SQL, CLASSES_SQL, EVER, FOLD_LOCK_KEY, FULL_FACTS_SQL, INSERT_KEPT_MODELS_SQL, INSERT_KEPT_SQL,
  KEPT_UNSTABLE_SQL, RELINKED_SQL, RESTRICTED_FACTS_SQL, TICKETS_OF_CONVERSATIONS_SQL, TOUCHED_CONVERSATIONS_SQL, TOUCHED_TICKETS_SQL,
} from './pg-fold-sql.js';
import { PG_EXPAND_TICKETS_SQL } from './pg-ticket-timeline.js';
import { checkout } from './pg-connection.js';

/*
 * The report's kept per-ticket facts on PostgreSQL, and why a fold never skips a row.
 *
 * SQLite folds "every call after rowid N": its writers commit one at a time, in rowid order.
 * PostgreSQL's do not: a sequence value or id taken by a transaction that commits late is
 * smaller than ids already committed, so a watermark "everything up to N" would skip it for good.
 *
 * Instead, each row records the transaction that wrote it (`xid`, `pg_current_xact_id()`), and a
 * fold records the snapshot it read in (`folded_snapshot`, `pg_current_snapshot()`). The next
 * fold (or report) takes exactly the rows that snapshot did not see,
 * `NOT pg_visible_in_snapshot(xid, folded_snapshot)`: those committed after it was taken,
 * whatever their ids, and those whose transaction was still running then (listed in the
 * snapshot as in progress). A row a fold does not see yet (its writer still running) is not
 * visible in that fold's snapshot either, so the fold after takes it: no row is skipped, and no
 * row is folded twice, since a row visible in a snapshot is folded by the fold that recorded it.
 * `xid >= pg_snapshot_xmin(snapshot)` (every xid below it is visible) lets the `xid` index find
 * those rows without reading the others. xid8 does not wrap around.
 *
 * One replica folds at a time (a session advisory lock, tried, never waited for); the others
 * read what is kept and recompute, for their report only, the tickets touched since.
 */

async function rows(client: pg.ClientBase, text: string, values: unknown[]): Promise<unknown[][]> {
  return (await client.query({ text, values, rowMode: 'array' })).rows as unknown[][];
}

async function column(client: pg.ClientBase, text: string, values: unknown[]): Promise<string[]> {
  return (await rows(client, text, values)).map((r) => r[0] as string).filter((value) => value !== null);
}

/** What `report_cache_state` says, and the snapshot of the caller's transaction. */
interface FoldState {
  /** The snapshot the kept facts were folded in; `null`: nothing valid is kept (never folded, or calls changed since). */
  folded: string | null;
  generation: number;
  /** The caller's own snapshot. */
  now: string;
}

async function readState(client: pg.ClientBase): Promise<FoldState> {
  const [r] = await rows(client, `SELECT folded_snapshot::text, built_generation, generation, pg_current_snapshot()::text
    FROM report_cache_state`, []);
  const valid = r![0] !== null && r![1] === r![2];
  return { folded: valid ? r![0] as string : null, generation: r![2] as number, now: r![3] as string };
}

/** Tickets touched by the rows the snapshot `since` did not see (those visible to the caller's transaction). */
async function touchedTickets(client: pg.ClientBase, since: string): Promise<Set<string>> {
  const conversations = await column(client, TOUCHED_CONVERSATIONS_SQL, [since]);
  const tickets = new Set(await column(client, TOUCHED_TICKETS_SQL, [since]));
  if (conversations.length > 0) for (const ticket of await column(client, TICKETS_OF_CONVERSATIONS_SQL, [conversations])) tickets.add(ticket);
  return tickets;
}

/** The facts rows of `tickets` over [from, to), as of `to`, reading only the conversations that may be theirs. */
async function restrictedFacts(client: pg.ClientBase, tickets: string[], window: { from: number; to: number }): Promise<unknown[][]> {
  if (tickets.length === 0) return [];
  const conversations = await column(client, PG_EXPAND_TICKETS_SQL, [tickets]);
  return rows(client, RESTRICTED_FACTS_SQL, [window.from, window.to, tickets, conversations]);
}

/** Replaces the kept rows of `tickets` (all of them, when `null`) with the facts rows given, classified. */
async function keep(client: pg.ClientBase, tickets: string[] | null, facts: unknown[][]): Promise<void> {
  if (tickets === null) {
    await client.query('DELETE FROM report_ticket_facts');
    await client.query('DELETE FROM report_ticket_models');
  } else if (tickets.length > 0) {
    await client.query('DELETE FROM report_ticket_facts WHERE ticket_id = ANY($1::text[])', [tickets]);
    await client.query('DELETE FROM report_ticket_models WHERE ticket_id = ANY($1::text[])', [tickets]);
  }
  const kept = facts.map(factsRowToKept);
  if (kept.length === 0) return;
  await client.query(INSERT_KEPT_SQL, [JSON.stringify(kept.map((k) => k.ticket))]);
  const models = kept.flatMap((k) => k.models);
  if (models.length > 0) await client.query(INSERT_KEPT_MODELS_SQL, [JSON.stringify(models)]);
}

/**
 * Brings the kept facts up to date when no other replica is doing so: in one `REPEATABLE READ`
 * transaction, every ticket touched since the last fold (all of them, the first time or after
 * calls were changed) is folded again and kept, with this transaction's snapshot. A concurrent
 * change of the state (a reprice, a prune, a new hourly rate) fails the transaction
 * (serialization failure): the next report folds again. Returns whether it folded.
 */
export async function foldKeptFacts(pool: pg.Pool): Promise<boolean> {
  const client = await checkout(pool);
  let broken = false;
  try {
    const locked = (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [FOLD_LOCK_KEY])).rows[0]!.locked;
    if (!locked) return false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      const state = await readState(client);
      if (state.folded === null) {
        await keep(client, null, await rows(client, FULL_FACTS_SQL, [EVER.from, EVER.to]));
        // Statistics now, not when autovacuum comes by: without them, summing 200,000 kept tickets
        // by class is planned as a sort spilled to disk (0.7 s) instead of a hash (0.1 s).
        await client.query('ANALYZE report_ticket_facts, report_ticket_models');
      } else {
        const tickets = [...await touchedTickets(client, state.folded)];
        if (tickets.length === 0 && state.folded === state.now) {
          await client.query('COMMIT');
          return true;
        }
        await keep(client, tickets, await restrictedFacts(client, tickets, EVER));
      }
      await client.query('UPDATE report_cache_state SET folded_snapshot = $1::pg_snapshot, built_generation = $2', [state.now, state.generation]);
      await client.query('COMMIT');
      return true;
    } catch (error) {
      broken = await client.query('ROLLBACK').then(() => false, () => true);
      // Another transaction changed the state meanwhile: the next report folds again.
      if ((error as { code?: string }).code === '40001') return false;
      throw error;
    } finally {
      if (!broken) await client.query('SELECT pg_advisory_unlock($1)', [FOLD_LOCK_KEY]).catch(() => {});
    }
  } finally {
    client.release(broken);
  }
}

/**
 * The tickets a report over `window` reads one by one, computed for it, in the caller's
 * `REPEATABLE READ` transaction: those touched since the last fold, and those whose facts as of
 * the window's end differ from their facts as of now (`setApart`: their ids). Without valid kept
 * facts, every ticket, and `setApart` is `null`: nothing kept is to be read.
 */
export async function readSetApart(client: pg.ClientBase, { window, humanHourlyRate }:
  { window: { from: number; to: number }; humanHourlyRate: number | null }): Promise<{ tickets: TicketFacts[]; setApart: string[] | null }> {
  const state = await readState(client);
  const toTicket = (row: unknown[]): TicketFacts => factsRowToTicket(row, humanHourlyRate);
  if (state.folded === null) return { tickets: (await rows(client, FULL_FACTS_SQL, [window.from, window.to])).map(toTicket), setApart: null };
  const apart = await touchedTickets(client, state.folded);
  const relinked = await column(client, RELINKED_SQL, [window.to]);
  if (relinked.length > 0) for (const ticket of await column(client, TICKETS_OF_CONVERSATIONS_SQL, [relinked])) apart.add(ticket);
  for (const ticket of await column(client, KEPT_UNSTABLE_SQL, [window.to])) apart.add(ticket);
  const setApart = [...apart];
  return { tickets: (await restrictedFacts(client, setApart, window)).map(toTicket), setApart };
}

/** The tickets of one report: `ReportInput`'s `tickets`, `ticketClasses`, `ticketClassModels`, `ticketClassesByCustomer`. */
export type PgReportTickets = Pick<ReportInput, 'tickets' | 'ticketClasses' | 'ticketClassModels' | 'ticketClassesByCustomer'>;

/**
 * The tickets of a report over `window`, as of its end, in the caller's `REPEATABLE READ`
 * transaction: the kept tickets that hold for the window summed by class in SQL, and one by one
 * the tickets set apart, computed for this window: those touched since the last fold, and those
 * whose facts as of the window's end differ from their facts as of now. Without valid kept
 * facts, every ticket is folded for the window.
 */
export async function readPgReportTickets(client: pg.ClientBase, { window, humanHourlyRate, groupBy }:
  { window: { from: number; to: number }; humanHourlyRate: number | null; groupBy?: GroupBy }): Promise<PgReportTickets> {
  const { tickets, setApart } = await readSetApart(client, { window, humanHourlyRate });
  if (setApart === null) return { tickets };
  const params = [window.from, window.to, setApart];
  // Classes mix customers (fewer rows to sum) unless the report is grouped by customer.
  const classes = await rows(client, groupBy === 'customer' ? CLASSES_BY_CUSTOMER_SQL : CLASSES_SQL, params);
  return {
    tickets,
    ticketClasses: classes.map((row) => classRowToClass(row, humanHourlyRate)),
    ticketClassesByCustomer: groupBy === 'customer',
    ticketClassModels: (await rows(client, CLASS_MODELS_SQL, params)).map(toModelSpend),
  };
}
