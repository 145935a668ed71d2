import type { Database } from 'better-sqlite3';
import { perConnection } from '../ledger/sqlite/per-connection.js';
import type { StageMove } from './map-hubspot.js';

const statements = perConnection((db) => ({
  insert: db.prepare(`INSERT INTO helpdesk_stage_moves (helpdesk, move_key, ticket_id, at, stage_id) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (helpdesk, move_key) DO NOTHING`),
  // Ties on time are broken by key, so that both neighbours are well defined whatever the arrival order.
  previous: db.prepare(`SELECT move_key AS key, ticket_id AS ticketId, at, stage_id AS stageId FROM helpdesk_stage_moves
    WHERE helpdesk = @helpdesk AND ticket_id = @ticketId AND (at < @at OR (at = @at AND move_key < @key))
    ORDER BY at DESC, move_key DESC LIMIT 1`),
  next: db.prepare(`SELECT move_key AS key, ticket_id AS ticketId, at, stage_id AS stageId FROM helpdesk_stage_moves
    WHERE helpdesk = @helpdesk AND ticket_id = @ticketId AND (at > @at OR (at = @at AND move_key > @key))
    ORDER BY at, move_key LIMIT 1`),
}));

/**
 * Remembers a stage move and answers its neighbours in time. `null` neighbours when the move
 * was already known (a redelivery: nothing new to derive).
 */
export function rememberStageMove(db: Database, { helpdesk, move }: { helpdesk: string; move: StageMove }):
  { previous: StageMove | null; next: StageMove | null } | null {
  const s = statements(db);
  const info = s.insert.run(helpdesk, move.key, move.ticketId, move.at, move.stageId);
  if (info.changes === 0) return null;
  const params = { helpdesk, ticketId: move.ticketId, at: move.at, key: move.key };
  return {
    previous: (s.previous.get(params) as StageMove | undefined) ?? null,
    next: (s.next.get(params) as StageMove | undefined) ?? null,
  };
}
