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
  const exists = async (doing: string, sql: string, key: string) => ((await ledger.query(doing, sql, [key])).rowCount ?? 0) > 0;
  return {
    hasCall: (id) => exists('looking for a copied call', 'SELECT 1 FROM llm_calls WHERE id = $1', id),
    hasEvent: (eventId) => exists('looking for a copied event', 'SELECT 1 FROM events WHERE event_id = $1', eventId),
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
