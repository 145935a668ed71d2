import { insertCalls } from '../postgres/call-rows.js';
import type { PostgresLedger } from '../postgres/postgres-ledger.js';
import type { CopyTarget } from './copy-target.js';

/**
 * Stage moves in one statement of fixed text (one array per column, unnested into rows); a move
 * stored already is skipped.
 */
const INSERT_STAGE_MOVES = `INSERT INTO helpdesk_stage_moves (helpdesk, move_key, ticket_id, at, stage_id)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[])
  ON CONFLICT (helpdesk, move_key) DO NOTHING`;

/**
 * A PostgreSQL ledger as the target of a copy: calls through the ledger's own insert (one
 * statement per batch, a known id skipped), events through its `recordEvents` (one transaction,
 * derived tables included, a known id skipped), settings through its settings.
 */
export function postgresCopyTarget(ledger: PostgresLedger): CopyTarget {
  const count = async (doing: string, sql: string, keys: readonly string[]) =>
    Number((await ledger.query<{ n: number }>(doing, sql, [keys])).rows[0]!.n);
  return {
    countCalls: (ids) => count('looking for copied calls', 'SELECT COUNT(*) AS n FROM llm_calls WHERE id = ANY($1::text[])', ids),
    countEvents: (eventIds) => count('looking for copied events', 'SELECT COUNT(*) AS n FROM events WHERE event_id = ANY($1::text[])', eventIds),
    insertCalls: (calls) => ledger.transaction('copying calls', (client) => insertCalls(client, calls)),
    recordEvents: (events) => ledger.recordEvents(events),
    readSettings: () => ledger.readSettings(),
    writeSetting: (setting) => ledger.writeSetting(setting),
    insertStageMoves: async (moves) => {
      if (moves.length === 0) return 0;
      const { rowCount } = await ledger.query('copying helpdesk stage moves', INSERT_STAGE_MOVES, [
        moves.map((m) => m.helpdesk), moves.map((m) => m.key), moves.map((m) => m.ticketId), moves.map((m) => m.at), moves.map((m) => m.stageId),
      ]);
      return rowCount ?? 0;
    },
    close: () => ledger.close(),
  };
}
