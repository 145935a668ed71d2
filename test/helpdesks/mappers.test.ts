import { describe, expect, it } from 'vitest';
import { mapFreshdesk } from '../../src/helpdesks/map-freshdesk.js';
import { mapHubspot, reopensOf } from '../../src/helpdesks/map-hubspot.js';
import { mapIntercom, FIN_RESOLUTION_STATES } from '../../src/helpdesks/map-intercom.js';
import { mapZendesk } from '../../src/helpdesks/map-zendesk.js';
import { parseTriggeredEvent } from '../../src/helpdesks/triggered-event.js';
import { validateEvents } from '../../src/tickets/validate-events.js';
import { SETTINGS, fixture } from './helpdesk-fixtures.js';

const valid = (events: unknown[]) => {
  const result = validateEvents(events, { now: () => 0 });
  if (!result.ok) throw new Error(result.error.message);
  return result.events;
};

describe('Zendesk mapping', () => {
  const map = (name: string) => mapZendesk(fixture('zendesk', name), SETTINGS.zendesk);

  it('ticket.created opens the ticket with category, channel and customer, and links the bot conversation from external_id', () => {
    const { topic, events } = map('ticket.created');
    expect(topic).toBe('ticket.created');
    expect(valid(events)).toHaveLength(2);
    expect(events).toEqual([
      { type: 'ticket.opened', eventId: 'zendesk:2c8a1f4e-7b3d-4e4a-9f61-0d3e5c7a9b10:opened', at: '2026-10-05T09:00:00.123Z',
        ticketId: '5158', category: 'billing', channel: 'web_widget', customerId: '361111111111' },
      { type: 'conversation.linked', eventId: 'zendesk:2c8a1f4e-7b3d-4e4a-9f61-0d3e5c7a9b10:linked', at: '2026-10-05T09:00:00.123Z',
        conversationId: 'conv-zd-1', ticketId: '5158' },
    ]);
  });

  it('an assignment from the bot to a human is a handoff; to the bot, or between humans, is not', () => {
    expect(map('ticket.agent_assignment_changed').events[0]).toMatchObject({ type: 'handoff', ticketId: '5158', agentId: '362222222222', queue: '360006543210' });
    const toBot = fixture('zendesk', 'ticket.agent_assignment_changed');
    toBot.event = { current: '361234', previous: null };
    expect(mapZendesk(toBot, SETTINGS.zendesk)).toMatchObject({ events: [], reason: 'assigned to the bot' });
    const between = fixture('zendesk', 'ticket.agent_assignment_changed');
    between.event = { current: { id: 362222222223 }, previous: '362222222222' };
    expect(mapZendesk(between, SETTINGS.zendesk).events).toEqual([]);
  });

  it('time tracking: the work is the increase of the total (900 - 300 = 600 s), by the assignee', () => {
    expect(map('ticket.custom_field_changed').events[0]).toEqual({
      type: 'human.work', eventId: 'zendesk:7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d:work', at: '2026-10-05T09:40:00.000Z',
      ticketId: '5158', seconds: 600, agentId: '362222222222',
    });
  });

  it('SOLVED is a resolution by a human (a human assignee), SOLVED to OPEN a reopen', () => {
    expect(map('ticket.status_changed').events[0]).toMatchObject({ type: 'ticket.resolved', by: 'human', confirmed: false });
    expect(map('ticket.status_changed.reopened').events[0]).toMatchObject({ type: 'ticket.reopened', ticketId: '5158', at: '2026-10-06T08:00:00.000Z' });
    const byBot = fixture('zendesk', 'ticket.status_changed');
    byBot.detail.assignee_id = '361234';
    expect(mapZendesk(byBot, SETTINGS.zendesk).events[0]).toMatchObject({ type: 'ticket.resolved', by: 'ai' });
    const autoClose = fixture('zendesk', 'ticket.status_changed');
    autoClose.event = { current: 'CLOSED', previous: 'SOLVED' };
    expect(mapZendesk(autoClose, SETTINGS.zendesk).events.filter((e) => e.type === 'ticket.resolved')).toEqual([]);
  });

  it('a first group assignment is a handoff to that queue; tags changed re-read the category', () => {
    expect(map('ticket.group_assignment_changed').events[0]).toMatchObject({ type: 'handoff', ticketId: '5158', queue: '360006543210' });
    expect(map('ticket.tags_changed').events[0]).toMatchObject({ type: 'ticket.opened', ticketId: '5158', category: 'refunds', at: '2026-10-05T09:05:00.000Z' });
  });

  it('topics it does not use are ignored, with the reason', () => {
    expect(map('ticket.comment_added')).toMatchObject({ topic: 'ticket.comment_added', events: [], reason: 'a topic cpr-meter does not use' });
    expect(map('messaging_ticket.message_added').events).toEqual([]);
  });

  it('the ticket id prefix is applied to every event', () => {
    const { events } = mapZendesk(fixture('zendesk', 'ticket.created'), { ...SETTINGS.zendesk, ticketIdPrefix: 'ZD-' });
    expect(events.map((e) => (e as { ticketId: string }).ticketId)).toEqual(['ZD-5158', 'ZD-5158']);
  });
});

describe('Intercom mapping', () => {
  const map = (name: string) => mapIntercom(fixture('intercom', name), SETTINGS.intercom);

  it('conversation.user.created opens the ticket (channel, customer external id, tag category) and links the custom attribute', () => {
    expect(map('conversation.user.created').events).toEqual([
      { type: 'ticket.opened', eventId: 'intercom:notif_4f1b6c2e-0a1d-4e5b-9c8f-1a2b3c4d5e60:opened', at: '2026-10-05T09:00:00.000Z',
        ticketId: '215472621202693', category: 'billing', channel: 'conversation', customerId: 'cust-042' },
      { type: 'conversation.linked', eventId: 'intercom:notif_4f1b6c2e-0a1d-4e5b-9c8f-1a2b3c4d5e60:linked', at: '2026-10-05T09:00:00.000Z',
        conversationId: 'conv-ic-1', ticketId: '215472621202693' },
    ]);
  });

  it('assignment to a human admin and team is a handoff; to a team alone (open.assigned) too', () => {
    expect(map('conversation.admin.assigned').events[0]).toMatchObject({ type: 'handoff', agentId: '5017691', queue: '4401' });
    const toTeam = map('conversation.admin.open.assigned').events[0];
    expect(toTeam).toMatchObject({ type: 'handoff', queue: '4401' });
    expect(toTeam).not.toHaveProperty('agentId');
  });

  it('a customer\'s reply to a closed conversation is a reopen', () => {
    expect(map('conversation.user.replied').events[0]).toMatchObject({ type: 'ticket.reopened', at: '2026-10-06T10:00:00.000Z' });
    const open = fixture('intercom', 'conversation.user.replied');
    open.data.item.state = 'open';
    open.data.item.open = true;
    expect(mapIntercom(open, SETTINGS.intercom)).toMatchObject({ events: [], reason: 'a reply in an open conversation' });
  });

  it('a close after a human took part: resolved by human, and the adjusted handling time (1500 s, not 2100) as human work', () => {
    const events = map('conversation.admin.closed').events;
    expect(events.filter((e) => e.type !== 'conversation.linked')).toEqual([
      { type: 'ticket.resolved', eventId: 'intercom:notif_6b3d8e4a-2c3f-4a7d-9e01-3c4d5e6f7a82:resolved', at: '2026-10-05T09:45:00.000Z',
        ticketId: '215472621202693', by: 'human', confirmed: false },
      { type: 'human.work', eventId: 'intercom:notif_6b3d8e4a-2c3f-4a7d-9e01-3c4d5e6f7a82:work', at: '2026-10-05T09:45:00.000Z',
        ticketId: '215472621202693', seconds: 1500, agentId: '5017691' },
    ]);
  });

  it('Fin\'s confirmed resolution with no human teammate is a confirmed AI resolution, with no human work', () => {
    const events = map('conversation.admin.closed.fin').events.filter((e) => e.type !== 'conversation.linked');
    expect(events).toEqual([expect.objectContaining({ type: 'ticket.resolved', by: 'ai', confirmed: true })]);
  });

  it('every resolution_state of every API version: only the two resolutions are the AI\'s', () => {
    const byState = Object.keys(FIN_RESOLUTION_STATES).map((state) => {
      const payload = fixture('intercom', 'conversation.admin.closed.fin');
      payload.data.item.ai_agent.resolution_state = state;
      const resolved = mapIntercom(payload, SETTINGS.intercom).events.find((e) => e.type === 'ticket.resolved') as { by: string; confirmed: boolean };
      return [state, `${resolved.by}${resolved.confirmed ? ' confirmed' : ''}`];
    });
    expect(Object.fromEntries(byState)).toEqual({
      assumed_resolution: 'ai', confirmed_resolution: 'ai confirmed', routed_to_team: 'human', abandoned: 'human',
      escalated: 'human', negative_feedback: 'human', procedure_handoff: 'human',
    });
  });

  it('conversation.admin.opened is a reopen; ping and snoozed are ignored', () => {
    expect(map('conversation.admin.opened').events[0]).toMatchObject({ type: 'ticket.reopened', at: '2026-10-06T09:00:00.000Z' });
    expect(map('ping')).toMatchObject({ topic: 'ping', events: [] });
    expect(map('conversation.admin.snoozed')).toMatchObject({ events: [], reason: 'a topic cpr-meter does not use' });
  });
});

describe('HubSpot mapping', () => {
  const map = (name: string) => mapHubspot(fixture('hubspot', name), SETTINGS.hubspot);

  it('a creation batch: opened, the bot conversation linked, the category, and a stage move to remember', () => {
    const { events, stageMoves } = map('ticket.creation');
    const key = '143553137:2426754:4023112300:1791190800000';
    expect(events[0]).toEqual({ type: 'ticket.opened', eventId: `hubspot:${key}:opened`, at: '2026-10-05T09:00:00.000Z', ticketId: '1801' });
    expect(events.slice(1)).toEqual([
      expect.objectContaining({ type: 'conversation.linked', conversationId: 'conv-hs-1', ticketId: '1801' }),
      expect.objectContaining({ type: 'ticket.opened', category: 'BILLING_ISSUE' }),
    ]);
    expect(stageMoves).toEqual([{ ticketId: '1801', stageId: '1', at: 1791190800000, key: '143553137:2426762:4023112303:1791190800000' }]);
  });

  it('an owner is a handoff; a closed stage a resolution (by a human: the source is a user, not the bot app)', () => {
    expect(map('ticket.propertyChange.hubspot_owner_id').events).toEqual([expect.objectContaining({ type: 'handoff', agentId: '51430432' })]);
    expect(map('ticket.propertyChange.hs_pipeline_stage').events).toEqual([expect.objectContaining({ type: 'ticket.resolved', by: 'human' })]);
  });

  it('a move to an open stage is a reopen only after a closed one, whichever of the two arrives first', () => {
    const closed = { ticketId: '1801', stageId: '4', at: 100, key: 'a' };
    const open = { ticketId: '1801', stageId: '2', at: 200, key: 'b' };
    const fromClosed = reopensOf({ move: open, previous: closed, next: null, closedStageIds: ['4'] });
    const lateClosed = reopensOf({ move: closed, previous: null, next: open, closedStageIds: ['4'] });
    expect(fromClosed).toEqual(lateClosed);
    expect(fromClosed).toEqual([{ type: 'ticket.reopened', eventId: 'hubspot:b:reopened', at: '1970-01-01T00:00:00.200Z', ticketId: '1801' }]);
    expect(reopensOf({ move: open, previous: { ...closed, stageId: '1' }, next: null, closedStageIds: ['4'] })).toEqual([]);
  });

  it('properties and objects it does not use are ignored', () => {
    expect(map('ticket.propertyChange.hs_ticket_priority')).toMatchObject({ events: [], stageMoves: [], reason: 'no event cpr-meter uses' });
  });
});

describe('Freshdesk mapping', () => {
  const map = (name: string) => mapFreshdesk(fixture('freshdesk', name), SETTINGS.freshdesk);

  it('reads the non-JSON triggered_event', () => {
    expect(parseTriggeredEvent('{status:{from:4,to:6}}')).toEqual({ status: { from: '4', to: '6' } });
    expect(parseTriggeredEvent('{ticket_action:created}')).toEqual({ ticket_action: 'created' });
    expect(parseTriggeredEvent('{responder_id:{from:null,to:42},priority:{from:1,to:3}}'))
      .toEqual({ responder_id: { from: null, to: '42' }, priority: { from: '1', to: '3' } });
    for (const bad of ['', '{', '{status:{from:4}', 'status', '{:x}', '{a:b}}']) expect(parseTriggeredEvent(bad)).toBeNull();
  });

  it('created opens the ticket (tag category, source channel) and links the rule\'s bot_conversation_id; no e-mail kept', () => {
    const { events } = map('ticket_action.created');
    expect(events[0]).toMatchObject({ type: 'ticket.opened', ticketId: '11', category: 'billing', channel: 'Chat', customerId: '48000123456' });
    expect(events[1]).toMatchObject({ type: 'conversation.linked', conversationId: 'conv-fd-1', ticketId: '11' });
    expect(JSON.stringify(events)).not.toContain('example.com');
  });

  it('the bot agent handing to a human is a handoff; Resolved is a resolution; Resolved to Open or a custom status a reopen', () => {
    expect(map('responder_id').events[0]).toMatchObject({ type: 'handoff', agentId: '48000999888', queue: '48000004444' });
    expect(map('status.resolved').events[0]).toMatchObject({ type: 'ticket.resolved', by: 'human', at: '2026-10-05T09:45:00.000Z' });
    expect(map('status.reopened').events[0]).toMatchObject({ type: 'ticket.reopened', at: '2026-10-06T08:00:00.000Z' });
    expect(map('status.waiting_on_customer').events[0]).toMatchObject({ type: 'ticket.reopened', ticketId: '12' });
  });

  it('the dedupe key is ticket + triggered_event + updated time: one change twice gives one id', () => {
    const a = map('status.resolved').events[0]!.eventId;
    expect(a).toBe('freshdesk:11:{status:{from:2,to:4}}:1791193500000:resolved');
    expect(map('priority')).toMatchObject({ events: [], reason: 'a change cpr-meter does not use' });
  });
});
