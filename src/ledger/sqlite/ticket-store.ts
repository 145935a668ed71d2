import type { Database } from 'better-sqlite3';
import type { CprEvent } from '../../tickets/types.js';
import { eventContentHash } from '../../tickets/event-content-hash.js';
import type { EventConflict, RecordEventsResult, ReportInputOptions } from '../ticket-ledger.js';
import { DEFAULT_HUMAN_HOURLY_RATE, type RateSchedule } from '../settings.js';
import { readSettings } from './settings-store.js';
import type { TimeWindow } from '../ledger.js';
import { perConnection } from './per-connection.js';
import type { FixedCost, ReportInput } from '../../reports/types.js';
import { readReportTickets, updateKeptTickets } from './report-cache.js';
import { SPEND_COLUMNS } from './ticket-facts-sql.js';
import { toModelSpend } from './ticket-facts-rows.js';

/** Counts of {@link insertEvents}: the ledger's {@link RecordEventsResult}. */
export type InsertEventsResult = RecordEventsResult;

const statements = perConnection((db) => ({
    event: db.prepare(`INSERT INTO events (event_id, type, at, body, content_hash) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (event_id) DO NOTHING`),
    storedHash: db.prepare('SELECT content_hash FROM events WHERE event_id = ?').pluck(),
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
}));

/** The prepared statements of one connection. */
type Statements = ReturnType<typeof statements>;

/**
 * Stores validated events in ONE transaction: the whole batch or, when anything fails, nothing.
 * An event whose `eventId` is already stored, or came earlier in the same batch, is skipped:
 * counted as a duplicate when its content is the stored one's (see {@link eventContentHash}),
 * listed as a conflict, with its index in `events`, when it is not.
 */
export function insertEvents(db: Database, events: readonly CprEvent[]): InsertEventsResult {
  const s = statements(db);
  return db.transaction((): InsertEventsResult => {
    let accepted = 0;
    let duplicates = 0;
    const conflicts: EventConflict[] = [];
    for (const [index, event] of events.entries()) {
      const hash = eventContentHash(event);
      const info = s.event.run(event.eventId, event.type, event.at, JSON.stringify(event), hash);
      if (info.changes === 0) {
        // Events stored before hashes were kept have none: a repeat of one counts as a duplicate, as it did.
        const stored = s.storedHash.get(event.eventId) as string | null;
        if (stored === null || stored === hash) duplicates += 1;
        else conflicts.push({ index, eventId: event.eventId! });
        continue;
      }
      accepted += 1;
      const seq = Number(info.lastInsertRowid);
      store(s, event, seq);
    }
    return { accepted, duplicates, conflicts };
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

/** Options of {@link loadReportInput}: the ledger's {@link ReportInputOptions}. */
export type LoadReportInputOptions = ReportInputOptions;

/**
 * Reads what {@link computeReport} needs for one window, as of its end: one row per ticket
 * with activity in the window (its LLM calls aggregated in SQL, never call by call; see
 * `report-cache.ts` for how rows are kept between reports), plus the window's unattributed
 * spend and the fixed costs that overlap it. Reads in one transaction.
 */
export function loadReportInput(db: Database, { window, humanHourlyRate }: LoadReportInputOptions): ReportInput {
  const params = { from: window.from, to: window.to };
  const override = humanHourlyRate ?? null;
  // Kept tickets first, so that the report reads them summed by class rather than one by one.
  updateKeptTickets(db);
  let installRefresh = (): void => {};
  const input = db.transaction((): ReportInput => {
    const { tickets, install } = readReportTickets(db, { window, humanHourlyRate: override });
    const rates = hourlyRates(db, { to: window.to, override });
    installRefresh = install;
    const unattributed = (db.prepare(UNATTRIBUTED_SQL).raw().all(params) as unknown[][]).map(toModelSpend);
    const fixedCosts = (db.prepare(FIXED_COSTS_SQL).raw().all(params) as unknown[][]).map((r): FixedCost => ({
      amountUsd: r[0] as number, from: r[1] as number, to: r[2] as number,
      appliesTo: r[3] as FixedCost['appliesTo'], category: r[4] as string | null, note: r[5] as string | null,
    }));
    return { window: { from: window.from, to: window.to }, humanHourlyRate: rates.rates.at(-1)!.usdPerHour,
      humanHourlyRates: rates, ...tickets, unattributed, fixedCosts };
  })();
  installRefresh();
  return input;
}

/**
 * The hourly rates a report prices human work at: the one it was given, else the ledger's rates
 * that took effect before its end, else the default. The last is the rate in effect at the end.
 */
function hourlyRates(db: Database, { to, override }: { to: number; override: number | null }): RateSchedule {
  if (override !== null) return { source: 'report', rates: [{ from: null, usdPerHour: override }] };
  const rates = readSettings(db, 'human-hourly-rate').filter((s) => (s.effectiveFrom ?? Number.NEGATIVE_INFINITY) < to);
  if (rates.length === 0) return { source: 'default', rates: [{ from: null, usdPerHour: DEFAULT_HUMAN_HOURLY_RATE }] };
  // Work before the first rate set from a date on is priced at the default: the schedule says so.
  const before = rates[0]!.effectiveFrom === null ? [] : [{ from: null, usdPerHour: DEFAULT_HUMAN_HOURLY_RATE }];
  return { source: 'ledger', rates: [...before, ...rates.map((s) => ({ from: s.effectiveFrom, usdPerHour: s.value }))] };
}

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
