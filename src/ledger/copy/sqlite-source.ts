import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import type { CprEvent } from '../../tickets/types.js';
import { eventContentHash } from '../../tickets/event-content-hash.js';
import type { LedgerSetting } from '../settings.js';
import { readSettings } from '../sqlite/settings-store.js';
import { callFromRow, type CallRow } from './call-from-row.js';
import type { LlmCall } from '../types.js';
import { LedgerError } from '../../errors.js';

/** One helpdesk stage move (HubSpot), as `helpdesk_stage_moves` keeps it. */
export interface StageMoveRow {
  helpdesk: string;
  key: string;
  ticketId: string;
  at: number;
  stageId: string;
}

/** A read of rows in position order: the rows, and the position (rowid, `seq`) of the last. */
export interface SourceBatch<T> {
  items: T[];
  last: number;
}

/** The rows of a part, in the order they were written: rowid for calls, `seq` for events. */
export interface SequencedSource<T> {
  /** Rows in all. */
  count(): number;
  /** Rows at positions up to `position`. */
  countUpTo(position: number): number;
  /** Up to `limit` rows after `after`, in position order. */
  read(after: number, limit: number): SourceBatch<T>;
  /** The keys (call ids, event ids as copied) of up to `limit` rows after `after`, in position order. */
  keys(after: number, limit: number): SourceBatch<string>;
}

/**
 * An event as the copy stores it: the event as it was recorded (its stored body), with its
 * `eventId`. An event stored without one (no deduplication asked) is given
 * `copy:<seq>:<first 16 characters of its content hash>`, so that copying it again skips it.
 */
function copiedEvent(seq: number, eventId: string | null, body: string): CprEvent {
  const event = JSON.parse(body) as CprEvent;
  return { ...event, eventId: eventId ?? `copy:${seq}:${eventContentHash(event).slice(0, 16)}` };
}

/** The statements that read a part in the order it was written (written out: no SQL is assembled). */
const SQL = {
  llm_calls: {
    read: 'SELECT rowid AS position, * FROM llm_calls WHERE rowid > ? ORDER BY rowid LIMIT ?',
    count: 'SELECT COUNT(*) FROM llm_calls',
    countUpTo: 'SELECT COUNT(*) FROM llm_calls WHERE rowid <= ?',
    keys: 'SELECT rowid AS position, id AS key FROM llm_calls WHERE rowid > ? ORDER BY rowid LIMIT ?',
  },
  events: {
    read: 'SELECT seq AS position, * FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
    count: 'SELECT COUNT(*) FROM events',
    countUpTo: 'SELECT COUNT(*) FROM events WHERE seq <= ?',
    keys: 'SELECT seq AS position, event_id AS key, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
  },
} as const;

/**
 * An embedded ledger read for a copy, read-only, in batches, in the order its rows were written
 * (rowid; events by `seq`).
 */
export class SqliteCopySource {
  readonly db: Database;
  readonly calls: SequencedSource<LlmCall>;
  readonly events: SequencedSource<CprEvent>;

  readonly #tables: Set<string>;

  /** Opens `path` read-only; a file without cpr-meter's tables (an empty database) is refused with a `LedgerError`. */
  constructor(path: string) {
    this.db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
    this.#tables = new Set(this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    if (!this.#tables.has('llm_calls') || !this.#tables.has('events')) {
      this.db.close();
      throw new LedgerError(`${path} holds no cpr-meter ledger (no llm_calls and events tables): nothing to copy. Check --from.`,
        { path, code: 'LEDGER_NOT_A_LEDGER' });
    }
    this.calls = this.#sequenced({ table: 'llm_calls', toItems: (rows) => rows.map((row) => callFromRow(row as CallRow)) });
    this.events = this.#sequenced({
      table: 'events',
      toItems: (rows) => rows.map((row) => copiedEvent(Number(row.seq), row.event_id as string | null, String(row.body))),
      keyOf: (row) => (row.key === null ? copiedEvent(Number(row.position), null, String(row.body)).eventId! : String(row.key)),
    });
  }

  /** The ledger's settings (none in a ledger made before they were kept). */
  settings(): LedgerSetting[] {
    return this.#tables.has('ledger_settings') ? readSettings(this.db) : [];
  }

  /** HubSpot's pipeline-stage moves (none in a ledger made before they were kept). */
  stageMoves(): StageMoveRow[] {
    if (!this.#tables.has('helpdesk_stage_moves')) return [];
    return this.db.prepare(`SELECT helpdesk, move_key AS key, ticket_id AS ticketId, at, stage_id AS stageId
      FROM helpdesk_stage_moves ORDER BY helpdesk, move_key`).all() as StageMoveRow[];
  }

  #sequenced<T>({ table, toItems, keyOf }: {
    table: 'llm_calls' | 'events';
    toItems: (rows: Array<Record<string, unknown>>) => T[];
    keyOf?: (row: Record<string, unknown>) => string;
  }): SequencedSource<T> {
    const sql = SQL[table];
    const read = this.db.prepare(sql.read);
    const countAll = this.db.prepare(sql.count).pluck();
    const countUpTo = this.db.prepare(sql.countUpTo).pluck();
    const keys = this.db.prepare(sql.keys);
    return {
      count: () => Number(countAll.get()),
      countUpTo: (at) => Number(countUpTo.get(at)),
      read: (after, limit) => {
        const rows = read.all(after, limit) as Array<Record<string, unknown>>;
        return { items: toItems(rows), last: rows.length === 0 ? after : Number(rows.at(-1)!.position) };
      },
      keys: (after, limit) => {
        const rows = keys.all(after, limit) as Array<Record<string, unknown>>;
        return { items: rows.map((row) => (keyOf ? keyOf(row) : String(row.key))), last: rows.length === 0 ? after : Number(rows.at(-1)!.position) };
      },
    };
  }

  close(): void {
    this.db.close();
  }
}
