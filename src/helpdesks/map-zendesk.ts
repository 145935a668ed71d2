import type { CprEventInput } from '../tickets/types.js';
import type { ZendeskOptions } from './helpdesk-config.js';
import { fromTags } from './locator.js';
import { ignored, mapped, type MappedDelivery } from './mapped-delivery.js';
import { at, eventIdOf, idOf, instantOf, isoOf, namesOf, numberOf, prefixed, record } from './payload-reader.js';

/** The options the Zendesk mapping reads. */
export type ZendeskMapOptions = Pick<ZendeskOptions, 'conversationId' | 'category' | 'channel' | 'botUserIds' | 'botGroupIds'
  | 'timeTrackingTotalFieldId' | 'ticketIdPrefix'>;

const OPEN = new Set(['NEW', 'OPEN', 'PENDING', 'HOLD']);
const DONE = new Set(['SOLVED', 'CLOSED']);

/**
 * Maps one Zendesk event-subscription delivery (`zen:event-type:ticket.*`) to cpr-meter events.
 * Pure: any JSON value gives a result, never an exception. Event ids are `zendesk:<envelope id>:<kind>`
 * and times the envelope's `time`, so redeliveries are duplicates and order does not matter.
 *
 * @example
 * mapZendesk(JSON.parse(body), { conversationId: { kind: 'external_id' }, botUserIds: ['361234'], ... }).events;
 */
export function mapZendesk(payload: unknown, options: ZendeskMapOptions): MappedDelivery {
  const type = at(payload, 'type');
  const topic = typeof type === 'string' ? type.replace(/^zen:event-type:/, '').slice(0, 100) : '(no type)';
  const deliveryId = idOf(at(payload, 'id'));
  if (deliveryId === null) return ignored(topic, 'no delivery id ("id") in the envelope');
  const time = isoOf(instantOf(at(payload, 'time')));
  if (time === null) return ignored(topic, 'no readable "time" in the envelope');
  const detail = at(payload, 'detail');
  const rawId = idOf(at(detail, 'id')) ?? idOf(/^zen:ticket:(.+)$/.exec(String(at(payload, 'subject') ?? ''))?.[1]);
  const ticketId = prefixed(options.ticketIdPrefix, rawId);
  if (ticketId === null) return ignored(topic, 'not a ticket event (no "detail.id")');
  const event = at(payload, 'event');
  const base = (kind: string) => ({ eventId: eventIdOf({ helpdesk: 'zendesk', key: deliveryId, kind }), at: time });
  const link = conversationLink({ detail, event, topic, options, ticketId, base });

  switch (topic) {
    case 'ticket.created': {
      const opened: CprEventInput = { type: 'ticket.opened', ...base('opened'), ticketId, ...attributes(detail, options) };
      return mapped(topic, [opened, ...link]);
    }
    case 'ticket.status_changed':
      return mapped(topic, [...statusChange({ detail, event, options, ticketId, base }), ...link], 'a status change that neither solves nor reopens');
    case 'ticket.agent_assignment_changed': {
      const agent = assigneeOf(at(event, 'current'));
      const previous = assigneeOf(at(event, 'previous'));
      if (agent === null) return ignored(topic, 'unassigned');
      if (options.botUserIds.includes(agent)) return ignored(topic, 'assigned to the bot');
      if (previous !== null && !options.botUserIds.includes(previous)) return ignored(topic, 'reassigned from one human to another');
      const queue = idOf(at(detail, 'group_id'));
      return mapped(topic, [{ type: 'handoff', ...base('handoff'), ticketId, agentId: agent, ...(queue ? { queue } : {}) }, ...link]);
    }
    case 'ticket.group_assignment_changed': {
      const group = assigneeOf(at(event, 'current'));
      const previous = assigneeOf(at(event, 'previous'));
      if (group === null || options.botGroupIds.includes(group)) return ignored(topic, 'assigned to no group, or to the bot\'s');
      if (previous !== null && !options.botGroupIds.includes(previous)) return ignored(topic, 'moved from one human group to another');
      return mapped(topic, [{ type: 'handoff', ...base('handoff'), ticketId, queue: group }, ...link]);
    }
    case 'ticket.custom_field_changed':
      return mapped(topic, [...fieldChange({ detail, event, options, ticketId, base }), ...link], 'a custom field cpr-meter does not read');
    case 'ticket.tags_changed':
    case 'ticket.type_changed': {
      const wanted = topic === 'ticket.tags_changed' ? 'tag' : 'type';
      if (options.category?.kind !== wanted) return ignored(topic, `the category is not read from the ticket ${wanted}`);
      const category = categoryOf(detail, options, event);
      if (category === null) return ignored(topic, 'no category in the new value');
      return mapped(topic, [{ type: 'ticket.opened', ...base('category'), ticketId, category }, ...link]);
    }
    case 'ticket.external_id_changed':
      return mapped(topic, link, 'the external id does not hold a conversation id');
    default:
      return ignored(topic, 'a topic cpr-meter does not use');
  }
}

type Base = (kind: string) => { eventId: string; at: string };
interface Context { detail: unknown; event: unknown; options: ZendeskMapOptions; ticketId: string; base: Base }

/** A user or group id given as a string, a number or `{ id }`. */
function assigneeOf(value: unknown): string | null {
  return idOf(record(value) === null ? value : at(value, 'id'));
}

function statusChange({ detail, event, options, ticketId, base }: Context): CprEventInput[] {
  const current = String(at(event, 'current') ?? at(detail, 'status') ?? '').toUpperCase();
  const previous = String(at(event, 'previous') ?? '').toUpperCase();
  if (DONE.has(previous) && OPEN.has(current)) return [{ type: 'ticket.reopened', ...base('reopened'), ticketId }];
  // CLOSED follows SOLVED on its own after some days: only a direct close is a resolution.
  if (current === 'SOLVED' || (current === 'CLOSED' && !DONE.has(previous))) {
    const assignee = idOf(at(detail, 'assignee_id'));
    const actor = idOf(at(detail, 'actor_id'));
    const bot = assignee !== null ? options.botUserIds.includes(assignee) : actor !== null && options.botUserIds.includes(actor);
    return [{ type: 'ticket.resolved', ...base('resolved'), ticketId, by: bot ? 'ai' : 'human', confirmed: false }];
  }
  return [];
}

function fieldChange({ detail, event, options, ticketId, base }: Context): CprEventInput[] {
  const fieldId = idOf(at(event, 'custom_field', 'id')) ?? idOf(at(event, 'field_id')) ?? idOf(at(event, 'id'));
  if (fieldId === null) return [];
  const events: CprEventInput[] = [];
  if (fieldId === options.timeTrackingTotalFieldId) {
    // The Time Tracking app's total only grows: the work of this update is the increase.
    const current = numberOf(at(event, 'current'));
    const previous = numberOf(at(event, 'previous')) ?? 0;
    const seconds = current === null ? 0 : current - previous;
    if (seconds > 0 && seconds <= 1e9) {
      const agentId = idOf(at(detail, 'assignee_id'));
      events.push({ type: 'human.work', ...base('work'), ticketId, seconds, ...(agentId ? { agentId } : {}) });
    }
  }
  if (options.category?.kind === 'field' && options.category.name === fieldId) {
    const category = idOf(at(event, 'current'));
    if (category !== null) events.push({ type: 'ticket.opened', ...base('category'), ticketId, category });
  }
  return events;
}

function conversationLink({ detail, event, topic, options, ticketId, base }: Context & { topic: string }): CprEventInput[] {
  const locator = options.conversationId;
  let conversationId: string | null = null;
  if (locator.kind === 'external_id') conversationId = idOf(at(detail, 'external_id'));
  else if (locator.kind === 'field') {
    const changed = idOf(at(event, 'custom_field', 'id')) ?? idOf(at(event, 'field_id')) ?? idOf(at(event, 'id'));
    conversationId = topic === 'ticket.custom_field_changed' && changed === locator.name ? idOf(at(event, 'current'))
      : customField(detail, locator.name);
  }
  return conversationId === null ? [] : [{ type: 'conversation.linked', ...base('linked'), conversationId, ticketId }];
}

/** A custom field's value from `detail.custom_fields` (`[{ id, value }]`), when the payload carries them. */
function customField(detail: unknown, fieldId: string): string | null {
  const fields = at(detail, 'custom_fields');
  if (!Array.isArray(fields)) return null;
  const match = fields.find((field) => idOf(at(field, 'id')) === fieldId);
  return match === undefined ? null : idOf(at(match, 'value'));
}

function categoryOf(detail: unknown, options: ZendeskMapOptions, event?: unknown): string | null {
  const locator = options.category;
  if (locator === undefined) return null;
  if (locator.kind === 'tag') return fromTags(namesOf(at(detail, 'tags')), locator.prefix);
  if (locator.kind === 'type') return idOf(at(detail, 'type')) ?? idOf(at(event, 'current'));
  return customField(detail, locator.kind === 'field' ? locator.name : '');
}

function attributes(detail: unknown, options: ZendeskMapOptions) {
  const category = categoryOf(detail, options);
  const channel = options.channel.kind === 'field' ? customField(detail, options.channel.name) : idOf(at(detail, 'via', 'channel'));
  const customerId = idOf(at(detail, 'requester_id'));
  return { ...(category ? { category } : {}), ...(channel ? { channel } : {}), ...(customerId ? { customerId } : {}) };
}
