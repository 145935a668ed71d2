import type pg from 'pg';
import { classifyTicket } from '../../reports/classify-ticket.js';
import { loadedCost, ticketShares } from '../../reports/compute-report.js';
import { money } from '../../reports/figures.js';
import { ticketStatus } from '../../tickets/ticket-status.js';
import { callEntry, eventEntry } from '../timeline-entries.js';
import type { TicketTimeline, TicketTimelineOptions, TimelineEntry } from '../ticket-explorer.js';
import { factsRowToTicket } from '../sqlite/ticket-facts-rows.js';
import { pgTicketFactsSql } from './pg-facts-sql.js';
import type { PostgresLedger } from './postgres-ledger.js';
import { markFollowUps } from '../timeline-follow-ups.js';

/** Entries shown at most; the costs always count everything. */
const MAX_ENTRIES = 2_000;

/** Conversations that may belong to the tickets in $1 (text[]), at any time: linked, named by one of their calls, or being one. */
export const PG_EXPAND_TICKETS_SQL = `
SELECT conversation_id FROM conversation_links WHERE ticket_id = ANY($1::text[])
UNION SELECT conversation_id FROM llm_calls WHERE ticket_id = ANY($1::text[]) AND conversation_id IS NOT NULL
UNION SELECT unnest($1::text[])`;

const FACTS_SQL = pgTicketFactsSql({ restricted: true });

/** The ticket each conversation of $4 belongs to as of $2 (the facts SQL's mapping). */
const CONV_MAP = `conv_map AS MATERIALIZED (
  SELECT f.conversation_id,
         CASE WHEN c.linked_at < $2 THEN c.ticket_id
              ELSE (SELECT l.ticket_id FROM conversation_links l
                     WHERE l.conversation_id = f.conversation_id AND l.at < $2
                     ORDER BY l.at DESC, l.seq DESC LIMIT 1) END AS ticket_id
    FROM unnest($4::text[]) AS f (conversation_id) LEFT JOIN conversations c ON c.conversation_id = f.conversation_id)`;

const CALL_COLUMNS = `g.started_at, g.id, g.conversation_id, g.provider, g.operation, COALESCE(g.response_model, g.request_model),
  g.input_tokens, g.output_tokens, g.cost_usd, g.status, g.estimated::int`;

/** $1 ticket, $2 end, $3 limit, $4 candidate conversations. */
const CALLS_SQL = `WITH ${CONV_MAP}
SELECT ${CALL_COLUMNS} FROM conv_map m JOIN llm_calls g ON g.conversation_id = m.conversation_id
 WHERE g.started_at < $2 AND COALESCE(m.ticket_id, g.ticket_id, g.conversation_id) = $1
UNION ALL
SELECT ${CALL_COLUMNS} FROM llm_calls g WHERE g.conversation_id IS NULL AND g.ticket_id = $1 AND g.started_at < $2
ORDER BY 1, 2 LIMIT $3`;

const WORK_RATE = `COALESCE((SELECT r.value FROM ledger_settings r
  WHERE r.name = 'human-hourly-rate' AND r.effective_from <= w.at ORDER BY r.effective_from DESC LIMIT 1), 40.0)`;
const HANDOFF_COLUMNS = "h.at, h.seq, 'handoff', h.conversation_id, h.reason, h.queue, h.agent_id, NULL::float8, NULL::float8, NULL, 0, NULL::float8";
const WORK_COLUMNS = `w.at, w.seq, 'human-work', w.conversation_id, NULL, NULL, w.agent_id, w.seconds, w.cost_usd, NULL, 0, ${WORK_RATE}`;
const STATUS_COLUMNS = 's.at, s.seq, s.kind, s.conversation_id, NULL, NULL, NULL, NULL, NULL, s.resolved_by, s.confirmed::int, NULL';

/** Handoffs, human work and status changes of ticket $1 (named by it, or by a conversation that is its as of $2). */
const EVENTS_SQL = `WITH ${CONV_MAP}
SELECT ${HANDOFF_COLUMNS} FROM handoffs h WHERE h.ticket_id = $1 AND h.at < $2
UNION ALL
SELECT ${HANDOFF_COLUMNS} FROM conv_map m JOIN handoffs h ON h.conversation_id = m.conversation_id
 WHERE h.at < $2 AND COALESCE(m.ticket_id, m.conversation_id) = $1
UNION ALL
SELECT ${WORK_COLUMNS} FROM human_work w WHERE w.ticket_id = $1 AND w.at < $2
UNION ALL
SELECT ${WORK_COLUMNS} FROM conv_map m JOIN human_work w ON w.conversation_id = m.conversation_id
 WHERE w.at < $2 AND COALESCE(m.ticket_id, m.conversation_id) = $1
UNION ALL
SELECT ${STATUS_COLUMNS} FROM status_changes s WHERE s.ticket_id = $1 AND s.at < $2
UNION ALL
SELECT ${STATUS_COLUMNS} FROM conv_map m JOIN status_changes s ON s.conversation_id = m.conversation_id
 WHERE s.at < $2 AND COALESCE(m.ticket_id, m.conversation_id) = $1
ORDER BY 1, 2 LIMIT $3`;

const LINKS_SQL = 'SELECT at, seq, conversation_id FROM conversation_links WHERE ticket_id = $1 AND at < $2 ORDER BY at, seq LIMIT $3';

async function rows(client: pg.ClientBase, text: string, values: unknown[]): Promise<unknown[][]> {
  return (await client.query({ text, values, rowMode: 'array' })).rows as unknown[][];
}

/**
 * One ticket as of the window's end, as the SQLite ledger's `readTicketTimeline` gives it (every
 * link, call, handoff, human work, resolution and reopen in time order, and its loaded cost with
 * the shares it carries in the window's report); `null` for a ticket unknown before the end.
 */
export async function readPgTicketTimeline(ledger: PostgresLedger, { ticketId, window, humanHourlyRate: given }: TicketTimelineOptions): Promise<TicketTimeline | null> {
  const humanHourlyRate = given ?? null;
  const shares = ticketShares(await ledger.reportInput({ window, humanHourlyRate: given }));
  return ledger.transaction('reading a ticket timeline', async (client): Promise<TicketTimeline | null> => {
    const conversations = (await rows(client, PG_EXPAND_TICKETS_SQL, [[ticketId]])).map((r) => r[0] as string);
    const row = (await rows(client, FACTS_SQL, [Number.MIN_SAFE_INTEGER, window.to, [ticketId], conversations]))[0];
    if (row === undefined) return null;
    const facts = factsRowToTicket(row, humanHourlyRate);
    const c = classifyTicket(facts, ticketStatus(facts.statusChanges, window.to));
    const path = !c.aiHandled ? 'human-only' : c.escalated ? 'escalated' : 'contained';
    const inScope = c.keyTime >= window.from && c.keyTime < window.to;
    const carried = inScope ? shares[path] : { unattributedUsd: 0, fixedUsd: 0 };
    const params = [ticketId, window.to, MAX_ENTRIES + 1];
    const entries = [
      { at: facts.openedAt, seq: -1, entry: { at: '', kind: 'opened' } as TimelineEntry },
      ...(await rows(client, LINKS_SQL, params)).map((r) => ({ at: r[0] as number, seq: r[1] as number,
        entry: { at: '', kind: 'linked', conversationId: r[2] as string } as TimelineEntry })),
      ...(await rows(client, CALLS_SQL, [...params, conversations])).map((r) => ({ at: r[0] as number, seq: 0, entry: callEntry(r) })),
      ...(await rows(client, EVENTS_SQL, [...params, conversations])).map((r) => ({ at: r[0] as number, seq: r[1] as number, entry: eventEntry(r, humanHourlyRate) })),
    ].sort((a, b) => a.at - b.at || a.seq - b.seq);
    markFollowUps(entries);
    const named = [...new Set(entries.map((e) => e.entry.conversationId).filter((id): id is string => typeof id === 'string'))];
    return {
      ticketId, category: facts.category, channel: facts.channel, customerId: facts.customerId,
      window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() },
      inScope, path, resolved: c.resolved, conversations: named,
      cost: {
        llmCostUsd: money(c.llm.costUsd), humanCostUsd: money(facts.humanCostUsd),
        unattributedShareUsd: money(carried.unattributedUsd), fixedShareUsd: money(carried.fixedUsd),
        loadedCostUsd: money(inScope ? loadedCost({ llmCostUsd: c.llm.costUsd, humanCostUsd: facts.humanCostUsd, path }, shares)
          : c.llm.costUsd + facts.humanCostUsd),
      },
      entries: entries.slice(0, MAX_ENTRIES).map(({ at, entry }) => ({ ...entry, at: new Date(at).toISOString() })),
      truncated: entries.length > MAX_ENTRIES,
    };
  }, { isolation: 'REPEATABLE READ' });
}
