/**
 * The SQL that folds every fact of the ledger into one row per ticket, as of `@to`: the
 * report's {@link TicketFacts} (human work split into explicit amounts, and work without one
 * both as seconds, for a report that gives its own hourly rate, and priced at the ledger's rates
 * in effect when it was done), plus `last_at`, the time of its latest fact.
 *
 * One text serves two uses, so that the cached rows and the rows computed for a report can never
 * disagree: over the whole ledger (a scan), or restricted to the tickets in `temp.facts_tickets`,
 * reading only the conversations in `temp.facts_conversations` (every conversation that could
 * belong to them, see `report-cache.ts`) through indexes.
 */

/** The temp tables a restricted query reads: which tickets, and the conversations that may be theirs. */
export const FACTS_TEMP_TABLES = `
  CREATE TEMP TABLE IF NOT EXISTS facts_tickets (ticket_id TEXT PRIMARY KEY) WITHOUT ROWID;
  CREATE TEMP TABLE IF NOT EXISTS facts_conversations (conversation_id TEXT PRIMARY KEY) WITHOUT ROWID;`;

/** The columns of a facts row, in order (also the columns of `report_ticket_facts`). */
export const FACTS_COLUMNS = ['ticket_id', 'category', 'channel', 'opened_at', 'last_at', 'conversations', 'with_calls',
  'llm', 'human_cost_usd', 'human_unpriced_seconds', 'handoffs', 'changes', 'without_activity', 'human_rated_usd',
  'customer_id'] as const;

export const SPEND_COLUMNS = `COUNT(*) AS calls, SUM(cost_usd IS NULL) AS unpriced, SUM(estimated <> 0) AS estimated,
  IFNULL(SUM(input_tokens), 0) AS input_tokens, IFNULL(SUM(cache_read_tokens), 0) AS cached_tokens,
  IFNULL(SUM(output_tokens), 0) AS output_tokens, IFNULL(SUM(reasoning_tokens), 0) AS reasoning_tokens,
  TOTAL(cost_usd) AS cost_usd`;

const IN_TICKETS = 'IN (SELECT ticket_id FROM temp.facts_tickets)';
const IN_CONVERSATIONS = 'IN (SELECT conversation_id FROM temp.facts_conversations)';

/** Calls grouped per conversation, call ticket and model. */
function callGroups(restricted: boolean): string {
  // The model list names the provider that served the model: `gpt-oss-120b (cerebras)`.
  const select = `SELECT conversation_id, ticket_id,
         COALESCE(response_model, request_model, '(unknown)') || IFNULL(' (' || upstream_provider || ')', '') AS model,
         ${SPEND_COLUMNS}, MIN(started_at) AS first_at, MAX(started_at) AS last_at
    FROM llm_calls`;
  // In the order of the covering index llm_calls_spend, so that the calls stream without a sort.
  const groupBy = 'GROUP BY conversation_id, ticket_id, response_model, request_model, upstream_provider';
  if (!restricted) {
    return `${select} WHERE started_at < @to AND (conversation_id IS NOT NULL OR ticket_id IS NOT NULL) ${groupBy}`;
  }
  return `${select} WHERE started_at < @to AND conversation_id ${IN_CONVERSATIONS} ${groupBy}
  UNION ALL
  ${select} WHERE started_at < @to AND conversation_id IS NULL AND ticket_id ${IN_TICKETS} ${groupBy}`;
}

/**
 * USD per hour of a `human_work` row aliased `w`: the ledger's hourly rate in effect when the work
 * was done (ledger_settings), 40 USD (DEFAULT_HUMAN_HOURLY_RATE, written out: SQL text takes no
 * interpolated value) before any. The report's facts and a ticket's timeline both price work by it.
 */
export const WORK_HOURLY_RATE = `IFNULL((SELECT r.value FROM ledger_settings r
  WHERE r.name = 'human-hourly-rate' AND r.effective_from <= w.at ORDER BY r.effective_from DESC LIMIT 1), 40.0)`;

/** The facts rows of handoffs, human work and status changes, named by ticket or by conversation. */
function eventFacts(restricted: boolean): string {
  const where = restricted ? `AND (ticket_id ${IN_TICKETS} OR conversation_id ${IN_CONVERSATIONS})` : '';
  // Work without an amount is priced at the ledger's rate in effect when it was done
  // (WORK_HOURLY_RATE); its seconds are kept too, for a report that gives its own rate.
  return `SELECT seq, ticket_id, conversation_id, at, 3 AS kind, NULL AS resolved_by, 0 AS confirmed,
                 0.0 AS human_cost, 0.0 AS human_seconds, 0.0 AS human_rated FROM handoffs WHERE at < @to ${where}
          UNION ALL
          SELECT seq, ticket_id, conversation_id, at, 4, NULL, 0, IFNULL(cost_usd, 0.0), IIF(cost_usd IS NULL, seconds, 0.0),
                 IIF(cost_usd IS NULL, seconds * ${WORK_HOURLY_RATE} / 3600.0, 0.0)
            FROM human_work w WHERE at < @to ${where}
          UNION ALL
          SELECT seq, ticket_id, conversation_id, at, IIF(kind = 'resolved', 5, 6), resolved_by, confirmed, 0.0, 0.0, 0.0
            FROM status_changes WHERE at < @to ${where}`;
}

/**
 * Facts rows of tickets with activity in [@from, @to), everything as of @to, in ONE pass: every
 * fact (call groups, handoffs, human work, status changes, links, ticket.opened) becomes a row
 * tagged by kind, and a single GROUP BY ticket folds them. A conversation's ticket is its latest
 * link before @to; a call's ticket is its conversation's, else the ticket named with it, else
 * the conversation itself (an implicit ticket). A fact is a `member` of its ticket unless it is a
 * link of a conversation that has since moved to another ticket, or the `ticket.opened` of a
 * conversation's implicit ticket after the conversation was linked elsewhere; a ticket with no
 * member fact is left out.
 */
export function ticketFactsSql({ restricted }: { restricted: boolean }): string {
  const conversationsWhere = restricted ? `WHERE c.conversation_id ${IN_CONVERSATIONS}` : '';
  return `
WITH
call_groups AS MATERIALIZED (${callGroups(restricted)}),
conv_map AS MATERIALIZED (
  SELECT c.conversation_id,
         CASE WHEN c.linked_at < @to THEN c.ticket_id
              ELSE (SELECT l.ticket_id FROM conversation_links l
                     WHERE l.conversation_id = c.conversation_id AND l.at < @to
                     ORDER BY l.at DESC, l.seq DESC LIMIT 1) END AS ticket_id
    FROM conversations c ${conversationsWhere}),
-- Kinds: 0 calls (one row per conversation, call ticket and model), 1 opened, 2 linked, 3 handoff,
-- 4 human work, 5 resolved, 6 reopened. Rows stay narrow (no text built) because they are sorted.
facts (ticket_id, conversation_id, kind, at, last_at, seq, model, calls, unpriced, estimated, input_tokens,
       cached_tokens, output_tokens, reasoning_tokens, cost_usd, resolved_by, confirmed, human_cost, human_seconds,
       human_rated, member) AS (
  SELECT COALESCE(m.ticket_id, g.ticket_id, g.conversation_id), g.conversation_id, 0, g.first_at, g.last_at, 0,
         g.model, g.calls, g.unpriced, g.estimated, g.input_tokens, g.cached_tokens, g.output_tokens,
         g.reasoning_tokens, g.cost_usd, NULL, 0, 0.0, 0.0, 0.0, 1
    FROM call_groups g LEFT JOIN conv_map m ON m.conversation_id = g.conversation_id
  UNION ALL
  SELECT COALESCE(a.ticket_id, m.ticket_id, a.conversation_id), a.conversation_id, a.kind, a.at, a.at, a.seq,
         NULL, 0, 0, 0, 0, 0, 0, 0, 0.0, a.resolved_by, a.confirmed, a.human_cost, a.human_seconds, a.human_rated, 1
    FROM (${eventFacts(restricted)}) a
    LEFT JOIN conv_map m ON m.conversation_id = a.conversation_id
  UNION ALL
  -- Every link is activity of its ticket; the conversation counts for the ticket it ends up linked to.
  SELECT l.ticket_id, l.conversation_id, 2, l.at, l.at, l.seq, NULL, 0, 0, 0, 0, 0, 0, 0, 0.0, NULL, 0, 0.0, 0.0, 0.0,
         m.ticket_id IS l.ticket_id
    FROM conversation_links l LEFT JOIN conv_map m ON m.conversation_id = l.conversation_id
   WHERE l.at < @to ${restricted ? `AND l.ticket_id ${IN_TICKETS}` : ''}
  UNION ALL
  -- A ticket whose id is a conversation now linked to another ticket was that conversation's
  -- implicit ticket: its attributes alone do not keep it (see \`member\` below).
  SELECT t.ticket_id, NULL, 1, t.opened_at, t.opened_at, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0.0, NULL, 0, 0.0, 0.0, 0.0,
         m.ticket_id IS NULL OR m.ticket_id = t.ticket_id
    FROM (SELECT ticket_id, opened_at FROM tickets WHERE opened_at < @to ${restricted ? `AND ticket_id ${IN_TICKETS}` : ''}) t
    LEFT JOIN conv_map m ON m.conversation_id = t.ticket_id),
folded AS (
  SELECT ticket_id, MIN(at) AS opened_at, MAX(last_at) AS last_at,
         COUNT(DISTINCT conversation_id) FILTER (WHERE member) AS conversations,
         COUNT(DISTINCT conversation_id) FILTER (WHERE kind = 0) AS with_calls,
         json_group_array(json_array(model, calls, unpriced, estimated, input_tokens, cached_tokens, output_tokens,
           reasoning_tokens, cost_usd)) FILTER (WHERE kind = 0) AS llm,
         TOTAL(human_cost) AS human_cost, TOTAL(human_seconds) AS human_seconds, TOTAL(human_rated) AS human_rated,
         SUM(kind = 3) AS handoffs,
         SUM(kind = 5) AS resolutions,
         -- No call, opening, conversation linked or human work of its own: only resolutions, reopens, handoffs.
         SUM(member AND kind IN (0, 1, 2, 4)) = 0 AS without_activity,
         json_group_array(json_array(CASE kind WHEN 5 THEN 'resolved' WHEN 6 THEN 'reopened' ELSE 'linked' END, at,
           IIF(kind = 2, conversation_id, resolved_by), confirmed) ORDER BY at, seq) FILTER (WHERE kind IN (2, 5, 6))
           AS changes
    FROM facts ${restricted ? `WHERE ticket_id ${IN_TICKETS}` : ''}
   -- A ticket left with nothing of its own (only links of conversations since relinked elsewhere,
   -- or the attributes of a former implicit ticket) is no ticket: not an empty human-only one.
   GROUP BY ticket_id HAVING MAX(last_at) >= @from AND MAX(member) = 1)
SELECT f.ticket_id, k.category, k.channel, f.opened_at, f.last_at, f.conversations, f.with_calls,
       IIF(f.llm = '[]', NULL, f.llm), f.human_cost, f.human_seconds, f.handoffs,
       IIF(f.resolutions > 0, f.changes, NULL), f.without_activity, f.human_rated, k.customer_id
  FROM folded f LEFT JOIN tickets k ON k.ticket_id = f.ticket_id`;
}
