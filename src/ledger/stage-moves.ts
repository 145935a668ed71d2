import type { CprEvent } from '../tickets/types.js';
import type { RecordEventsResult } from './ticket-ledger.js';

/** A helpdesk ticket's move into a pipeline stage (HubSpot's `hs_pipeline_stage`). */
export interface StageMove {
  ticketId: string;
  stageId: string;
  /** ms since the epoch (`occurredAt`). */
  at: number;
  /** The event's dedupe key, `portalId:subscriptionId:eventId:occurredAt`. */
  key: string;
}

/** The moves just before and just after one in time, on the same ticket (ties broken by key). */
export interface StageMoveNeighbours {
  previous: StageMove | null;
  next: StageMove | null;
}

/** A delivery that carries stage moves: its moves, its own events, and what a new move reveals. */
export interface StageMoveBatch {
  helpdesk: string;
  moves: readonly StageMove[];
  /** The delivery's own events, validated. */
  events: readonly CprEvent[];
  /**
   * The validated events a move reveals once its neighbours are known (a reopen: a move out of a
   * closed stage). Called for each move not known before, inside the transaction.
   */
  derive(move: StageMove, neighbours: StageMoveNeighbours): CprEvent[];
}

/** What {@link StageMoveLedger.recordStageMoves} stored: the events' counts, and the moves not known before. */
export interface RecordStageMovesResult extends RecordEventsResult {
  newMoves: number;
}

/** The helpdesk side of the ledger: stage moves remembered with the events they reveal. */
export interface StageMoveLedger {
  /**
   * Remembers the moves (a key known already is skipped: a redelivery reveals nothing new) and
   * stores the delivery's events with the ones each new move reveals, in one transaction, all or
   * nothing: a delivery that failed can be redelivered, and one that was in fact committed
   * doubles nothing when it is.
   */
  recordStageMoves(batch: StageMoveBatch): Promise<RecordStageMovesResult>;
}
