/**
 * The SQL that folds every fact of the ledger into one row per ticket as of `$2` (the window's
 * end), for the tickets with activity from `$1`: the PostgreSQL text of the SQLite ledger's
 * `ticketFactsSql` (see `../sqlite/ticket-facts-sql.ts` for what each part means), giving the
 * same columns (`FACTS_COLUMNS`) in the same form, so that `factsRowToTicket` reads both and the
 * two stores' reports cannot disagree. Flags are cast to 0/1 and JSON to text where SQLite has
 * them so.
 */

/**
 * Spend of a group of calls (`COUNT`, token sums, cost of the priced ones), as `SPEND_COLUMNS`
 * sums them. Token counts are summed as `float8`, exact below 2^53: `SUM` of a `bigint` is a
 * `numeric`, several times slower to add up.
 */
export const PG_SPEND_COLUMNS = `COUNT(*) AS calls, COUNT(*) FILTER (WHERE cost_usd IS NULL) AS unpriced,
  COUNT(*) FILTER (WHERE estimated) AS estimated,
  COALESCE(SUM(input_tokens::float8), 0) AS input_tokens, COALESCE(SUM(cache_read_tokens::float8), 0) AS cached_tokens,
  COALESCE(SUM(output_tokens::float8), 0) AS output_tokens, COALESCE(SUM(reasoning_tokens::float8), 0) AS reasoning_tokens,
  COALESCE(SUM(cost_usd), 0)::float8 AS cost_usd`;

/** A call's model as the report lists it: `gpt-oss-120b (cerebras)`. */
export const PG_MODEL = `COALESCE(response_model, request_model, '(unknown)') || COALESCE(' (' || upstream_provider || ')', '')`;

const CALL_GROUP_BY = 'GROUP BY conversation_id, ticket_id, response_model, request_model, upstream_provider';

/** USD per hour of the `human_work` row `w`: the ledger's rate in effect when it was done, else 40 (DEFAULT_HUMAN_HOURLY_RATE). */
const PG_WORK_HOURLY_RATE = `COALESCE((SELECT r.value FROM ledger_settings r
  WHERE r.name = 'human-hourly-rate' AND r.effective_from <= w.at ORDER BY r.effective_from DESC LIMIT 1), 40.0)`;

/** Restrictions of a restricted fold: the tickets in `$3` (text[]), the conversations that may be theirs in `$4` (text[]). */
const IN_TICKETS = '= ANY($3::text[])';
const IN_CONVERSATIONS = '= ANY($4::text[])';

/**
 * Facts rows of tickets with activity in [$1, $2), everything as of $2: over the whole ledger,
 * or `restricted` to the tickets in `$3` reading only the conversations in `$4` (every
 * conversation that could belong to them) through indexes, as the SQLite text does.
 */
export function pgTicketFactsSql({ restricted }: { restricted: boolean }): string {
  const calls = restricted
    ? `WHERE started_at < $2 AND conversation_id ${IN_CONVERSATIONS} ${CALL_GROUP_BY}
  UNION ALL
  SELECT conversation_id, ticket_id, ${PG_MODEL} AS model, ${PG_SPEND_COLUMNS}, MIN(started_at) AS first_at, MAX(started_at) AS last_at
    FROM llm_calls WHERE started_at < $2 AND conversation_id IS NULL AND ticket_id ${IN_TICKETS} ${CALL_GROUP_BY}`
    : `WHERE started_at < $2 AND (conversation_id IS NOT NULL OR ticket_id IS NOT NULL) ${CALL_GROUP_BY}`;
  const events = restricted ? `AND (ticket_id ${IN_TICKETS} OR conversation_id ${IN_CONVERSATIONS})` : '';
  const conversations = restricted ? `WHERE c.conversation_id ${IN_CONVERSATIONS}` : '';
  const links = restricted ? `AND l.ticket_id ${IN_TICKETS}` : '';
  const tickets = restricted ? `AND ticket_id ${IN_TICKETS}` : '';
  const folded = restricted ? `WHERE ticket_id ${IN_TICKETS}` : '';
  return `
WITH
call_groups AS MATERIALIZED (
  SELECT conversation_id, ticket_id, ${PG_MODEL} AS model, ${PG_SPEND_COLUMNS},
         MIN(started_at) AS first_at, MAX(started_at) AS last_at
    FROM llm_calls ${calls}),
conv_map AS MATERIALIZED (
  SELECT c.conversation_id,
         CASE WHEN c.linked_at < $2 THEN c.ticket_id
              ELSE (SELECT l.ticket_id FROM conversation_links l
                     WHERE l.conversation_id = c.conversation_id AND l.at < $2
                     ORDER BY l.at DESC, l.seq DESC LIMIT 1) END AS ticket_id
    FROM conversations c ${conversations}),
event_facts AS (
  SELECT seq, ticket_id, conversation_id, at, 3 AS kind, NULL::text AS resolved_by, 0 AS confirmed,
         0.0::float8 AS human_cost, 0.0::float8 AS human_seconds, 0.0::float8 AS human_rated FROM handoffs WHERE at < $2 ${events}
  UNION ALL
  SELECT seq, ticket_id, conversation_id, at, 4, NULL, 0, COALESCE(cost_usd, 0.0),
         CASE WHEN cost_usd IS NULL THEN seconds ELSE 0.0 END,
         CASE WHEN cost_usd IS NULL THEN seconds * ${PG_WORK_HOURLY_RATE} / 3600.0 ELSE 0.0 END
    FROM human_work w WHERE at < $2 ${events}
  UNION ALL
  SELECT seq, ticket_id, conversation_id, at, CASE WHEN kind = 'resolved' THEN 5 ELSE 6 END, resolved_by, confirmed::int,
         0.0, 0.0, 0.0
    FROM status_changes WHERE at < $2 ${events}),
facts (ticket_id, conversation_id, kind, at, last_at, seq, model, calls, unpriced, estimated, input_tokens,
       cached_tokens, output_tokens, reasoning_tokens, cost_usd, resolved_by, confirmed, human_cost, human_seconds,
       human_rated, member) AS (
  SELECT COALESCE(m.ticket_id, g.ticket_id, g.conversation_id), g.conversation_id, 0, g.first_at, g.last_at, 0::bigint,
         g.model, g.calls, g.unpriced, g.estimated, g.input_tokens, g.cached_tokens, g.output_tokens,
         g.reasoning_tokens, g.cost_usd, NULL::text, 0, 0.0::float8, 0.0::float8, 0.0::float8, true
    FROM call_groups g LEFT JOIN conv_map m ON m.conversation_id = g.conversation_id
  UNION ALL
  SELECT COALESCE(a.ticket_id, m.ticket_id, a.conversation_id), a.conversation_id, a.kind, a.at, a.at, a.seq,
         NULL, 0, 0, 0, 0, 0, 0, 0, 0.0, a.resolved_by, a.confirmed, a.human_cost, a.human_seconds, a.human_rated, true
    FROM event_facts a LEFT JOIN conv_map m ON m.conversation_id = a.conversation_id
  UNION ALL
  SELECT l.ticket_id, l.conversation_id, 2, l.at, l.at, l.seq, NULL, 0, 0, 0, 0, 0, 0, 0, 0.0, NULL, 0, 0.0, 0.0, 0.0,
         m.ticket_id IS NOT DISTINCT FROM l.ticket_id
    FROM conversation_links l LEFT JOIN conv_map m ON m.conversation_id = l.conversation_id
   WHERE l.at < $2 ${links}
  UNION ALL
  SELECT t.ticket_id, NULL, 1, t.opened_at, t.opened_at, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0.0, NULL, 0, 0.0, 0.0, 0.0,
         m.ticket_id IS NULL OR m.ticket_id = t.ticket_id
    FROM (SELECT ticket_id, opened_at FROM tickets WHERE opened_at < $2 ${tickets}) t
    LEFT JOIN conv_map m ON m.conversation_id = t.ticket_id),
folded AS (
  SELECT ticket_id, MIN(at) AS opened_at, MAX(last_at) AS last_at,
         COUNT(DISTINCT conversation_id) FILTER (WHERE member) AS conversations,
         COUNT(DISTINCT conversation_id) FILTER (WHERE kind = 0) AS with_calls,
         json_agg(json_build_array(model, calls, unpriced, estimated, input_tokens, cached_tokens, output_tokens,
           reasoning_tokens, cost_usd)) FILTER (WHERE kind = 0) AS llm,
         COALESCE(SUM(human_cost), 0) AS human_cost, COALESCE(SUM(human_seconds), 0) AS human_seconds,
         COALESCE(SUM(human_rated), 0) AS human_rated,
         COUNT(*) FILTER (WHERE kind = 3) AS handoffs,
         COUNT(*) FILTER (WHERE kind = 5) AS resolutions,
         (COUNT(*) FILTER (WHERE member AND kind IN (0, 1, 2, 4)) = 0)::int AS without_activity,
         json_agg(json_build_array(CASE kind WHEN 5 THEN 'resolved' WHEN 6 THEN 'reopened' ELSE 'linked' END, at,
           CASE WHEN kind = 2 THEN conversation_id ELSE resolved_by END, confirmed) ORDER BY at, seq)
           FILTER (WHERE kind IN (2, 5, 6)) AS changes
    FROM facts ${folded}
   GROUP BY ticket_id HAVING MAX(last_at) >= $1 AND bool_or(member))
SELECT f.ticket_id, k.category, k.channel, f.opened_at, f.last_at, f.conversations, f.with_calls,
       f.llm::text, f.human_cost, f.human_seconds, f.handoffs,
       CASE WHEN f.resolutions > 0 THEN f.changes::text END, f.without_activity, f.human_rated, k.customer_id
  FROM folded f LEFT JOIN tickets k ON k.ticket_id = f.ticket_id`;
}
