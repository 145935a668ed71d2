import { afterAll, beforeAll } from 'vitest';
import type { Ledger } from '../../src/ledger/open-ledger.js';
import { openSqliteLedger, type SqliteLedger } from '../../src/ledger/sqlite/sqlite-ledger.js';
import { foldTicketFacts } from '../../src/ledger/sqlite/report-cache.js';
import { openPostgresLedger, type PostgresLedger } from '../../src/ledger/postgres/postgres-ledger.js';
import { foldPgTicketFacts } from '../../src/ledger/postgres/pg-report-input.js';
import type { LlmCall } from '../../src/ledger/types.js';
import type { TimeWindow } from '../../src/ledger/ledger.js';
import type { TicketFacts } from '../../src/reports/types.js';
import { insertCalls, type TestCall } from './open-test-db.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import { tempDir } from './temp-dir.js';

/** A ledger of one kind, empty, for a test: the {@link Ledger} contract and what tests need around it. */
export interface StoreUnderTest {
  kind: 'sqlite' | 'postgres';
  ledger: Ledger;
  /** Another ledger on the same store (another process, or replica). */
  openAnother(): Promise<Ledger>;
  /**
   * Another ledger on the same store whose reports keep nothing: SQLite read-only, a PostgreSQL
   * ledger that never folds (reads the kept facts and recomputes what changed since, every time).
   */
  openReader(): Promise<Ledger>;
  /** Inserts calls as the proxy would have recorded them (test shorthand: the fields a report reads). */
  insertCalls(calls: readonly TestCall[]): Promise<void>;
  /** Every ticket with activity in `window`, folded from scratch by the store's facts SQL, reading nothing kept. */
  foldTicketFacts(options: { window: TimeWindow; humanHourlyRate?: number | null }): Promise<TicketFacts[]>;
  /** Runs a statement given in both dialects' shared subset (`$1` parameters are rewritten for SQLite). */
  execute(sql: string, values?: unknown[]): Promise<void>;
  /** Rows in `table` (a name from the test's own code). */
  count(table: string): Promise<number>;
  /** Empties the store (every table) for the next history. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** A test call as the row the proxy would write (provider openai, operation chat, the model as request and response model). */
export function testCallToLlmCall(call: TestCall): LlmCall {
  const usage = call.usage === null ? null : { inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, ...call.usage };
  const model = call.responseModel ?? 'gpt-4o-mini';
  return {
    id: call.id, startedAt: call.startedAt, conversationId: call.conversationId ?? null, ticketId: call.ticketId ?? null,
    provider: 'openai', operation: 'chat', requestModel: model, responseModel: model, usage, costUsd: call.costUsd,
    prices: null, status: call.status ?? 'ok', httpStatus: 200, errorType: null, estimated: call.estimated ?? false,
    streamed: false, latencyMs: null, timeToFirstChunkMs: null, upstreamRequestId: null, responseId: null, finishReasons: [], source: 'proxy',
  };
}

const TABLES = ['llm_calls', 'conversation_links', 'handoffs', 'human_work', 'status_changes', 'fixed_costs', 'events', 'tickets',
  'conversations', 'ledger_settings', 'report_ticket_facts', 'report_ticket_models', 'helpdesk_stage_moves'];

/** A SQLite ledger on a file in a temp folder. */
async function sqliteStore(): Promise<StoreUnderTest> {
  const dir = tempDir();
  const path = dir.file('cpr.db');
  const ledger: SqliteLedger = openSqliteLedger({ path });
  const others: SqliteLedger[] = [];
  return {
    kind: 'sqlite', ledger,
    async openAnother() {
      const other = openSqliteLedger({ path });
      others.push(other);
      return other;
    },
    async openReader() {
      const other = openSqliteLedger({ path, readonly: true });
      others.push(other);
      return other;
    },
    insertCalls: async (calls) => insertCalls(ledger.db, calls),
    foldTicketFacts: async (options) => foldTicketFacts(ledger.db, options),
    execute: async (sql, values = []) => void ledger.db.prepare(sql.replace(/\$\d+/g, '?')).run(...values),
    count: async (table) => ledger.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number,
    async reset() {
      ledger.db.transaction(() => {
        for (const table of TABLES) ledger.db.prepare(`DELETE FROM ${table}`).run();
        ledger.db.prepare('UPDATE report_cache_state SET calls_rowid = NULL, events_seq = NULL').run();
      })();
    },
    async close() {
      for (const other of others) await other.close();
      await ledger.close();
      dir.remove();
    },
  };
}

/** A PostgreSQL ledger on a fresh database of the run's server. */
async function postgresStore(): Promise<StoreUnderTest> {
  const database: TestDatabase = await createTestDatabase();
  const ledger: PostgresLedger = await openPostgresLedger({ url: database.url, poolSize: 2 });
  const others: PostgresLedger[] = [];
  return {
    kind: 'postgres', ledger,
    async openAnother() {
      const other = await openPostgresLedger({ url: database.url, poolSize: 1 });
      others.push(other);
      return other;
    },
    async openReader() {
      const other = await openPostgresLedger({ url: database.url, poolSize: 1, foldKeptFacts: false });
      others.push(other);
      return other;
    },
    insertCalls: (calls) => ledger.recordBatch({ calls: calls.map(testCallToLlmCall), events: [] }),
    foldTicketFacts: ({ window, humanHourlyRate }) =>
      ledger.transaction('folding facts', (client) => foldPgTicketFacts(client, { window, humanHourlyRate }), { isolation: 'REPEATABLE READ' }),
    execute: async (sql, values = []) => void await ledger.pool.query(sql, values),
    count: async (table) => Number((await ledger.pool.query(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0].n),
    async reset() {
      await ledger.pool.query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY CASCADE`);
      await ledger.pool.query('UPDATE report_cache_state SET folded_snapshot = NULL');
    },
    async close() {
      for (const other of others) await other.close();
      await ledger.close();
      await database.drop();
    },
  };
}

/** Both stores, for `describe.each`: every test of the ledger's contract runs on SQLite and on PostgreSQL. */
export const LEDGER_STORES = [
  { kind: 'sqlite' as const, open: sqliteStore },
  { kind: 'postgres' as const, open: postgresStore },
];

/**
 * A store for a test file's tests, opened before them and closed after (reset with `reset()`).
 *
 * @example
 * describe.each(LEDGER_STORES)('on $kind', (store) => { const s = useLedgerStore(store); ... });
 */
export function useLedgerStore(factory: { open: () => Promise<StoreUnderTest> }): { readonly current: StoreUnderTest } {
  let store: StoreUnderTest | undefined;
  beforeAll(async () => {
    store = await factory.open();
  });
  afterAll(async () => {
    await store?.close();
  });
  return { get current() { return store!; } };
}
