import type pg from 'pg';
import type { CprEvent } from '../../tickets/types.js';
import { eventContentHash } from '../../tickets/event-content-hash.js';
import type { EventConflict, RecordEventsResult } from '../ticket-ledger.js';

/** The statements of `insertPgEvents`, by name (prepared once per connection by the driver). */
const SQL = {
  event: `INSERT INTO events (event_id, type, at, body, content_hash) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (event_id) DO NOTHING RETURNING seq`,
  storedHash: 'SELECT content_hash FROM events WHERE event_id = $1',
  // Attributes merge: the value of the latest event (by time, then arrival) that has one wins.
  ticket: `INSERT INTO tickets AS t (ticket_id, opened_at, category, category_at, channel, channel_at, customer_id, customer_id_at)
    VALUES ($1, $2, $3, CASE WHEN $3::text IS NULL THEN NULL ELSE $2::bigint END, $4, CASE WHEN $4::text IS NULL THEN NULL ELSE $2::bigint END,
      $5, CASE WHEN $5::text IS NULL THEN NULL ELSE $2::bigint END)
    ON CONFLICT (ticket_id) DO UPDATE SET
      opened_at = LEAST(t.opened_at, excluded.opened_at),
      category = CASE WHEN excluded.category IS NOT NULL AND (t.category_at IS NULL OR excluded.category_at >= t.category_at) THEN excluded.category ELSE t.category END,
      category_at = CASE WHEN excluded.category IS NOT NULL AND (t.category_at IS NULL OR excluded.category_at >= t.category_at) THEN excluded.category_at ELSE t.category_at END,
      channel = CASE WHEN excluded.channel IS NOT NULL AND (t.channel_at IS NULL OR excluded.channel_at >= t.channel_at) THEN excluded.channel ELSE t.channel END,
      channel_at = CASE WHEN excluded.channel IS NOT NULL AND (t.channel_at IS NULL OR excluded.channel_at >= t.channel_at) THEN excluded.channel_at ELSE t.channel_at END,
      customer_id = CASE WHEN excluded.customer_id IS NOT NULL AND (t.customer_id_at IS NULL OR excluded.customer_id_at >= t.customer_id_at) THEN excluded.customer_id ELSE t.customer_id END,
      customer_id_at = CASE WHEN excluded.customer_id IS NOT NULL AND (t.customer_id_at IS NULL OR excluded.customer_id_at >= t.customer_id_at) THEN excluded.customer_id_at ELSE t.customer_id_at END`,
  link: 'INSERT INTO conversation_links (seq, conversation_id, ticket_id, at) VALUES ($1, $2, $3, $4)',
  conversation: `INSERT INTO conversations AS c (conversation_id, ticket_id, linked_at, link_seq) VALUES ($1, $2, $3, $4)
    ON CONFLICT (conversation_id) DO UPDATE SET ticket_id = excluded.ticket_id, linked_at = excluded.linked_at, link_seq = excluded.link_seq
    WHERE excluded.linked_at >= c.linked_at`,
  handoff: 'INSERT INTO handoffs (seq, ticket_id, conversation_id, at, reason, queue, agent_id) VALUES ($1, $2, $3, $4, $5, $6, $7)',
  work: 'INSERT INTO human_work (seq, ticket_id, conversation_id, at, seconds, cost_usd, agent_id) VALUES ($1, $2, $3, $4, $5, $6, $7)',
  status: `INSERT INTO status_changes (seq, ticket_id, conversation_id, at, kind, resolved_by, confirmed)
    VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  fixed: 'INSERT INTO fixed_costs (seq, amount_usd, from_at, to_at, applies_to, category, note) VALUES ($1, $2, $3, $4, $5, $6, $7)',
} as const;

function run(client: pg.ClientBase, name: keyof typeof SQL, values: unknown[]): Promise<pg.QueryResult> {
  return client.query({ name: `cpr-event-${name}`, text: SQL[name], values });
}

/**
 * Stores validated events in the caller's transaction, as the SQLite ledger's `insertEvents`
 * does: an `eventId` stored already, or earlier in the batch, is skipped, counted as a duplicate
 * when its content is the stored one's and listed as a conflict when not. Two replicas storing
 * the same `eventId` at once: the second waits for the first's commit, then skips it.
 */
export async function insertPgEvents(client: pg.ClientBase, events: readonly CprEvent[]): Promise<RecordEventsResult> {
  let accepted = 0;
  let duplicates = 0;
  const conflicts: EventConflict[] = [];
  for (const [index, event] of events.entries()) {
    const hash = eventContentHash(event);
    const inserted = await run(client, 'event', [event.eventId, event.type, event.at, JSON.stringify(event), hash]);
    if (inserted.rowCount === 0) {
      const stored = (await run(client, 'storedHash', [event.eventId])).rows[0]?.content_hash as string | null | undefined;
      if (stored === null || stored === undefined || stored === hash) duplicates += 1;
      else conflicts.push({ index, eventId: event.eventId! });
      continue;
    }
    accepted += 1;
    await store(client, event, Number(inserted.rows[0].seq));
  }
  return { accepted, duplicates, conflicts };
}

async function store(client: pg.ClientBase, event: CprEvent, seq: number): Promise<void> {
  switch (event.type) {
    case 'ticket.opened':
      await run(client, 'ticket', [event.ticketId, event.at, event.category, event.channel, event.customerId]);
      return;
    case 'conversation.linked':
      await run(client, 'link', [seq, event.conversationId, event.ticketId, event.at]);
      await run(client, 'conversation', [event.conversationId, event.ticketId, event.at, seq]);
      return;
    case 'handoff':
      await run(client, 'handoff', [seq, event.ticketId, event.conversationId, event.at, event.reason, event.queue, event.agentId]);
      return;
    case 'human.work':
      await run(client, 'work', [seq, event.ticketId, event.conversationId, event.at, event.seconds, event.costUsd, event.agentId]);
      return;
    case 'ticket.resolved':
      await run(client, 'status', [seq, event.ticketId, event.conversationId, event.at, 'resolved', event.by, event.confirmed]);
      return;
    case 'ticket.reopened':
      await run(client, 'status', [seq, event.ticketId, event.conversationId, event.at, 'reopened', null, false]);
      return;
    case 'cost.fixed':
      await run(client, 'fixed', [seq, event.amountUsd, event.from, event.to, event.appliesTo, event.category, event.note]);
      return;
  }
}
