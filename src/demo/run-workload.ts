import type OpenAI from 'openai';
import type { DemoTicket } from './workload.js';
import { AGENT, BOT_USER, DEMO_ZENDESK, postZendeskEvent, type ZendeskTicket } from './demo-zendesk.js';

/** A settable clock: the demo plays a month in seconds. */
export interface DemoClock {
  now(): number;
  set(ms: number): void;
  advance(ms: number): number;
}

/** A clock starting at `start`. */
export function demoClock(start: number): DemoClock {
  let current = start;
  return {
    now: () => current,
    set: (ms) => void (current = ms),
    advance: (ms) => (current += ms),
  };
}

/** What playing the workload needs. */
export interface WorkloadDeps {
  client: OpenAI;
  clock: DemoClock;
  /** Posts events to `POST /api/events`: the month's fixed costs, and the tickets' human side unless it goes to Zendesk's webhook. */
  postEvents: (events: object[]) => Promise<void>;
  /**
   * `/webhooks/zendesk` of a server configured with `DEMO_HELPDESK_OPTIONS`: the tickets' human side
   * (opened, handoffs, time tracking, solves, reopens) is then posted there as signed Zendesk
   * deliveries instead of events. Same figures either way.
   */
  zendeskWebhookUrl?: string;
}

const HELP_CENTRE = [
  'Refunds: duplicate charges are refunded automatically within 3 business days; refunds reach cards in 5 to 10 business days.',
  'Invoices: invoices with a VAT number can be downloaded from Billing > Invoices once the VAT number is saved in the account.',
  'Shipping: parcels ship within 24 hours; tracking numbers become active once the carrier scans the parcel, usually the same evening.',
  'Address changes are possible until the parcel leaves the warehouse. Damaged parcels are replaced free of charge with a photo of the box.',
  'Accounts: password reset emails come from no-reply@northwind.example and may land in spam; links expire after 30 minutes.',
  'Two-factor authentication is enabled under Settings > Security with any TOTP app. Account deletion is final after 14 days.',
  'Technical: clear the app cache after an update if settings crash; sync needs both devices on version 4.2 or later.',
  'Export errors 503 are retried automatically; API keys are scoped per workspace, and a 401 usually means the wrong workspace.',
].join(' ');

// A support bot's prompt: instructions plus retrieved help-centre articles (RAG), as most carry.
const SYSTEM_PROMPT =
  'You are Ava, the support assistant of Northwind Gadgets. Answer briefly and kindly, using only the articles below. ' +
  'If the customer asks for a human, or the issue needs a manual refund over 100 EUR, hand the conversation to a human agent.\n\n' +
  `Articles:\n${Array.from({ length: 6 }, () => HELP_CENTRE).join('\n')}`;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

/** One conversation with the bot: a turn per question, the history growing, every other one streamed. */
async function converse(deps: WorkloadDeps, ticket: DemoTicket, conversationId: string, questions: string[]): Promise<void> {
  const headers = {
    'x-cpr-conversation-id': conversationId,
    'x-cpr-ticket-id': ticket.ticketId,
    'x-cpr-channel': ticket.channel,
    'x-cpr-category': ticket.category,
    'x-cpr-customer-id': ticket.customerId,
  };
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'system', content: SYSTEM_PROMPT }];
  for (const [turn, question] of questions.entries()) {
    deps.clock.advance(MINUTE + (turn % 3) * 20_000);
    messages.push({ role: 'user', content: question });
    let answer = '';
    if (turn % 2 === 1) {
      const stream = await deps.client.chat.completions.create({ model: ticket.model, messages, stream: true }, { headers });
      for await (const chunk of stream) answer += chunk.choices[0]?.delta.content ?? '';
    } else {
      const completion = await deps.client.chat.completions.create({ model: ticket.model, messages }, { headers });
      answer = completion.choices[0]?.message.content ?? '';
    }
    messages.push({ role: 'assistant', content: answer });
  }
}

/** Plays one ticket's story: calls through the proxy, its human side as signed Zendesk webhooks to `url`. */
async function playTicketViaZendesk(deps: WorkloadDeps, ticket: DemoTicket, url: string): Promise<void> {
  const { clock } = deps;
  clock.set(ticket.openedAt);
  const zendesk: ZendeskTicket = {
    id: ticket.ticketId.replace(/^T-/, ''), status: 'NEW', assigneeId: ticket.journey === 'human-only' ? null : BOT_USER,
    category: ticket.category, channel: ticket.channel, customerId: ticket.customerId, externalId: null,
  };
  const send = (type: string, event: object = {}) => postZendeskEvent({ url, clock, type, ticket: zendesk, event });
  const setStatus = async (status: string) => {
    const previous = zendesk.status;
    zendesk.status = status;
    await send('ticket.status_changed', { current: status, previous });
  };
  const assignToAgent = async () => {
    zendesk.assigneeId = AGENT;
    await send('ticket.agent_assignment_changed', { current: AGENT, previous: BOT_USER });
  };
  // The agent logs the time in Zendesk's Time Tracking app: its total field goes from 0 to the seconds worked.
  const human = async (resolveAfterMs: number) => {
    zendesk.assigneeId = AGENT;
    clock.advance(resolveAfterMs);
    await send('ticket.custom_field_changed', { current: String(ticket.humanSeconds), previous: '0', custom_field: { id: DEMO_ZENDESK.timeTrackingTotalFieldId, title: 'Total time spent (sec)' } });
    clock.advance(MINUTE);
    await setStatus('SOLVED');
  };

  // The ticket exists in Zendesk from the start; the bot writes its conversation id as the external id.
  if (ticket.journey !== 'human-only') zendesk.externalId = `${ticket.ticketId}-c1`;
  await send('ticket.created');
  zendesk.status = 'OPEN';
  if (ticket.journey !== 'human-only') await converse(deps, ticket, `${ticket.ticketId}-c1`, ticket.turns);
  switch (ticket.journey) {
    case 'contained':
      clock.advance(MINUTE);
      await setStatus('SOLVED');
      break;
    case 'escalated':
      clock.advance(MINUTE);
      await assignToAgent();
      await human(2 * HOUR);
      break;
    case 'human-only':
      await human(3 * HOUR);
      break;
    case 'follow-up':
      clock.advance(MINUTE);
      await setStatus('SOLVED');
      // Two days later the customer is back, in a new conversation on the same ticket: a reopen.
      clock.advance(2 * DAY);
      await converse(deps, ticket, `${ticket.ticketId}-c2`, ticket.turns.slice(0, 2));
      clock.advance(MINUTE);
      zendesk.status = 'OPEN';
      await setStatus('SOLVED');
      break;
    case 'reopened':
      clock.advance(MINUTE);
      await setStatus('SOLVED');
      clock.advance(DAY);
      await setStatus('OPEN');
      clock.advance(MINUTE);
      await assignToAgent();
      await human(HOUR);
      break;
    case 'abandoned':
      break;
  }
}

/** Plays one ticket's story: calls through the proxy, events to the API. */
async function playTicket(deps: WorkloadDeps, ticket: DemoTicket): Promise<void> {
  const { clock } = deps;
  clock.set(ticket.openedAt);
  const events: object[] = [
    { type: 'ticket.opened', eventId: `${ticket.ticketId}:opened`, ticketId: ticket.ticketId, category: ticket.category, channel: ticket.channel, customerId: ticket.customerId, at: iso(clock.now()) },
  ];
  const ref = { ticketId: ticket.ticketId };
  const human = (resolveAfterMs: number) => {
    events.push({ type: 'human.work', ...ref, seconds: ticket.humanSeconds, agentId: 'agent-7', at: iso(clock.advance(resolveAfterMs)) });
    events.push({ type: 'ticket.resolved', ...ref, by: 'human', confirmed: true, at: iso(clock.advance(MINUTE)) });
  };

  if (ticket.journey !== 'human-only') await converse(deps, ticket, `${ticket.ticketId}-c1`, ticket.turns);
  switch (ticket.journey) {
    case 'contained':
      events.push({ type: 'ticket.resolved', ...ref, by: 'ai', confirmed: ticket.turns.length % 2 === 0, at: iso(clock.advance(MINUTE)) });
      break;
    case 'escalated':
      events.push({ type: 'handoff', ...ref, reason: 'customer asked for a human', queue: ticket.category, at: iso(clock.advance(MINUTE)) });
      human(2 * HOUR);
      break;
    case 'human-only':
      human(3 * HOUR);
      break;
    case 'follow-up': {
      events.push({ type: 'ticket.resolved', ...ref, by: 'ai', confirmed: false, at: iso(clock.advance(MINUTE)) });
      await deps.postEvents(events.splice(0));
      // Two days later the customer is back, in a new conversation on the same ticket: a reopen.
      clock.advance(2 * DAY);
      await converse(deps, ticket, `${ticket.ticketId}-c2`, ticket.turns.slice(0, 2));
      events.push({ type: 'ticket.resolved', ...ref, by: 'ai', confirmed: true, at: iso(clock.advance(MINUTE)) });
      break;
    }
    case 'reopened':
      events.push({ type: 'ticket.resolved', ...ref, by: 'ai', confirmed: false, at: iso(clock.advance(MINUTE)) });
      events.push({ type: 'ticket.reopened', ...ref, at: iso(clock.advance(DAY)) });
      events.push({ type: 'handoff', ...ref, reason: 'reopened after a bot answer', queue: ticket.category, at: iso(clock.advance(MINUTE)) });
      human(HOUR);
      break;
    case 'abandoned':
      break;
  }
  if (events.length > 0) await deps.postEvents(events);
}

/** Background work with no conversation: indexing the help centre, summarising the day. */
async function playBackgroundJob(deps: WorkloadDeps, day: number): Promise<void> {
  await deps.client.embeddings.create({ model: 'text-embedding-3-small', input: [`Help centre articles, batch ${day}`, 'Refund policy', 'Shipping times'] });
  await deps.client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: `Summarise yesterday's support themes for the team channel (day ${day}).` }],
  });
}

/** Plays every ticket in order, a background job every tenth ticket, and the month's fixed costs. */
export async function runWorkload(deps: WorkloadDeps, options: { tickets: DemoTicket[]; from: number; to: number }): Promise<void> {
  for (const [i, ticket] of options.tickets.entries()) {
    if (deps.zendeskWebhookUrl !== undefined) await playTicketViaZendesk(deps, ticket, deps.zendeskWebhookUrl);
    else await playTicket(deps, ticket);
    if (i % 10 === 9) await playBackgroundJob(deps, i / 10);
  }
  const span = { from: iso(options.from), to: iso(options.to) };
  await deps.postEvents([
    { type: 'cost.fixed', eventId: 'fee:bot-platform', amountUsd: 250, ...span, appliesTo: 'ai', category: 'platform', note: 'chatbot platform subscription (simulated)' },
    { type: 'cost.fixed', eventId: 'fee:helpdesk-seats', amountUsd: 600, ...span, appliesTo: 'human', category: 'licence', note: 'helpdesk seats for 4 agents' },
    { type: 'cost.fixed', eventId: 'fee:qa', amountUsd: 150, ...span, appliesTo: 'shared', category: 'training', note: 'QA and training' },
  ]);
}
