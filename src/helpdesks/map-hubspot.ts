import type { CprEventInput } from '../tickets/types.js';
import type { HubspotOptions } from './helpdesk-config.js';
import type { MappedDelivery } from './mapped-delivery.js';
import type { StageMove } from '../ledger/stage-moves.js';
import { at, eventIdOf, idOf, isoOf, numberOf, prefixed } from './payload-reader.js';

/** The options the HubSpot mapping reads. */
export type HubspotMapOptions = Pick<HubspotOptions, 'conversationId' | 'category' | 'channel' | 'closedStageIds' | 'botOwnerIds'
  | 'botSourceIds' | 'ticketIdPrefix'>;

/** One move of a ticket to a pipeline stage, kept in the ledger so that a later move can tell whether it reopens the ticket. */
export type { StageMove };

/** A HubSpot delivery's events, plus the stage moves it carries. */
export interface MappedHubspotDelivery extends MappedDelivery {
  stageMoves: StageMove[];
}

/** Most events HubSpot batches in one request (its documented limit is 100; more is not HubSpot). */
const MAX_BATCH = 1000;

/**
 * Maps one HubSpot webhook request (a JSON array of up to 100 events; a single object is read
 * as one) to cpr-meter events. Pure: any JSON value gives a result, never an exception. Event
 * ids are `hubspot:<portalId>:<subscriptionId>:<eventId>:<occurredAt>:<kind>` (HubSpot's
 * `eventId` alone is not unique); times are `occurredAt`. A move to a closed stage is a
 * resolution here; whether a move to an open stage is a reopen depends on the ticket's
 * previous stage, which {@link reopensOf} decides with the moves the ledger remembers.
 */
export function mapHubspot(payload: unknown, options: HubspotMapOptions): MappedHubspotDelivery {
  const items: unknown[] = Array.isArray(payload) ? payload.slice(0, MAX_BATCH) : [payload];
  const topics = new Set<string>();
  const events: CprEventInput[] = [];
  const stageMoves: StageMove[] = [];
  for (const item of items) {
    const type = at(item, 'subscriptionType');
    const property = at(item, 'propertyName');
    const topic = typeof type === 'string' ? `${type.slice(0, 60)}${typeof property === 'string' ? `:${property.slice(0, 60)}` : ''}` : '(no subscriptionType)';
    topics.add(topic);
    const one = mapOne(item, options);
    events.push(...one.events);
    if (one.move !== null) stageMoves.push(one.move);
  }
  const topic = [...topics].slice(0, 5).join(',') + (topics.size > 5 ? ',…' : '');
  const reason = events.length > 0 || stageMoves.length > 0 ? null : 'no event cpr-meter uses';
  return { topic: topic === '' ? '(empty batch)' : topic, events, reason, stageMoves };
}

function mapOne(item: unknown, options: HubspotMapOptions): { events: CprEventInput[]; move: StageMove | null } {
  const none = { events: [], move: null };
  const occurredAt = numberOf(at(item, 'occurredAt'));
  const time = isoOf(occurredAt);
  const parts = ['portalId', 'subscriptionId', 'eventId'].map((key) => idOf(at(item, key)));
  const ticketId = prefixed(options.ticketIdPrefix, idOf(at(item, 'objectId')));
  if (time === null || occurredAt === null || parts.includes(null) || ticketId === null) return none;
  const key = `${parts.join(':')}:${occurredAt}`;
  const base = (kind: string) => ({ eventId: eventIdOf({ helpdesk: 'hubspot', key, kind }), at: time });
  const type = at(item, 'subscriptionType');
  if (type === 'ticket.creation') return { events: [{ type: 'ticket.opened', ...base('opened'), ticketId }], move: null };
  if (type !== 'ticket.propertyChange') return none;
  const name = at(item, 'propertyName');
  const value = idOf(at(item, 'propertyValue'));
  const events: CprEventInput[] = [];
  let move: StageMove | null = null;
  if (name === 'hs_pipeline_stage' && value !== null) {
    move = { ticketId, stageId: value, at: occurredAt, key };
    if (options.closedStageIds.includes(value)) {
      const source = idOf(at(item, 'sourceId'));
      const byBot = source !== null && options.botSourceIds.includes(source);
      events.push({ type: 'ticket.resolved', ...base('resolved'), ticketId, by: byBot ? 'ai' : 'human', confirmed: false });
    }
  }
  if (name === 'hubspot_owner_id' && value !== null && !options.botOwnerIds.includes(value)) {
    events.push({ type: 'handoff', ...base('handoff'), ticketId, agentId: value });
  }
  if (value !== null && options.category?.kind === 'property' && name === options.category.name) {
    events.push({ type: 'ticket.opened', ...base('category'), ticketId, category: value });
  }
  if (value !== null && name === (options.channel.kind === 'property' ? options.channel.name : null)) {
    events.push({ type: 'ticket.opened', ...base('channel'), ticketId, channel: value });
  }
  if (value !== null && options.conversationId?.kind === 'property' && name === options.conversationId.name) {
    events.push({ type: 'conversation.linked', ...base('linked'), conversationId: value, ticketId });
  }
  return { events, move };
}

/**
 * The reopens a new stage move reveals, given the ticket's moves just before and just after it
 * (by time, as remembered in the ledger): a move to an open stage right after a closed one
 * reopens the ticket; and a closed move that arrives late, just before an open one already
 * seen, reveals that later move as a reopen. Both name the reopening move's key, so either
 * path gives the same event id: order of arrival does not matter.
 */
export function reopensOf(
  { move, previous, next, closedStageIds }: { move: StageMove; previous: StageMove | null; next: StageMove | null; closedStageIds: readonly string[] },
): CprEventInput[] {
  const closed = (m: StageMove | null) => m !== null && closedStageIds.includes(m.stageId);
  const reopen = (m: StageMove): CprEventInput => ({
    type: 'ticket.reopened', eventId: eventIdOf({ helpdesk: 'hubspot', key: m.key, kind: 'reopened' }), at: isoOf(m.at)!, ticketId: m.ticketId,
  });
  const events: CprEventInput[] = [];
  if (!closed(move) && closed(previous)) events.push(reopen(move));
  if (closed(move) && next !== null && !closed(next)) events.push(reopen(next));
  return events;
}
