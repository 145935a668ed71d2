import type { Database } from 'better-sqlite3';
import { perConnection } from './per-connection.js';
import type { RecordStageMovesResult, StageMove, StageMoveBatch, StageMoveNeighbours } from '../stage-moves.js';
import { insertEvents } from './ticket-store.js';

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
export function rememberStageMove(db: Database, { helpdesk, move }: { helpdesk: string; move: StageMove }): StageMoveNeighbours | null {
  const s = statements(db);
  const info = s.insert.run(helpdesk, move.key, move.ticketId, move.at, move.stageId);
  if (info.changes === 0) return null;
  const params = { helpdesk, ticketId: move.ticketId, at: move.at, key: move.key };
  return {
    previous: (s.previous.get(params) as StageMove | undefined) ?? null,
    next: (s.next.get(params) as StageMove | undefined) ?? null,
  };
}

/**
 * The ledger's `recordStageMoves` on a SQLite connection, synchronously, in one
 * transaction (a savepoint when the caller has one open: the webhook writer groups deliveries).
 */
export function recordStageMovesSync(db: Database, { helpdesk, moves, events, derive }: StageMoveBatch): RecordStageMovesResult {
  return db.transaction((): RecordStageMovesResult => {
    const all = [...events];
    let newMoves = 0;
    for (const move of moves) {
      const neighbours = rememberStageMove(db, { helpdesk, move });
      if (neighbours === null) continue;
      newMoves += 1;
      all.push(...derive(move, neighbours));
    }
    return { ...insertEvents(db, all), newMoves };
  })();
}
