import type { CprEventInput } from '../tickets/types.js';
import type { FreshdeskOptions } from './helpdesk-config.js';
import { fromTags } from './locator.js';
import { ignored, mapped, type MappedDelivery } from './mapped-delivery.js';
import { at, eventIdOf, idOf, instantOf, isoOf, prefixed, record } from './payload-reader.js';
import { parseTriggeredEvent, type TriggeredValue } from './triggered-event.js';

/** The options the Freshdesk mapping reads. */
export type FreshdeskMapOptions = Pick<FreshdeskOptions, 'conversationId' | 'category' | 'channel' | 'botAgentIds' | 'ticketIdPrefix'>;

/** Freshdesk's status codes (and names, as `{{ticket.status}}` gives them) that mean done: 4 Resolved, 5 Closed. */
const DONE = new Set(['4', '5', 'resolved', 'closed']);

/**
 * Maps one Freshdesk "Trigger webhook" delivery, whose body the automation rule writes (see the
 * README for the body to use), to cpr-meter events. Pure: any JSON value gives a result, never
 * an exception. Freshdesk sends no delivery id: the key is ticket id + `triggered_event` +
 * `ticket_updated_at`, which is also the events' time.
 */
export function mapFreshdesk(payload: unknown, options: FreshdeskMapOptions): MappedDelivery {
  const body = record(at(payload, 'freshdesk_webhook')) ?? record(payload);
  const triggered = at(body, 'triggered_event');
  const changes = typeof triggered === 'string' ? parseTriggeredEvent(triggered) : null;
  const topic = changes === null ? '(no triggered_event)' : Object.keys(changes).join(',').slice(0, 100) || '(empty)';
  if (changes === null) return ignored(topic, 'no readable "triggered_event" ({field:{from:X,to:Y}})');
  const rawId = idOf(at(body, 'ticket_id'));
  const ticketId = prefixed(options.ticketIdPrefix, rawId);
  if (ticketId === null) return ignored(topic, 'no "ticket_id"');
  const updatedAt = instantOf(at(body, 'ticket_updated_at'));
  const time = isoOf(updatedAt);
  if (time === null) return ignored(topic, 'no readable "ticket_updated_at" (ISO 8601): it dates the events and tells redeliveries apart');
  const key = `${rawId}:${String(triggered)}:${updatedAt}`;
  const base = (kind: string) => ({ eventId: eventIdOf({ helpdesk: 'freshdesk', key, kind }), at: time });
  const events: CprEventInput[] = [];

  if (Object.values(changes).includes('created') || changes.ticket_action === 'created') {
    events.push({ type: 'ticket.opened', ...base('opened'), ticketId, ...attributes(body, options) });
  }
  const status = change(changes.status);
  if (status !== null) {
    const wasDone = DONE.has(status.from.toLowerCase());
    const isDone = DONE.has(status.to.toLowerCase());
    if (wasDone && !isDone && status.to !== '') events.push({ type: 'ticket.reopened', ...base('reopened'), ticketId });
    if (isDone && !wasDone) {
      const agent = idOf(at(body, 'ticket_agent_id'));
      const byBot = agent !== null && options.botAgentIds.includes(agent);
      events.push({ type: 'ticket.resolved', ...base('resolved'), ticketId, by: byBot ? 'ai' : 'human', confirmed: false });
    }
  }
  const responder = change(changes.responder_id);
  if (responder !== null && responder.to !== '' && !options.botAgentIds.includes(responder.to)
    && (responder.from === '' || options.botAgentIds.includes(responder.from))) {
    const queue = idOf(at(body, 'ticket_group_id'));
    events.push({ type: 'handoff', ...base('handoff'), ticketId, agentId: responder.to, ...(queue ? { queue } : {}) });
  }
  if (events.length > 0) events.push(...conversationLink(body, options, ticketId, base));
  return mapped(topic, events, 'a change cpr-meter does not use');
}

/** `{from, to}` as strings (`''` for null); `null` when the value is not such a change. */
function change(value: TriggeredValue | undefined): { from: string; to: string } | null {
  if (typeof value !== 'object' || value === null) return null;
  const text = (v: TriggeredValue | undefined) => (typeof v === 'string' ? v : '');
  return { from: text(value.from), to: text(value.to) };
}

type Base = (kind: string) => { eventId: string; at: string };

function conversationLink(body: unknown, options: FreshdeskMapOptions, ticketId: string, base: Base): CprEventInput[] {
  const locator = options.conversationId;
  const conversationId = locator?.kind === 'field' ? idOf(at(body, locator.name)) : null;
  return conversationId === null ? [] : [{ type: 'conversation.linked', ...base('linked'), conversationId, ticketId }];
}

function attributes(body: unknown, options: FreshdeskMapOptions) {
  const locator = options.category;
  let category: string | null = null;
  if (locator?.kind === 'type') category = idOf(at(body, 'ticket_type'));
  else if (locator?.kind === 'field') category = idOf(at(body, locator.name));
  else if (locator?.kind === 'tag') {
    const tags = at(body, 'ticket_tags');
    category = fromTags(typeof tags === 'string' ? tags.split(',').map((tag) => tag.trim()) : [], locator.prefix);
  }
  const channel = options.channel.kind === 'field' ? idOf(at(body, options.channel.name)) : idOf(at(body, 'ticket_source'));
  const customerId = idOf(at(body, 'ticket_requester_id'));
  return { ...(category ? { category } : {}), ...(channel ? { channel } : {}), ...(customerId ? { customerId } : {}) };
}
