/**
 * Generates the report benchmark's ledger: 200,000 support tickets over 30 days and 1,000,000
 * LLM calls, with what a support bot's ledger holds: tickets opened with a category and channel,
 * one or two conversations each (linked to the ticket), handoffs to humans, human work, AI and
 * human resolutions, reopens and resolutions after them, unattributed calls, and fixed costs.
 * Deterministic (a seeded generator), written with the ledger's own stores in large transactions
 * (`insertEvents`, `recordCallsSync`): minutes through HTTP, seconds this way.
 */
import { seededRandom } from '../../src/demo/seeded-random.js';
import type { LlmCall } from '../../src/ledger/types.js';
import type { SqliteLedger } from '../../src/ledger/sqlite/sqlite-ledger.js';
import type { CprEvent } from '../../src/tickets/types.js';

/** The window the generated activity falls in: September 2026, UTC. */
export const GENERATED_WINDOW = { from: Date.UTC(2026, 8, 1), to: Date.UTC(2026, 9, 1) };

/** What was generated. */
export interface GeneratedCounts {
  tickets: number;
  conversations: number;
  calls: number;
  unattributedCalls: number;
  events: number;
  handoffs: number;
  humanWork: number;
  resolutions: number;
  reopens: number;
  fixedCosts: number;
}

/** The demo's seeded generator, so a generated ledger is the same every run. */
const random = seededRandom;

const CATEGORIES = ['billing', 'shipping', 'returns', 'account', 'technical', 'other'];
const CHANNELS = ['web', 'email', 'chat'];
const MODELS = [
  { request: 'gpt-4o-mini', response: 'gpt-4o-mini-2024-07-18', input: 0.15, cached: 0.075, output: 0.6 },
  { request: 'gpt-4o', response: 'gpt-4o-2024-08-06', input: 2.5, cached: 1.25, output: 10 },
  { request: 'gpt-4.1-mini', response: 'gpt-4.1-mini-2025-04-14', input: 0.4, cached: 0.1, output: 1.6 },
];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Writes the whole ledger into `ledger` (empty, migrated). `progress` is told every 100,000 rows. */
export function generateLedger(ledger: SqliteLedger, insertEvents: (events: CprEvent[]) => unknown, options: { tickets?: number; calls?: number; progress?: (message: string) => void } = {}): GeneratedCounts {
  const ticketCount = options.tickets ?? 200_000;
  const callTarget = options.calls ?? 1_000_000;
  const rand = random(20261121);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const { from, to } = GENERATED_WINDOW;
  const counts: GeneratedCounts = { tickets: 0, conversations: 0, calls: 0, unattributedCalls: 0, events: 0, handoffs: 0, humanWork: 0, resolutions: 0, reopens: 0, fixedCosts: 0 };

  let events: CprEvent[] = [];
  let calls: LlmCall[] = [];
  const flushEvents = () => {
    if (events.length === 0) return;
    insertEvents(events);
    counts.events += events.length;
    events = [];
  };
  const flushCalls = () => {
    if (calls.length === 0) return;
    ledger.recordCallsSync(calls);
    counts.calls += calls.length;
    if (counts.calls % 100_000 < calls.length) options.progress?.(`${counts.calls.toLocaleString('en-US')} calls`);
    calls = [];
  };
  let callNumber = 0;
  const call = (at: number, conversationId: string | null, model: (typeof MODELS)[number]): LlmCall =>
    makeCall(rand, (callNumber += 1), { at, conversationId, model });

  // About 85% of tickets meet the bot; the calls are spread over their conversations.
  const aiShare = 0.85;
  const unattributedShare = 0.02;
  const callsPerAiConversation = (callTarget * (1 - unattributedShare)) / (ticketCount * aiShare * 1.2);
  for (let t = 0; t < ticketCount; t += 1) {
    const ticketId = `T-${t + 1}`;
    const openedAt = from + Math.floor(rand() * (to - from - 6 * HOUR));
    events.push({ type: 'ticket.opened', eventId: null, at: openedAt, ticketId, category: rand() < 0.97 ? pick(CATEGORIES) : null, channel: pick(CHANNELS), customerId: `C-${Math.floor(rand() * 60_000)}` });
    counts.tickets += 1;
    const withBot = rand() < aiShare;
    const conversations = rand() < 0.2 ? 2 : 1;
    let clock = openedAt;
    let escalated = false;
    for (let c = 0; c < conversations; c += 1) {
      const conversationId = `conv-${t + 1}-${c + 1}`;
      clock += Math.floor(rand() * (c === 0 ? MINUTE : 2 * HOUR));
      events.push({ type: 'conversation.linked', eventId: null, at: clock, conversationId, ticketId });
      counts.conversations += 1;
      if (!withBot) continue;
      const model = rand() < 0.8 ? MODELS[0]! : rand() < 0.5 ? MODELS[1]! : MODELS[2]!;
      const n = Math.max(1, Math.round(callsPerAiConversation * (0.3 + rand() * 1.4)));
      for (let k = 0; k < n; k += 1) {
        clock += 2_000 + Math.floor(rand() * 40_000);
        calls.push(call(clock, conversationId, model));
      }
    }
    if (withBot && rand() < 0.25) {
      clock += Math.floor(rand() * 5 * MINUTE);
      events.push({ type: 'handoff', eventId: null, at: clock, ticketId, conversationId: null, reason: pick(['asked for a human', 'refund over limit', 'angry customer', null]), queue: pick(['tier1', 'tier2']), agentId: null });
      counts.handoffs += 1;
      escalated = true;
    }
    if (!withBot || escalated) {
      for (let w = 1 + Math.floor(rand() * 3); w > 0; w -= 1) {
        clock += Math.floor(rand() * HOUR);
        events.push({ type: 'human.work', eventId: null, at: clock, ticketId, conversationId: null, seconds: 120 + Math.floor(rand() * 1_500), agentId: `A-${Math.floor(rand() * 300)}`, costUsd: rand() < 0.1 ? 5 + rand() * 20 : null });
        counts.humanWork += 1;
      }
    }
    if (rand() < 0.9) {
      clock += Math.floor(rand() * 2 * HOUR);
      const by = !withBot || escalated ? 'human' : 'ai';
      events.push({ type: 'ticket.resolved', eventId: null, at: clock, ticketId, conversationId: null, by, confirmed: rand() < 0.6 });
      counts.resolutions += 1;
      if (rand() < 0.06) {
        clock += Math.floor(rand() * 3 * HOUR);
        events.push({ type: 'ticket.reopened', eventId: null, at: clock, ticketId, conversationId: null });
        counts.reopens += 1;
        clock += Math.floor(rand() * 2 * HOUR);
        events.push({ type: 'ticket.resolved', eventId: null, at: clock, ticketId, conversationId: null, by: 'human', confirmed: rand() < 0.5 });
        counts.resolutions += 1;
      }
    }
    if (events.length >= 20_000) flushEvents();
    if (calls.length >= 20_000) flushCalls();
  }
  // Calls of no conversation (a nightly summary job, a classifier without context), up to the total.
  const remaining = Math.max(0, callTarget - counts.calls - calls.length);
  for (let u = 0; u < remaining; u += 1) {
    calls.push(call(from + Math.floor(rand() * (to - from)), null, MODELS[0]!));
    counts.unattributedCalls += 1;
    if (calls.length >= 20_000) flushCalls();
  }
  flushCalls();
  events.push(
    { type: 'cost.fixed', eventId: null, at: from, amountUsd: 12_000, from, to, appliesTo: 'shared', category: 'helpdesk licence', note: null },
    { type: 'cost.fixed', eventId: null, at: from, amountUsd: 3_000, from, to, appliesTo: 'ai', category: 'bot platform', note: null },
    { type: 'cost.fixed', eventId: null, at: from, amountUsd: 45_000, from: from - 15 * 24 * HOUR, to: to + 15 * 24 * HOUR, appliesTo: 'human', category: 'team overhead', note: 'pro-rated to the window' },
  );
  counts.fixedCosts += 3;
  flushEvents();
  return counts;
}

/** One generated call: time-ordered id, random usage, priced as the model's prices say. */
function makeCall(rand: () => number, callNumber: number, { at, conversationId, model }: { at: number; conversationId: string | null; model: (typeof MODELS)[number] }): LlmCall {
  const input = 200 + Math.floor(rand() * 3_000);
  const cached = rand() < 0.4 ? Math.floor(input * 0.5) : 0;
  const output = 20 + Math.floor(rand() * 400);
  const aborted = rand() < 0.01;
  const costUsd = ((input - cached) * model.input + cached * model.cached + output * model.output) / 1e6;
  // Time-ordered UUIDs as the proxy makes them (`newCallId`), a counter in place of the random bits.
  const ms = at.toString(16).padStart(12, '0');
  const n = callNumber.toString(16).padStart(18, '0');
  return {
    id: `${ms.slice(0, 8)}-${ms.slice(8)}-7${n.slice(0, 3)}-8${n.slice(3, 6)}-${n.slice(6)}`,
    startedAt: at, conversationId, ticketId: null, provider: 'openai', operation: 'chat',
    requestModel: model.request, responseModel: model.response,
    usage: { inputTokens: input, cacheReadTokens: cached, cacheWriteTokens: 0, outputTokens: output, reasoningTokens: 0 },
    costUsd, prices: { input: model.input, cachedInput: model.cached, cacheWrite: null, output: model.output, source: `bench:${model.request}` },
    status: aborted ? 'aborted' : 'ok', httpStatus: 200, errorType: aborted ? 'client_disconnected' : null, estimated: aborted,
    streamed: rand() < 0.7, latencyMs: 300 + rand() * 4_000, timeToFirstChunkMs: null, upstreamRequestId: null,
    responseId: null, finishReasons: aborted ? [] : ['stop'], source: 'proxy',
  };
}

/**
 * More activity on a ledger made by {@link generateLedger}: `calls` calls in the first
 * conversations of `tickets` random tickets, and a resolution of each, in the window's last
 * hour, as a ledger sees between two reports. `seed` makes each batch different.
 */
export function generateActivity(ledger: SqliteLedger, insertEvents: (events: CprEvent[]) => unknown, { tickets, calls, ticketCount, seed }: { tickets: number; calls: number; ticketCount: number; seed: number }): void {
  const rand = random(seed);
  const at = () => GENERATED_WINDOW.to - HOUR + Math.floor(rand() * HOUR);
  const rows: LlmCall[] = [];
  const events: CprEvent[] = [];
  for (let t = 0; t < tickets; t += 1) {
    const ticketId = `T-${1 + Math.floor(rand() * ticketCount)}`;
    const conversationId = `conv-${ticketId.slice(2)}-1`;
    for (let k = 0; k < calls / tickets; k += 1) rows.push(makeCall(rand, seed * 1_000_000_000 + rows.length, { at: at(), conversationId, model: MODELS[0]! }));
    events.push({ type: 'ticket.resolved', eventId: null, at: at(), ticketId, conversationId: null, by: 'ai', confirmed: false });
  }
  ledger.recordCallsSync(rows);
  insertEvents(events);
}
