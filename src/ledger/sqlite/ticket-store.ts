import type { Database, Statement } from 'better-sqlite3';
import type { CprEvent } from '../../tickets/types.js';
import type { StatusChange } from '../../tickets/ticket-status.js';
import type { TimeWindow } from '../ledger.js';
import type { FixedCost, ModelSpend, ReportInput, TicketFacts } from '../../reports/types.js';
import { addSpend } from '../../reports/figures.js';

/** Counts of {@link insertEvents}. */
export interface InsertEventsResult {
  accepted: number;
  /** Events skipped because their `eventId` was already stored (or came earlier in the batch). */
  duplicates: number;
}

interface Statements {
  event: Statement;
  ticket: Statement;
  link: Statement;
  conversation: Statement;
  handoff: Statement;
  work: Statement;
  status: Statement;
  fixed: Statement;
}

const cache = new WeakMap<Database, Statements>();

function statements(db: Database): Statements {
  let s = cache.get(db);
  if (s !== undefined) return s;
  s = {
    event: db.prepare(`INSERT INTO events (event_id, type, at, body) VALUES (?, ?, ?, ?)
      ON CONFLICT (event_id) DO NOTHING`),
    // Attributes merge: the value of the latest event (by time, then arrival) that has one wins.
    ticket: db.prepare(`INSERT INTO tickets (ticket_id, opened_at, category, category_at, channel, channel_at,
        customer_id, customer_id_at)
      VALUES (@ticketId, @at, @category, IIF(@category IS NULL, NULL, @at), @channel, IIF(@channel IS NULL, NULL, @at),
        @customerId, IIF(@customerId IS NULL, NULL, @at))
      ON CONFLICT (ticket_id) DO UPDATE SET
        opened_at = MIN(opened_at, excluded.opened_at),
        category = IIF(excluded.category IS NOT NULL AND (category_at IS NULL OR excluded.category_at >= category_at), excluded.category, category),
        category_at = IIF(excluded.category IS NOT NULL AND (category_at IS NULL OR excluded.category_at >= category_at), excluded.category_at, category_at),
        channel = IIF(excluded.channel IS NOT NULL AND (channel_at IS NULL OR excluded.channel_at >= channel_at), excluded.channel, channel),
        channel_at = IIF(excluded.channel IS NOT NULL AND (channel_at IS NULL OR excluded.channel_at >= channel_at), excluded.channel_at, channel_at),
        customer_id = IIF(excluded.customer_id IS NOT NULL AND (customer_id_at IS NULL OR excluded.customer_id_at >= customer_id_at), excluded.customer_id, customer_id),
        customer_id_at = IIF(excluded.customer_id IS NOT NULL AND (customer_id_at IS NULL OR excluded.customer_id_at >= customer_id_at), excluded.customer_id_at, customer_id_at)`),
    link: db.prepare('INSERT INTO conversation_links (seq, conversation_id, ticket_id, at) VALUES (?, ?, ?, ?)'),
    conversation: db.prepare(`INSERT INTO conversations (conversation_id, ticket_id, linked_at, link_seq) VALUES (?, ?, ?, ?)
      ON CONFLICT (conversation_id) DO UPDATE SET ticket_id = excluded.ticket_id, linked_at = excluded.linked_at,
        link_seq = excluded.link_seq
      WHERE excluded.linked_at >= conversations.linked_at`),
    handoff: db.prepare(`INSERT INTO handoffs (seq, ticket_id, conversation_id, at, reason, queue, agent_id)
      VALUES (?, ?, ?, ?, ?, ?, ?)`),
    work: db.prepare(`INSERT INTO human_work (seq, ticket_id, conversation_id, at, seconds, cost_usd, agent_id)
      VALUES (?, ?, ?, ?, ?, ?, ?)`),
    status: db.prepare(`INSERT INTO status_changes (seq, ticket_id, conversation_id, at, kind, resolved_by, confirmed)
      VALUES (?, ?, ?, ?, ?, ?, ?)`),
    fixed: db.prepare(`INSERT INTO fixed_costs (seq, amount_usd, from_at, to_at, applies_to, category, note)
      VALUES (?, ?, ?, ?, ?, ?, ?)`),
  };
  cache.set(db, s);
  return s;
}

/**
 * Stores validated events in ONE transaction: the whole batch or, when anything fails, nothing.
 * An event whose `eventId` is already stored, or came earlier in the same batch, is skipped
 * and counted as a duplicate.
 */
export function insertEvents(db: Database, events: readonly CprEvent[]): InsertEventsResult {
  const s = statements(db);
  return db.transaction((): InsertEventsResult => {
    let accepted = 0;
    for (const event of events) {
      const info = s.event.run(event.eventId, event.type, event.at, JSON.stringify(event));
      if (info.changes === 0) continue;
      accepted += 1;
      const seq = Number(info.lastInsertRowid);
      store(s, event, seq);
    }
    return { accepted, duplicates: events.length - accepted };
  })();
}

function store(s: Statements, event: CprEvent, seq: number): void {
  switch (event.type) {
    case 'ticket.opened':
      s.ticket.run({ ticketId: event.ticketId, at: event.at, category: event.category, channel: event.channel,
        customerId: event.customerId });
      return;
    case 'conversation.linked':
      s.link.run(seq, event.conversationId, event.ticketId, event.at);
      s.conversation.run(event.conversationId, event.ticketId, event.at, seq);
      return;
    case 'handoff':
      s.handoff.run(seq, event.ticketId, event.conversationId, event.at, event.reason, event.queue, event.agentId);
      return;
    case 'human.work':
      s.work.run(seq, event.ticketId, event.conversationId, event.at, event.seconds, event.costUsd, event.agentId);
      return;
    case 'ticket.resolved':
      s.status.run(seq, event.ticketId, event.conversationId, event.at, 'resolved', event.by, event.confirmed ? 1 : 0);
      return;
    case 'ticket.reopened':
      s.status.run(seq, event.ticketId, event.conversationId, event.at, 'reopened', null, 0);
      return;
    case 'cost.fixed':
      s.fixed.run(seq, event.amountUsd, event.from, event.to, event.appliesTo, event.category, event.note);
      return;
  }
}

/** Options of {@link loadReportInput}. */
export interface LoadReportInputOptions {
  window: TimeWindow;
  /** USD per hour for human work recorded without an amount. */
  humanHourlyRate: number;
}

/**
 * Reads what {@link computeReport} needs for one window, as of its end: one row per ticket
 * with activity in the window, its LLM calls aggregated in SQL (never call by call), plus the
 * window's unattributed spend and the fixed costs that overlap it. Reads in one transaction.
 */
export function loadReportInput(db: Database, { window, humanHourlyRate }: LoadReportInputOptions): ReportInput {
  const params = { from: window.from, to: window.to, rate: humanHourlyRate };
  return db.transaction((): ReportInput => {
    const tickets: TicketFacts[] = [];
    for (const row of db.prepare(REPORT_TICKETS_SQL).raw().iterate(params) as IterableIterator<unknown[]>) {
      tickets.push({
        ticketId: row[0] as string,
        category: row[1] as string | null,
        channel: row[2] as string | null,
        openedAt: row[3] as number,
        conversations: row[4] as number,
        conversationsWithLlmCalls: row[5] as number,
        llm: row[6] === null ? [] : mergeByModel(JSON.parse(row[6] as string) as unknown[][]),
        humanCostUsd: row[7] as number,
        handoffs: row[8] as number,
        statusChanges: row[9] === null ? [] : (JSON.parse(row[9] as string) as unknown[][]).map(toStatusChange),
      });
    }
    const unattributed = (db.prepare(UNATTRIBUTED_SQL).raw().all(params) as unknown[][]).map(toModelSpend);
    const fixedCosts = (db.prepare(FIXED_COSTS_SQL).raw().all(params) as unknown[][]).map((r): FixedCost => ({
      amountUsd: r[0] as number, from: r[1] as number, to: r[2] as number,
      appliesTo: r[3] as FixedCost['appliesTo'], category: r[4] as string | null, note: r[5] as string | null,
    }));
    return { window: { from: window.from, to: window.to }, humanHourlyRate, tickets, unattributed, fixedCosts };
  })();
}

/** Sums the per-conversation entries of one ticket by model. */
function mergeByModel(entries: unknown[][]): ModelSpend[] {
  if (entries.length === 1) return [toModelSpend(entries[0])];
  const byModel = new Map<string, ModelSpend>();
  for (const entry of entries) {
    const spend = toModelSpend(entry);
    const sum = byModel.get(spend.model);
    if (sum === undefined) byModel.set(spend.model, spend);
    else addSpend(sum, spend);
  }
  return [...byModel.values()];
}

/** `[model, calls, unpriced, estimated, input, cached, output, reasoning, cost]`. */
function toModelSpend(r: unknown[]): ModelSpend {
  return {
    model: r[0] as string, calls: r[1] as number, unpricedCalls: r[2] as number, estimatedCalls: r[3] as number,
    inputTokens: r[4] as number, cachedInputTokens: r[5] as number, outputTokens: r[6] as number,
    reasoningTokens: r[7] as number, costUsd: r[8] as number,
  };
}

/** `['resolved' | 'reopened', at, resolvedBy, confirmed]` or `['linked', at, conversationId]`. */
function toStatusChange(r: unknown[]): StatusChange {
  const at = r[1] as number;
  if (r[0] === 'resolved') return { kind: 'resolved', at, by: r[2] as 'ai' | 'human', confirmed: r[3] === 1 };
  if (r[0] === 'linked') return { kind: 'linked', at, conversationId: r[2] as string };
  return { kind: 'reopened', at };
}

const SPEND_COLUMNS = `COUNT(*) AS calls, SUM(cost_usd IS NULL) AS unpriced, SUM(estimated <> 0) AS estimated,
  IFNULL(SUM(input_tokens), 0) AS input_tokens, IFNULL(SUM(cache_read_tokens), 0) AS cached_tokens,
  IFNULL(SUM(output_tokens), 0) AS output_tokens, IFNULL(SUM(reasoning_tokens), 0) AS reasoning_tokens,
  TOTAL(cost_usd) AS cost_usd`;

/**
 * One row per ticket with activity in [@from, @to), everything as of @to, in ONE pass: every
 * fact (call groups, handoffs, human work, status changes, links, ticket.opened) becomes a row
 * tagged by kind, and a single GROUP BY ticket folds them. A conversation's ticket is its latest
 * link before @to; a call's ticket is its conversation's, else the ticket named with it, else
 * the conversation itself (an implicit ticket).
 */
const REPORT_TICKETS_SQL = `
WITH
call_groups AS MATERIALIZED (
  SELECT conversation_id, ticket_id, COALESCE(response_model, request_model, '(unknown)') AS model,
         ${SPEND_COLUMNS}, MIN(started_at) AS first_at, MAX(started_at) AS last_at
    FROM llm_calls
   WHERE started_at < @to AND (conversation_id IS NOT NULL OR ticket_id IS NOT NULL)
   -- In the order of the covering index llm_calls_spend, so that the calls stream without a sort.
   GROUP BY conversation_id, ticket_id, response_model, request_model),
conv_map AS (
  SELECT c.conversation_id,
         CASE WHEN c.linked_at < @to THEN c.ticket_id
              ELSE (SELECT l.ticket_id FROM conversation_links l
                     WHERE l.conversation_id = c.conversation_id AND l.at < @to
                     ORDER BY l.at DESC, l.seq DESC LIMIT 1) END AS ticket_id
    FROM conversations c),
-- Kinds: 0 calls (one row per conversation, call ticket and model), 1 opened, 2 linked, 3 handoff,
-- 4 human work, 5 resolved, 6 reopened. Rows stay narrow (no text built) because they are sorted.
facts (ticket_id, conversation_id, kind, at, last_at, seq, model, calls, unpriced, estimated, input_tokens,
       cached_tokens, output_tokens, reasoning_tokens, cost_usd, resolved_by, confirmed, human_cost, member) AS (
  SELECT COALESCE(m.ticket_id, g.ticket_id, g.conversation_id), g.conversation_id, 0, g.first_at, g.last_at, 0,
         g.model, g.calls, g.unpriced, g.estimated, g.input_tokens, g.cached_tokens, g.output_tokens,
         g.reasoning_tokens, g.cost_usd, NULL, 0, 0.0, 1
    FROM call_groups g LEFT JOIN conv_map m ON m.conversation_id = g.conversation_id
  UNION ALL
  SELECT COALESCE(a.ticket_id, m.ticket_id, a.conversation_id), a.conversation_id, a.kind, a.at, a.at, a.seq,
         NULL, 0, 0, 0, 0, 0, 0, 0, 0.0, a.resolved_by, a.confirmed, a.human_cost, 1
    FROM (SELECT seq, ticket_id, conversation_id, at, 3 AS kind, NULL AS resolved_by, 0 AS confirmed,
                 0.0 AS human_cost FROM handoffs WHERE at < @to
          UNION ALL
          SELECT seq, ticket_id, conversation_id, at, 4, NULL, 0, COALESCE(cost_usd, seconds * @rate / 3600.0)
            FROM human_work WHERE at < @to
          UNION ALL
          SELECT seq, ticket_id, conversation_id, at, IIF(kind = 'resolved', 5, 6), resolved_by, confirmed, 0.0
            FROM status_changes WHERE at < @to) a
    LEFT JOIN conv_map m ON m.conversation_id = a.conversation_id
  UNION ALL
  -- Every link is activity of its ticket; the conversation counts for the ticket it ends up linked to.
  SELECT l.ticket_id, l.conversation_id, 2, l.at, l.at, l.seq, NULL, 0, 0, 0, 0, 0, 0, 0, 0.0, NULL, 0, 0.0,
         m.ticket_id IS l.ticket_id
    FROM conversation_links l LEFT JOIN conv_map m ON m.conversation_id = l.conversation_id
   WHERE l.at < @to
  UNION ALL
  SELECT ticket_id, NULL, 1, opened_at, opened_at, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0.0, NULL, 0, 0.0, 1
    FROM tickets WHERE opened_at < @to),
folded AS (
  SELECT ticket_id, MIN(at) AS opened_at,
         COUNT(DISTINCT conversation_id) FILTER (WHERE member) AS conversations,
         COUNT(DISTINCT conversation_id) FILTER (WHERE kind = 0) AS with_calls,
         json_group_array(json_array(model, calls, unpriced, estimated, input_tokens, cached_tokens, output_tokens,
           reasoning_tokens, cost_usd)) FILTER (WHERE kind = 0) AS llm,
         TOTAL(human_cost) AS human_cost, SUM(kind = 3) AS handoffs, SUM(kind = 5) AS resolutions,
         json_group_array(json_array(CASE kind WHEN 5 THEN 'resolved' WHEN 6 THEN 'reopened' ELSE 'linked' END, at,
           IIF(kind = 2, conversation_id, resolved_by), confirmed) ORDER BY at, seq) FILTER (WHERE kind IN (2, 5, 6))
           AS changes
    FROM facts GROUP BY ticket_id HAVING MAX(last_at) >= @from)
SELECT f.ticket_id, k.category, k.channel, f.opened_at, f.conversations, f.with_calls,
       IIF(f.llm = '[]', NULL, f.llm), f.human_cost, f.handoffs,
       IIF(f.resolutions > 0, f.changes, NULL)
  FROM folded f LEFT JOIN tickets k ON k.ticket_id = f.ticket_id`;

/** Calls in [@from, @to) with neither conversation nor ticket, per model. */
const UNATTRIBUTED_SQL = `
SELECT COALESCE(response_model, request_model, '(unknown)') AS model, ${SPEND_COLUMNS}
  FROM llm_calls
 WHERE conversation_id IS NULL AND ticket_id IS NULL AND started_at >= @from AND started_at < @to
 GROUP BY model`;

/** Fixed costs overlapping [@from, @to). */
const FIXED_COSTS_SQL = `
SELECT amount_usd, from_at, to_at, applies_to, category, note FROM fixed_costs
 WHERE to_at > @from AND from_at < @to ORDER BY seq`;
