import type { Migration } from './migration.js';

/**
 * Each helpdesk ticket's pipeline-stage moves (HubSpot), by the helpdesk's own time: a move to
 * an open stage is a reopen only when the move before it (in time, not arrival) was to a closed
 * stage. Only ids and times are kept, nothing else of the payload.
 */
export const helpdeskStageMoves: Migration = {
  name: '007-helpdesk-stage-moves',
  up: `
CREATE TABLE helpdesk_stage_moves (
  helpdesk  TEXT NOT NULL,
  move_key  TEXT NOT NULL,
  ticket_id TEXT NOT NULL,
  at        INTEGER NOT NULL,
  stage_id  TEXT NOT NULL,
  PRIMARY KEY (helpdesk, move_key)
) WITHOUT ROWID;
CREATE INDEX helpdesk_stage_moves_ticket ON helpdesk_stage_moves (helpdesk, ticket_id, at);
`,
};
