import type { Database } from 'better-sqlite3';
import { classifyTicket } from '../../reports/classify-ticket.js';
import { loadedCost } from '../../reports/compute-report.js';
import type { TicketShares } from '../../reports/compute-report.js';
import { money } from '../../reports/figures.js';
import { ticketStatus } from '../../tickets/ticket-status.js';
import { callEntry, eventEntry } from '../timeline-entries.js';
import type { TicketTimeline, TicketTimelineOptions, TimelineEntry } from '../ticket-explorer.js';
import { perConnection } from './per-connection.js';
import { EXPAND_TICKETS_SQL } from './report-cache.js';
import { FACTS_TEMP_TABLES, WORK_HOURLY_RATE, ticketFactsSql } from './ticket-facts-sql.js';
import { factsRowToTicket } from './ticket-facts-rows.js';
import { markFollowUps } from '../timeline-follow-ups.js';

/** Entries shown at most; the costs always count everything. */
const MAX_ENTRIES = 2_000;

/** The ticket each candidate conversation belongs to as of @to: its latest link before @to (as the facts SQL maps it). */
export const CONV_MAP = `conv_map AS MATERIALIZED (
  SELECT f.conversation_id,
         CASE WHEN c.linked_at < @to THEN c.ticket_id
              ELSE (SELECT l.ticket_id FROM conversation_links l
                     WHERE l.conversation_id = f.conversation_id AND l.at < @to
                     ORDER BY l.at DESC, l.seq DESC LIMIT 1) END AS ticket_id
    FROM temp.facts_conversations f LEFT JOIN conversations c ON c.conversation_id = f.conversation_id)`;

const CALL_COLUMNS = `g.started_at, g.id, g.conversation_id, g.provider, g.operation, COALESCE(g.response_model, g.request_model),
  g.input_tokens, g.output_tokens, g.cost_usd, g.status, g.estimated`;

/** A call is the ticket's when its conversation is (else the ticket named with it, else its conversation is the ticket). */
export const CALLS_SQL = `WITH ${CONV_MAP}
SELECT ${CALL_COLUMNS} FROM conv_map m CROSS JOIN llm_calls g ON g.conversation_id = m.conversation_id
 WHERE g.started_at < @to AND COALESCE(m.ticket_id, g.ticket_id, g.conversation_id) = @ticket
UNION ALL
SELECT ${CALL_COLUMNS} FROM llm_calls g WHERE g.conversation_id IS NULL AND g.ticket_id = @ticket AND g.started_at < @to
ORDER BY 1, 2 LIMIT @limit`;

/**
 * The columns of a timeline event: `at, seq, kind, conversation_id, reason, queue, agent_id,
 * seconds, cost_usd, resolved_by, confirmed, hourly_rate`; `hourly_rate`: for human work, the
 * rate the report's facts price it at (WORK_HOURLY_RATE).
 */
const HANDOFF_COLUMNS = "h.at, h.seq, 'handoff', h.conversation_id, h.reason, h.queue, h.agent_id, NULL, NULL, NULL, 0, NULL";
const WORK_COLUMNS = `w.at, w.seq, 'human-work', w.conversation_id, NULL, NULL, w.agent_id, w.seconds, w.cost_usd, NULL, 0,
  ${WORK_HOURLY_RATE}`;
const STATUS_COLUMNS = 's.at, s.seq, s.kind, s.conversation_id, NULL, NULL, NULL, NULL, NULL, s.resolved_by, s.confirmed, NULL';

/**
 * Handoffs, human work and status changes named by the ticket, or by a conversation that is the
 * ticket's as of @to (its latest link, else the conversation is the ticket): each table read
 * through its index by ticket, then by conversation.
 */
export const EVENTS_SQL = `WITH ${CONV_MAP}
SELECT ${HANDOFF_COLUMNS} FROM handoffs h WHERE h.ticket_id = @ticket AND h.at < @to
UNION ALL
SELECT ${HANDOFF_COLUMNS} FROM conv_map m CROSS JOIN handoffs h ON h.conversation_id = m.conversation_id
 WHERE h.at < @to AND COALESCE(m.ticket_id, m.conversation_id) = @ticket
UNION ALL
SELECT ${WORK_COLUMNS} FROM human_work w WHERE w.ticket_id = @ticket AND w.at < @to
UNION ALL
SELECT ${WORK_COLUMNS} FROM conv_map m CROSS JOIN human_work w ON w.conversation_id = m.conversation_id
 WHERE w.at < @to AND COALESCE(m.ticket_id, m.conversation_id) = @ticket
UNION ALL
SELECT ${STATUS_COLUMNS} FROM status_changes s WHERE s.ticket_id = @ticket AND s.at < @to
UNION ALL
SELECT ${STATUS_COLUMNS} FROM conv_map m CROSS JOIN status_changes s ON s.conversation_id = m.conversation_id
 WHERE s.at < @to AND COALESCE(m.ticket_id, m.conversation_id) = @ticket
ORDER BY 1, 2 LIMIT @limit`;

const statements = perConnection((db) => {
  db.exec(FACTS_TEMP_TABLES);
  return {
    clearTickets: db.prepare('DELETE FROM temp.facts_tickets'),
    clearConversations: db.prepare('DELETE FROM temp.facts_conversations'),
    addTicket: db.prepare('INSERT INTO temp.facts_tickets (ticket_id) VALUES (?)'),
    expand: db.prepare(EXPAND_TICKETS_SQL),
    facts: db.prepare(ticketFactsSql({ restricted: true })).raw(),
    calls: db.prepare(CALLS_SQL).raw(),
    events: db.prepare(EVENTS_SQL).raw(),
    links: db.prepare('SELECT at, seq, conversation_id FROM conversation_links WHERE ticket_id = @ticket AND at < @to ORDER BY at, seq LIMIT @limit').raw(),
    customer: db.prepare('SELECT customer_id FROM tickets WHERE ticket_id = ?').pluck(),
  };
});

/**
 * One ticket as of the window's end: every conversation link, LLM call (time, provider, model,
 * tokens, cost, status, estimated), handoff, human work, resolution and reopen, in time order,
 * and its loaded cost split into LLM, human work and the shares it carries in the window's
 * report (`shares`: `ticketShares(input)` of that report's input). `null` for a ticket the
 * ledger knows nothing of before the window's end.
 *
 * @example
 * readTicketTimeline(db, ticketShares(input), { ticketId: 'T-1042', window, humanHourlyRate: 40 });
 */
export function readTicketTimeline(db: Database, shares: TicketShares, { ticketId, window, humanHourlyRate: given }: TicketTimelineOptions): TicketTimeline | null {
  const s = statements(db);
  // `null`: the ledger's rates, as the report prices human work (see `factsRowToTicket`).
  const humanHourlyRate = given ?? null;
  return db.transaction((): TicketTimeline | null => {
    s.clearTickets.run();
    s.clearConversations.run();
    s.addTicket.run(ticketId);
    s.expand.run();
    const row = s.facts.get({ from: Number.MIN_SAFE_INTEGER, to: window.to }) as unknown[] | undefined;
    if (row === undefined) return null;
    const facts = factsRowToTicket(row, humanHourlyRate);
    const c = classifyTicket(facts, ticketStatus(facts.statusChanges, window.to));
    const path = !c.aiHandled ? 'human-only' : c.escalated ? 'escalated' : 'contained';
    const inScope = c.keyTime >= window.from && c.keyTime < window.to;
    const carried = inScope ? shares[path] : { unattributedUsd: 0, fixedUsd: 0 };
    const params = { ticket: ticketId, to: window.to, limit: MAX_ENTRIES + 1 };
    const entries = [
      { at: facts.openedAt, seq: -1, entry: { at: '', kind: 'opened' } as TimelineEntry },
      ...(s.links.all(params) as unknown[][]).map((r) => ({ at: r[0] as number, seq: r[1] as number,
        entry: { at: '', kind: 'linked', conversationId: r[2] as string } as TimelineEntry })),
      ...(s.calls.all(params) as unknown[][]).map((r) => ({ at: r[0] as number, seq: 0, entry: callEntry(r) })),
      ...(s.events.all(params) as unknown[][]).map((r) => ({ at: r[0] as number, seq: r[1] as number, entry: eventEntry(r, humanHourlyRate) })),
    ].sort((a, b) => a.at - b.at || a.seq - b.seq);
    markFollowUps(entries);
    const conversations = [...new Set(entries.map((e) => e.entry.conversationId).filter((id): id is string => typeof id === 'string'))];
    return {
      ticketId,
      category: facts.category,
      channel: facts.channel,
      customerId: (s.customer.get(ticketId) as string | null | undefined) ?? null,
      window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() },
      inScope,
      path,
      resolved: c.resolved,
      conversations,
      cost: {
        llmCostUsd: money(c.llm.costUsd),
        humanCostUsd: money(facts.humanCostUsd),
        unattributedShareUsd: money(carried.unattributedUsd),
        fixedShareUsd: money(carried.fixedUsd),
        loadedCostUsd: money(inScope ? loadedCost({ llmCostUsd: c.llm.costUsd, humanCostUsd: facts.humanCostUsd, path }, shares)
          : c.llm.costUsd + facts.humanCostUsd),
      },
      entries: entries.slice(0, MAX_ENTRIES).map(({ at, entry }) => ({ ...entry, at: new Date(at).toISOString() })),
      truncated: entries.length > MAX_ENTRIES,
    };
  })();
}
