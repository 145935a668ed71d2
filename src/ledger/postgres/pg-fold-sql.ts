/**
 * The SQL of the PostgreSQL report fold (`pg-report-fold.ts`, where the scheme is explained):
 * which rows a fold's snapshot did not see, the tickets they touch, the kept tickets summed by
 * class, and the kept rows written back. Every value is a parameter.
 */
import { pgTicketFactsSql } from './pg-facts-sql.js';

/** The advisory lock key of the fold (`cprf`). */
export const FOLD_LOCK_KEY = 1_668_313_702;

/** Rows not visible in the snapshot `$1` (a fold's): the rows committed since, or still running then. */
export const NEW_ROW = 'xid >= pg_snapshot_xmin($1::pg_snapshot) AND NOT pg_visible_in_snapshot(xid, $1::pg_snapshot)';

/** Conversations touched by calls and events not visible in the snapshot $1. */
export const TOUCHED_CONVERSATIONS_SQL = `
WITH new_events AS MATERIALIZED (SELECT seq FROM events WHERE ${NEW_ROW})
SELECT conversation_id FROM llm_calls WHERE ${NEW_ROW} AND conversation_id IS NOT NULL
UNION SELECT l.conversation_id FROM conversation_links l JOIN new_events USING (seq)
UNION SELECT h.conversation_id FROM handoffs h JOIN new_events USING (seq) WHERE h.conversation_id IS NOT NULL
UNION SELECT w.conversation_id FROM human_work w JOIN new_events USING (seq) WHERE w.conversation_id IS NOT NULL
UNION SELECT s.conversation_id FROM status_changes s JOIN new_events USING (seq) WHERE s.conversation_id IS NOT NULL`;

/** Tickets touched by calls and events not visible in the snapshot $1. */
export const TOUCHED_TICKETS_SQL = `
WITH new_events AS MATERIALIZED (SELECT seq, type, body FROM events WHERE ${NEW_ROW})
SELECT ticket_id FROM llm_calls WHERE ${NEW_ROW} AND conversation_id IS NULL AND ticket_id IS NOT NULL
UNION SELECT l.ticket_id FROM conversation_links l JOIN new_events USING (seq)
UNION SELECT h.ticket_id FROM handoffs h JOIN new_events USING (seq) WHERE h.ticket_id IS NOT NULL
UNION SELECT w.ticket_id FROM human_work w JOIN new_events USING (seq) WHERE w.ticket_id IS NOT NULL
UNION SELECT s.ticket_id FROM status_changes s JOIN new_events USING (seq) WHERE s.ticket_id IS NOT NULL
UNION SELECT body::json ->> 'ticketId' FROM new_events WHERE type = 'ticket.opened'`;

/** Tickets the conversations $1 may belong to, at any time (linked, named by their calls, or being one). */
export const TICKETS_OF_CONVERSATIONS_SQL = `
SELECT ticket_id FROM conversation_links WHERE conversation_id = ANY($1::text[])
UNION SELECT ticket_id FROM llm_calls WHERE conversation_id = ANY($1::text[]) AND ticket_id IS NOT NULL
UNION SELECT unnest($1::text[])`;

/**
 * Conversations relinked at or after $1 that have a fact before it (the opening of their implicit
 * ticket included): the tickets they may belong to have other facts as of $1 than as of now (see
 * the SQLite `UNSTABLE_SQL`).
 */
export const RELINKED_SQL = `
SELECT DISTINCT l.conversation_id FROM conversation_links l
 WHERE l.at >= $1
   AND (EXISTS (SELECT 1 FROM conversation_links p WHERE p.conversation_id = l.conversation_id AND p.at < $1)
     OR EXISTS (SELECT 1 FROM llm_calls c WHERE c.conversation_id = l.conversation_id AND c.started_at < $1)
     OR EXISTS (SELECT 1 FROM handoffs h WHERE h.conversation_id = l.conversation_id AND h.at < $1)
     OR EXISTS (SELECT 1 FROM human_work w WHERE w.conversation_id = l.conversation_id AND w.at < $1)
     OR EXISTS (SELECT 1 FROM status_changes s WHERE s.conversation_id = l.conversation_id AND s.at < $1)
     OR EXISTS (SELECT 1 FROM tickets t WHERE t.ticket_id = l.conversation_id AND t.opened_at < $1))`;

/** Kept tickets with a fact at or after $1, opened before it: their facts as of $1 differ from the kept ones. */
export const KEPT_UNSTABLE_SQL = 'SELECT ticket_id FROM report_ticket_facts WHERE last_at >= $1 AND opened_at < $1';

/** Kept tickets a report over [$1, $2) counts as kept: in scope, no fact at or after $2, not set apart ($3). */
export const KEPT_IN_WINDOW = 'key_time >= $1 AND key_time < $2 AND last_at < $2 AND NOT (ticket_id = ANY($3::text[]))';
/** Sums of counts as `float8` (exact below 2^53): a `bigint`'s `SUM` is a `numeric`, several times slower. */
export const SUM_SPEND = `COUNT(*), SUM(conversations::float8), SUM(with_calls::float8), SUM(calls::float8), SUM(unpriced::float8),
  SUM(estimated::float8), SUM(input_tokens::float8), SUM(cached_tokens::float8), SUM(output_tokens::float8),
  SUM(reasoning_tokens::float8), COALESCE(SUM(cost_usd), 0)::float8`;
export const SUM_HUMAN = 'COALESCE(SUM(human_cost_usd), 0)::float8, COALESCE(SUM(human_unpriced_seconds), 0)::float8, COALESCE(SUM(human_rated_usd), 0)::float8';
export const CLASSES_SQL = `SELECT category, channel, key_day, outcome, ${SUM_SPEND}, ${SUM_HUMAN}
  FROM report_ticket_facts WHERE ${KEPT_IN_WINDOW} GROUP BY category, channel, key_day, outcome`;
/** By customer too: the kept rows hold each ticket's customer as it stands (SQLite's 012). */
export const CLASSES_BY_CUSTOMER_SQL = `SELECT category, channel, key_day, outcome, ${SUM_SPEND}, ${SUM_HUMAN}, customer_id
  FROM report_ticket_facts WHERE ${KEPT_IN_WINDOW} GROUP BY customer_id, category, channel, key_day, outcome`;
export const CLASS_MODELS_SQL = `SELECT model, SUM(calls::float8), SUM(unpriced::float8), SUM(estimated::float8), SUM(input_tokens::float8),
  SUM(cached_tokens::float8), SUM(output_tokens::float8), SUM(reasoning_tokens::float8), COALESCE(SUM(cost_usd), 0)::float8
  FROM report_ticket_models WHERE ${KEPT_IN_WINDOW} GROUP BY model`;

export const FULL_FACTS_SQL = pgTicketFactsSql({ restricted: false });
export const RESTRICTED_FACTS_SQL = pgTicketFactsSql({ restricted: true });

/**
 * The kept rows, given as ONE JSON array of row arrays (`$1`): far cheaper to pass than an array
 * parameter per column, which the driver writes out, and the server parses, element by element.
 */
export const INSERT_KEPT_SQL = `INSERT INTO report_ticket_facts (ticket_id, opened_at, last_at, key_time, key_day, outcome, category, channel,
    conversations, with_calls, calls, unpriced, estimated, input_tokens, cached_tokens, output_tokens, reasoning_tokens, cost_usd,
    human_cost_usd, human_unpriced_seconds, human_rated_usd, customer_id)
  SELECT r->>0, (r->>1)::bigint, (r->>2)::bigint, (r->>3)::bigint, (r->>4)::bigint, (r->>5)::int, r->>6, r->>7,
    (r->>8)::bigint, (r->>9)::bigint, (r->>10)::bigint, (r->>11)::bigint, (r->>12)::bigint, (r->>13)::bigint, (r->>14)::bigint,
    (r->>15)::bigint, (r->>16)::bigint, (r->>17)::float8, (r->>18)::float8, (r->>19)::float8, (r->>20)::float8, r->>21
  FROM jsonb_array_elements($1::jsonb) AS r`;
export const INSERT_KEPT_MODELS_SQL = `INSERT INTO report_ticket_models (ticket_id, model, key_time, last_at, calls, unpriced, estimated,
    input_tokens, cached_tokens, output_tokens, reasoning_tokens, cost_usd)
  SELECT r->>0, r->>1, (r->>2)::bigint, (r->>3)::bigint, (r->>4)::bigint, (r->>5)::bigint, (r->>6)::bigint, (r->>7)::bigint,
    (r->>8)::bigint, (r->>9)::bigint, (r->>10)::bigint, (r->>11)::float8
  FROM jsonb_array_elements($1::jsonb) AS r`;

/** The whole of time: kept facts are as of every fact. */
export const EVER = { from: Number.MIN_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER };

