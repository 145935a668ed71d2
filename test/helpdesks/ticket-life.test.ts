import { afterEach, describe, expect, it } from 'vitest';
import { fixture } from './helpdesk-fixtures.js';
import { WEBHOOK_STORES, startWebhookHarness, type WebhookHarness, type WebhookStore } from './webhook-harness.js';

/**
 * A whole ticket's life per helpdesk, through the real server: the bot's conversation with two
 * LLM calls through the proxy (the openai SDK against the simulator), then the helpdesk's own
 * webhooks: opened with the bot conversation linked, handed to a human, human time, solved,
 * reopened the next day, solved again. The report's figures are computed by hand below.
 *
 * LLM: gpt-4o-mini at 0.15 / 0.60 USD per million input / output tokens; each call 1,000 input
 * and 200 output tokens: 1000 x 0.15e-6 + 200 x 0.60e-6 = 0.00015 + 0.00012 = 0.00027 USD;
 * two calls = 0.00054 USD. Human time at the default 40 USD an hour.
 */
const CALL_COST = 0.00027;
const LLM = 2 * CALL_COST;
const NOW = Date.parse('2026-10-05T08:50:00Z');
const WINDOW = 'from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z';

let harnesses: WebhookHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.map((h) => h.close()));
  harnesses = [];
});

async function start(store: WebhookStore): Promise<WebhookHarness> {
  const h = await startWebhookHarness(NOW, { store });
  harnesses.push(h);
  return h;
}

/** The bot's conversation: two calls through the proxy, before the ticket exists in the helpdesk. */
async function botConversation(h: WebhookHarness, conversationId: string): Promise<void> {
  for (const question of ['I was charged twice.', 'I want a human.']) {
    h.sim.enqueue({ text: 'Let me check that for you.', usage: { input: 1000, output: 200 } });
    await h.client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }] },
      { headers: { 'x-cpr-conversation-id': conversationId } },
    );
  }
}

async function deliver(h: WebhookHarness, helpdesk: string, bodies: object[]): Promise<void> {
  for (const body of bodies) {
    const response = await h.post(helpdesk, JSON.stringify(body));
    expect(response.status).toBe(200);
  }
}

async function report(h: WebhookHarness) {
  const response = await fetch(`${h.cpr.url}/api/report?${WINDOW}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as any).totals;
}

/** The figures every life below shares: one escalated ticket, resolved by a human after a reopen. */
const SHAPE = {
  tickets: 1, resolved: 1, unresolved: 0, aiHandled: 1, contained: 0, escalated: 1, humanOnly: 0,
  aiResolved: 0, escalatedResolved: 1, conversations: 1, llmCalls: 2, inputTokens: 2000, outputTokens: 400,
  automationRate: 0, escalationRate: 1, reopenRate: 1, fcrRate: 0,
};

function expectFigures(totals: Record<string, number | null>, expected: Record<string, number | null>): void {
  for (const [name, value] of Object.entries(expected)) {
    if (value === null) expect(totals[name], name).toBeNull();
    else expect(totals[name], name).toBeCloseTo(value, 9);
  }
}

/** A copy of a fixture with another delivery id and time. */
function variant(helpdesk: string, name: string, change: (body: any) => void): object {
  const body = fixture(helpdesk, name);
  change(body);
  return body;
}

/** A seeded shuffle (Park-Miller), so that a failure is reproducible. */
function shuffled<T>(items: T[], seed = 42): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 48271) % 2147483647;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

const LIVES: Record<string, { conversationId: string; deliveries: () => object[]; figures: Record<string, number | null> }> = {
  zendesk: {
    conversationId: 'conv-zd-1',
    deliveries: () => [
      fixture('zendesk', 'ticket.created'),
      fixture('zendesk', 'ticket.agent_assignment_changed'),
      fixture('zendesk', 'ticket.custom_field_changed'), // total 300 -> 900: 600 s
      fixture('zendesk', 'ticket.status_changed'),
      fixture('zendesk', 'ticket.status_changed.reopened'),
      variant('zendesk', 'ticket.custom_field_changed', (b) => {
        b.id = 'e0f1a2b3-0001-4000-8000-000000000001'; b.time = '2026-10-06T08:20:00Z'; b.event.previous = '900'; b.event.current = '1200';
      }), // 900 -> 1200: 300 s
      variant('zendesk', 'ticket.status_changed', (b) => { b.id = 'e0f1a2b3-0002-4000-8000-000000000002'; b.time = '2026-10-06T08:30:00Z'; }),
    ],
    // Human: 600 + 300 = 900 s = 0.25 h x 40 = 10 USD. Total 10.00054, one resolution.
    figures: { ...SHAPE, humanCostUsd: 10, llmCostUsd: LLM, totalCostUsd: 10 + LLM, costPerResolutionUsd: 10 + LLM,
      aiJourneyCostPerResolutionUsd: 10 + LLM, naiveAiCostPerResolutionUsd: null },
  },
  intercom: {
    conversationId: 'conv-ic-1',
    deliveries: () => [
      fixture('intercom', 'conversation.user.created'),
      fixture('intercom', 'conversation.admin.assigned'),
      fixture('intercom', 'conversation.admin.closed'), // adjusted handling time 1,500 s
      fixture('intercom', 'conversation.admin.opened'),
      variant('intercom', 'conversation.admin.closed', (b) => {
        b.id = 'notif_second_close'; b.data.item.updated_at = 1791279000; b.data.item.statistics.adjusted_handling_time = 600;
      }), // 600 s
    ],
    // Human: 1500 + 600 = 2100 s = 0.58333 h x 40 = 23.3333 USD.
    figures: { ...SHAPE, humanCostUsd: 2100 / 3600 * 40, totalCostUsd: 2100 / 3600 * 40 + LLM, costPerResolutionUsd: 2100 / 3600 * 40 + LLM },
  },
  hubspot: {
    conversationId: 'conv-hs-1',
    deliveries: () => [
      fixture('hubspot', 'ticket.creation'), // opened, linked, category, stage 1
      fixture('hubspot', 'ticket.propertyChange.hubspot_owner_id'),
      fixture('hubspot', 'ticket.propertyChange.hs_pipeline_stage'), // stage 4: closed
      fixture('hubspot', 'ticket.propertyChange.hs_pipeline_stage.reopened'), // stage 2 after 4: a reopen
      variant('hubspot', 'ticket.propertyChange.hs_pipeline_stage', (b) => { b[0].eventId = 2409504100; b[0].occurredAt = 1791279000000; }),
    ],
    // HubSpot has no work time: the human side costs nothing here, the ticket only its LLM calls.
    figures: { ...SHAPE, humanCostUsd: 0, totalCostUsd: LLM, costPerResolutionUsd: LLM },
  },
  freshdesk: {
    conversationId: 'conv-fd-1',
    deliveries: () => [
      fixture('freshdesk', 'ticket_action.created'),
      fixture('freshdesk', 'responder_id'),
      fixture('freshdesk', 'status.resolved'),
      fixture('freshdesk', 'status.reopened'),
      variant('freshdesk', 'status.resolved', (b) => {
        b.freshdesk_webhook.triggered_event = '{status:{from:2,to:5}}'; b.freshdesk_webhook.ticket_updated_at = '2026-10-06T08:30:00Z';
      }),
    ],
    figures: { ...SHAPE, humanCostUsd: 0, totalCostUsd: LLM, costPerResolutionUsd: LLM },
  },
};

// On serve's SQLite ledger and on a PostgreSQL one: the same hand-computed figures from both.
describe.each(WEBHOOK_STORES.flatMap(({ store }) => Object.entries(LIVES).map(([helpdesk, life]) => ({ store, helpdesk, life }))))(
  'a ticket\'s life in $helpdesk on $store', ({ store, helpdesk, life }) => {
  it('ends in the report computed by hand; redelivering everything changes nothing', async () => {
    const h = await start(store);
    await botConversation(h, life.conversationId);
    await deliver(h, helpdesk, life.deliveries());
    const first = await report(h);
    expectFigures(first, life.figures);
    await deliver(h, helpdesk, life.deliveries());
    expect(await report(h)).toEqual(first);
  });

  it('the same deliveries in shuffled order give the same report', async () => {
    const inOrder = await start(store);
    await botConversation(inOrder, life.conversationId);
    await deliver(inOrder, helpdesk, life.deliveries());
    for (const seed of [42, 7]) {
      const mixed = await start(store);
      await botConversation(mixed, life.conversationId);
      await deliver(mixed, helpdesk, shuffled(life.deliveries(), seed));
      expect(await report(mixed)).toEqual(await report(inOrder));
    }
  });
});
