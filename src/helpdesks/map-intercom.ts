import type { CprEventInput } from '../tickets/types.js';
import type { IntercomOptions } from './helpdesk-config.js';
import { fromTags } from './locator.js';
import { ignored, mapped, type MappedDelivery } from './mapped-delivery.js';
import { at, eventIdOf, idOf, instantOf, isoOf, namesOf, numberOf, prefixed } from './payload-reader.js';

/** The options the Intercom mapping reads. */
export type IntercomMapOptions = Pick<IntercomOptions, 'conversationId' | 'category' | 'channel' | 'botAdminIds' | 'botTeamIds' | 'ticketIdPrefix'>;

/**
 * Every `ai_agent.resolution_state` of every API version: 2.11-2.14 (`assumed_resolution`,
 * `confirmed_resolution`, `routed_to_team`, `abandoned`) and 2.15+ (`escalated`,
 * `negative_feedback`, `procedure_handoff`). Only the first two are resolutions by the AI.
 */
export const FIN_RESOLUTION_STATES = {
  assumed_resolution: 'ai',
  confirmed_resolution: 'ai',
  routed_to_team: 'human',
  abandoned: 'human',
  escalated: 'human',
  negative_feedback: 'human',
  procedure_handoff: 'human',
} as const;

/**
 * Maps one Intercom notification (`conversation.*`, `ticket.*`) to cpr-meter events. Pure:
 * any JSON value gives a result, never an exception. Event ids are `intercom:<notif id>:<kind>`;
 * times are the item's `updated_at`, else the notification's `created_at`.
 */
export function mapIntercom(payload: unknown, options: IntercomMapOptions): MappedDelivery {
  const rawTopic = at(payload, 'topic');
  const topic = typeof rawTopic === 'string' ? rawTopic.slice(0, 100) : '(no topic)';
  if (topic === 'ping') return ignored(topic, 'Intercom\'s ping: the subscription works');
  const deliveryId = idOf(at(payload, 'id'));
  if (deliveryId === null) return ignored(topic, 'no notification id ("id")');
  const item = at(payload, 'data', 'item');
  const time = isoOf(instantOf(at(item, 'updated_at')) ?? instantOf(at(payload, 'created_at')));
  if (time === null) return ignored(topic, 'no readable "data.item.updated_at" or "created_at"');
  const ticketId = prefixed(options.ticketIdPrefix, idOf(at(item, 'id')));
  if (ticketId === null) return ignored(topic, 'no conversation or ticket ("data.item.id")');
  const base = (kind: string) => ({ eventId: eventIdOf({ helpdesk: 'intercom', key: deliveryId, kind }), at: time });
  const link = conversationLink(item, options, ticketId, base);

  switch (topic) {
    case 'conversation.user.created':
    case 'ticket.created':
      return mapped(topic, [{ type: 'ticket.opened', ...base('opened'), ticketId, ...attributes(item, options) }, ...link]);
    case 'conversation.admin.assigned':
    case 'conversation.admin.open.assigned': {
      const admin = humanAdmin(idOf(at(item, 'admin_assignee_id')), options);
      const team = idOf(at(item, 'team_assignee_id'));
      const humanTeam = team !== null && team !== '0' && !options.botTeamIds.includes(team) ? team : null;
      if (admin === null && humanTeam === null) return ignored(topic, 'assigned to the bot, or to nobody');
      return mapped(topic, [{ type: 'handoff', ...base('handoff'), ticketId, ...(admin ? { agentId: admin } : {}),
        ...(humanTeam ? { queue: humanTeam } : {}) }, ...link]);
    }
    case 'conversation.admin.closed':
      return mapped(topic, [...closing(item, options, ticketId, base), ...link]);
    case 'conversation.admin.opened':
      return mapped(topic, [{ type: 'ticket.reopened', ...base('reopened'), ticketId }, ...link]);
    case 'conversation.user.replied':
      if (at(item, 'state') !== 'closed' && at(item, 'open') !== false) return ignored(topic, 'a reply in an open conversation');
      return mapped(topic, [{ type: 'ticket.reopened', ...base('reopened'), ticketId }, ...link]);
    case 'conversation_part.tag.created': {
      const category = categoryOf(item, options);
      if (options.category?.kind !== 'tag' || category === null) return ignored(topic, 'no category tag');
      return mapped(topic, [{ type: 'ticket.opened', ...base('category'), ticketId, category }]);
    }
    default:
      return ignored(topic, 'a topic cpr-meter does not use');
  }
}

type Base = (kind: string) => { eventId: string; at: string };

/** The admin id when it is a human (not a configured bot, not `0`, Intercom's "nobody"). */
function humanAdmin(admin: string | null, options: IntercomMapOptions): string | null {
  return admin !== null && admin !== '0' && !options.botAdminIds.includes(admin) ? admin : null;
}

/** A close: the resolution (by the AI only when Fin resolved it with no human teammate), and the human handling time. */
function closing(item: unknown, options: IntercomMapOptions, ticketId: string, base: Base): CprEventInput[] {
  const teammates = at(item, 'teammates', 'admins');
  const humans = (Array.isArray(teammates) ? teammates : []).map((admin) => humanAdmin(idOf(at(admin, 'id')), options));
  const closer = humanAdmin(idOf(at(item, 'statistics', 'last_closed_by_id')), options);
  const assignee = humanAdmin(idOf(at(item, 'admin_assignee_id')), options);
  const humanTookPart = humans.some((id) => id !== null) || closer !== null || assignee !== null;
  const state = at(item, 'ai_agent', 'resolution_state');
  const fin = typeof state === 'string' && Object.hasOwn(FIN_RESOLUTION_STATES, state)
    ? FIN_RESOLUTION_STATES[state as keyof typeof FIN_RESOLUTION_STATES] : null;
  const byAi = fin === 'ai' && !humanTookPart;
  const events: CprEventInput[] = [
    { type: 'ticket.resolved', ...base('resolved'), ticketId, by: byAi ? 'ai' : 'human', confirmed: byAi && state === 'confirmed_resolution' },
  ];
  // Handling time is a human's: counted once per close (the notification id makes it so).
  const seconds = numberOf(at(item, 'statistics', 'adjusted_handling_time')) ?? numberOf(at(item, 'statistics', 'handling_time'));
  if (humanTookPart && seconds !== null && seconds > 0 && seconds <= 1e9) {
    const agentId = closer ?? assignee ?? humans.find((id) => id !== null) ?? null;
    events.push({ type: 'human.work', ...base('work'), ticketId, seconds, ...(agentId ? { agentId } : {}) });
  }
  return events;
}

function conversationLink(item: unknown, options: IntercomMapOptions, ticketId: string, base: Base): CprEventInput[] {
  const locator = options.conversationId;
  const conversationId = locator.kind === 'attribute' ? idOf(at(item, 'custom_attributes', locator.name)) : idOf(at(item, 'id'));
  return conversationId === null ? [] : [{ type: 'conversation.linked', ...base('linked'), conversationId, ticketId }];
}

function categoryOf(item: unknown, options: IntercomMapOptions): string | null {
  const locator = options.category;
  if (locator?.kind === 'tag') return fromTags(namesOf(at(item, 'tags', 'tags')), locator.prefix);
  if (locator?.kind === 'attribute') return idOf(at(item, 'custom_attributes', locator.name));
  return null;
}

function attributes(item: unknown, options: IntercomMapOptions) {
  const category = categoryOf(item, options);
  const channel = options.channel.kind === 'attribute' ? idOf(at(item, 'custom_attributes', options.channel.name))
    : idOf(at(item, 'source', 'type'));
  const contact = at(item, 'contacts', 'contacts');
  const first: unknown = Array.isArray(contact) ? contact[0] : undefined;
  const customerId = idOf(at(first, 'external_id')) ?? idOf(at(first, 'id'));
  return { ...(category ? { category } : {}), ...(channel ? { channel } : {}), ...(customerId ? { customerId } : {}) };
}
