import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations } from '../../src/ledger/sqlite/apply-migrations.js';
import { migrations } from '../../src/ledger/sqlite/migrations/index.js';
import type { LlmCall } from '../../src/ledger/types.js';
import type { TicketLedger } from '../../src/ledger/ticket-ledger.js';
import { insertEvents, loadReportInput } from '../../src/ledger/sqlite/ticket-store.js';

/** A migrated SQLite file in a fresh temp directory; `cleanup()` closes and deletes it. */
export interface TestDb {
  db: Database;
  path: string;
  cleanup(): void;
}

/** Opens (creating) a SQLite file at `path` and applies every migration. */
export function openMigrated(path: string): Database {
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  applyMigrations(db, migrations);
  return db;
}

/** Opens a real SQLite file under `os.tmpdir()` with every migration applied. */
export function openTestDb(): TestDb {
  const dir = mkdtempSync(join(tmpdir(), 'cpr-test-'));
  const path = join(dir, 'cpr.db');
  const db = openMigrated(path);
  return {
    db,
    path,
    cleanup() {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The fields of an LLM call row a report reads; the rest get plain defaults. */
export type TestCall = Partial<Omit<LlmCall, 'usage'>> & {
  id: string;
  startedAt: number;
  costUsd: number | null;
  usage?: Partial<NonNullable<LlmCall['usage']>> | null;
};

/** Inserts rows into `llm_calls` directly, as the proxy would have recorded them. */
export function insertCalls(db: Database, calls: readonly TestCall[]): void {
  const insert = db.prepare(`INSERT INTO llm_calls (id, started_at, conversation_id, ticket_id, provider, operation,
      request_model, response_model, input_tokens, cache_read_tokens, cache_write_tokens, output_tokens,
      reasoning_tokens, cost_usd, status, estimated)
    VALUES (@id, @startedAt, @conversationId, @ticketId, 'openai', 'chat', @model, @model, @input, @cacheRead, @cacheWrite,
      @output, @reasoning, @costUsd, @status, @estimated)`);
  db.transaction(() => {
    for (const call of calls) {
      const usage = call.usage === null ? null : { inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0,
        outputTokens: 0, reasoningTokens: 0, ...call.usage };
      insert.run({
        id: call.id, startedAt: call.startedAt, conversationId: call.conversationId ?? null,
        ticketId: call.ticketId ?? null, model: call.responseModel ?? 'gpt-4o-mini',
        input: usage?.inputTokens ?? null, cacheRead: usage?.cacheReadTokens ?? null,
        cacheWrite: usage?.cacheWriteTokens ?? null, output: usage?.outputTokens ?? null,
        reasoning: usage?.reasoningTokens ?? null, costUsd: call.costUsd, status: call.status ?? 'ok',
        estimated: call.estimated ? 1 : 0,
      });
    }
  })();
}

/**
 * A {@link TicketLedger} over a test database, delegating to the ticket store as the SQLite
 * ledger does. `close()` closes the connection only when `owned`.
 */
export function ticketLedgerOf(db: Database, { owned = false } = {}): TicketLedger & { close(): Promise<void> } {
  return {
    recordEvents: async (events) => insertEvents(db, events),
    reportInput: async (options) => loadReportInput(db, options),
    close: async () => {
      if (owned && db.open) db.close();
    },
  };
}
