import type pg from 'pg';
import type { RecordStageMovesResult, StageMove, StageMoveBatch, StageMoveNeighbours } from '../stage-moves.js';
import { insertPgEvents } from './pg-event-store.js';

/** The statements of {@link recordPgStageMoves}, by name (prepared once per connection by the driver). */
const SQL = {
  insert: `INSERT INTO helpdesk_stage_moves (helpdesk, move_key, ticket_id, at, stage_id) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (helpdesk, move_key) DO NOTHING`,
  // Ties on time are broken by key, so that both neighbours are well defined whatever the arrival order.
  previous: `SELECT move_key AS key, ticket_id AS "ticketId", at, stage_id AS "stageId" FROM helpdesk_stage_moves
    WHERE helpdesk = $1 AND ticket_id = $2 AND (at < $3 OR (at = $3 AND move_key < $4))
    ORDER BY at DESC, move_key DESC LIMIT 1`,
  next: `SELECT move_key AS key, ticket_id AS "ticketId", at, stage_id AS "stageId" FROM helpdesk_stage_moves
    WHERE helpdesk = $1 AND ticket_id = $2 AND (at > $3 OR (at = $3 AND move_key > $4))
    ORDER BY at, move_key LIMIT 1`,
  // Two replicas given moves of one ticket at once: the second waits for the first's commit, so
  // that each sees the other's move as a neighbour (a reopen is revealed whichever arrives last).
  lock: 'SELECT pg_advisory_xact_lock(hashtextextended($1 || \':\' || $2, 0))',
} as const;

function run(client: pg.ClientBase, name: keyof typeof SQL, values: unknown[]): Promise<pg.QueryResult> {
  return client.query({ name: `cpr-stage-move-${name}`, text: SQL[name], values });
}

function moveOf(row: Record<string, unknown> | undefined): StageMove | null {
  if (row === undefined) return null;
  return { key: String(row.key), ticketId: String(row.ticketId), at: Number(row.at), stageId: String(row.stageId) };
}

/**
 * The ledger's `recordStageMoves` on PostgreSQL, in the caller's transaction: each move is
 * remembered (a known key is skipped) under a lock on its ticket, its neighbours read, and the
 * delivery's events stored with the ones the new moves reveal.
 */
export async function recordPgStageMoves(client: pg.ClientBase, { helpdesk, moves, events, derive }: StageMoveBatch): Promise<RecordStageMovesResult> {
  const all = [...events];
  let newMoves = 0;
  // Locks taken in one order (by ticket) whatever the delivery's: two deliveries cannot deadlock.
  for (const ticketId of [...new Set(moves.map((move) => move.ticketId))].sort()) await run(client, 'lock', [helpdesk, ticketId]);
  for (const move of moves) {
    const inserted = await run(client, 'insert', [helpdesk, move.key, move.ticketId, move.at, move.stageId]);
    if (inserted.rowCount === 0) continue;
    newMoves += 1;
    const params = [helpdesk, move.ticketId, move.at, move.key];
    const neighbours: StageMoveNeighbours = {
      previous: moveOf((await run(client, 'previous', params)).rows[0]),
      next: moveOf((await run(client, 'next', params)).rows[0]),
    };
    all.push(...derive(move, neighbours));
  }
  return { ...await insertPgEvents(client, all), newMoves };
}
