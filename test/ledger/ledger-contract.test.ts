import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/ledger/open-ledger.js';
import type { TicketPageOptions } from '../../src/ledger/ticket-explorer.js';
import { validateEvents } from '../../src/tickets/validate-events.js';
import { computeReport } from '../../src/reports/compute-report.js';
import { LEDGER_STORES, testCallToLlmCall, useLedgerStore, type StoreUnderTest } from '../support/ledger-stores.js';
import { HUMAN_HOURLY_RATE, WINDOW, at, loadScenarioInto } from '../reports/cpr-scenario-fixture.js';

function validated(events: unknown[]) {
  const result = validateEvents(events, { now: () => at(31, 23) });
  if (!result.ok) throw new Error(result.error.message);
  return result.events;
}

describe.each(LEDGER_STORES)('the Ledger contract on $kind', (factory) => {
  const store = useLedgerStore(factory);

  it('lists an eventId sent again with other content as a conflict, and keeps the stored one', async () => {
    await store.current.reset();
    const { ledger } = store.current;
    expect(await ledger.recordEvents(validated([{ type: 'ticket.opened', eventId: 'e1', ticketId: 'T1', category: 'billing', at: '2026-10-02T10:00:00Z' }])))
      .toEqual({ accepted: 1, duplicates: 0, conflicts: [] });
    expect(await ledger.recordEvents(validated([
      { type: 'ticket.opened', eventId: 'e1', ticketId: 'T1', category: 'billing', at: '2026-10-02T10:00:00Z' },
      { type: 'ticket.opened', eventId: 'e1', ticketId: 'T1', category: 'shipping', at: '2026-10-02T10:00:00Z' },
    ]))).toEqual({ accepted: 0, duplicates: 1, conflicts: [{ index: 1, eventId: 'e1' }] });
    expect(await store.current.count('events')).toBe(1);
  });

  it('stores calls and their events in one batch, and a repeated batch doubles no event', async () => {
    await store.current.reset();
    const { ledger } = store.current;
    const calls = [testCallToLlmCall({ id: 'b1', startedAt: at(3, 10), conversationId: 'C1', costUsd: 0.1 }),
      testCallToLlmCall({ id: 'b2', startedAt: at(3, 11), conversationId: 'C1', costUsd: 0.2 })];
    const events = validated([{ type: 'conversation.linked', eventId: 'link-C1', conversationId: 'C1', ticketId: 'T1', at: '2026-10-03T10:00:00Z' }]);
    await ledger.recordBatch({ calls, events });
    await ledger.recordBatch({ calls: [], events });
    expect(await store.current.count('llm_calls')).toBe(2);
    expect(await store.current.count('conversation_links')).toBe(1);
  });

  it('marks as follow-up in the timeline only the links the report counts as reopens: not one at the resolution\'s very millisecond', async () => {
    await store.current.reset();
    const { ledger } = store.current;
    // TF opened and linked to c1 at 10:00, resolved by the bot at 11:00.000; c2 linked at 11:00.000
    // too (there when it was resolved: no follow-up); c3 linked at 12:00 (after: a follow-up, one reopen).
    await ledger.recordEvents(validated([
      { type: 'ticket.opened', eventId: 'f-open', ticketId: 'TF', at: '2026-10-02T10:00:00Z' },
      { type: 'conversation.linked', eventId: 'f-c1', conversationId: 'c1', ticketId: 'TF', at: '2026-10-02T10:00:00Z' },
      { type: 'ticket.resolved', eventId: 'f-res', ticketId: 'TF', by: 'ai', at: '2026-10-02T11:00:00Z' },
      { type: 'conversation.linked', eventId: 'f-c2', conversationId: 'c2', ticketId: 'TF', at: '2026-10-02T11:00:00Z' },
    ]));
    const marks = async () => (await ledger.ticketTimeline({ ticketId: 'TF', window: WINDOW }))!.entries
      .filter((e) => e.kind === 'linked' || e.kind === 'resolved').map((e) => [e.kind, e.conversationId ?? null, e.followUp ?? false]);
    // c2's link arrived after the resolution, in its millisecond: no follow-up; the ticket stays resolved, as in the report.
    expect(await marks()).toEqual([['linked', 'c1', false], ['resolved', null, false], ['linked', 'c2', false]]);
    expect((await ledger.ticketTimeline({ ticketId: 'TF', window: WINDOW }))!.resolved).toBe(true);
    expect(computeReport(await ledger.reportInput({ window: WINDOW })).totals).toMatchObject({ tickets: 1, resolved: 1, reopenRate: 0 });
    await ledger.recordEvents(validated([{ type: 'conversation.linked', eventId: 'f-c3', conversationId: 'c3', ticketId: 'TF', at: '2026-10-02T12:00:00Z' }]));
    expect(await marks()).toEqual([['linked', 'c1', false], ['resolved', null, false], ['linked', 'c2', false], ['linked', 'c3', true]]);
    const timeline = (await ledger.ticketTimeline({ ticketId: 'TF', window: WINDOW }))!;
    expect(timeline.resolved).toBe(false);
    // The report agrees: one ticket, reopened once (by c3), unresolved.
    expect(computeReport(await ledger.reportInput({ window: WINDOW })).totals).toMatchObject({ tickets: 1, resolved: 0, unresolved: 1, reopenRate: null });
  });

  it('adopts a setting once when two processes adopt it at once', async () => {
    await store.current.reset();
    const other = await store.current.openAnother();
    const adopt = (ledger: Ledger) => ledger.adoptSetting({ name: 'human-hourly-rate', value: 55, now: at(5) });
    const results = await Promise.all([adopt(store.current.ledger), adopt(other), adopt(store.current.ledger)]);
    // One wrote it (since always: the ledger had none); the others found it in effect.
    expect(results.filter((r) => r !== null)).toEqual([{ name: 'human-hourly-rate', effectiveFrom: null, value: 55, setAt: at(5) }]);
    expect(await store.current.ledger.readSettings('human-hourly-rate')).toEqual([{ name: 'human-hourly-rate', effectiveFrom: null, value: 55, setAt: at(5) }]);
  });

  it('reprices, prunes in batches, and answers its status', async () => {
    await store.current.reset();
    const { ledger } = store.current;
    await store.current.insertCalls([
      { id: 'p1', startedAt: at(1), costUsd: 1, usage: { inputTokens: 10 } },
      { id: 'p2', startedAt: at(2), costUsd: 2, usage: { inputTokens: 20 } },
      { id: 'p3', startedAt: at(3), costUsd: 3, usage: null },
    ]);
    // p3 has no usage: not a candidate.
    const candidates = await ledger.repriceCandidates({ from: at(1), to: at(4) });
    expect(candidates.map((c) => [c.id, c.usage.inputTokens]).sort()).toEqual([['p1', 10], ['p2', 20]]);
    expect(await ledger.updateCosts([{ id: 'p1', costUsd: 5, prices: null, computedCostUsd: 5, costSource: 'computed' }])).toBe(1);
    expect(await ledger.pruneCalls({ before: at(3), dryRun: true })).toEqual({ deleted: 2, batches: 0, longestBatchMs: 0 });
    const pruned = await ledger.pruneCalls({ before: at(3), batchSize: 1, pauseMs: 0 });
    // 2 rows, 1 a batch: 2 batches of 1, then an empty one that ends it.
    expect([pruned.deleted, pruned.batches]).toEqual([2, 2]);
    expect(await store.current.count('llm_calls')).toBe(1);
    expect(await ledger.status()).toEqual({ state: 'ok' });
    expect(ledger.kind).toBe(factory.kind);
  });
});

/** The dashboard's ticket pages and timelines: the same on both stores, to the cent. */
describe('ticket pages and timelines, SQLite against PostgreSQL', () => {
  const stores: StoreUnderTest[] = [];
  beforeAll(async () => {
    for (const factory of LEDGER_STORES) {
      const store = await factory.open();
      await loadScenarioInto(store);
      stores.push(store);
    }
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
  });

  const pages: Array<Partial<TicketPageOptions>> = [
    {}, { sort: 'time', order: 'asc' }, { path: 'escalated' }, { path: 'unresolved' }, { category: 'billing', limit: 2, offset: 1 },
    { customer: 'acme' }, { customer: '(none)', humanHourlyRate: 60 },
  ];
  it.each(pages)('gives the same page for %o', async (options) => {
    const [sqlite, postgres] = await Promise.all(stores.map((s) => s.ledger.ticketPage({ window: WINDOW, limit: 20, offset: 0, ...options })));
    expect(postgres).toEqual(sqlite);
    expect(sqlite!.total).toBeGreaterThan(0);
  });

  it('stores a call with every field, quotes and non-ASCII in its ids, the same on both', async () => {
    const call = {
      ...testCallToLlmCall({ id: "call-'q\"\\-ü-1", startedAt: at(4, 9), conversationId: 'conv-\'x\'-é', costUsd: 0.123456789012345 }),
      upstreamProvider: 'groq', estimated: true, streamed: true, latencyMs: 812.25, timeToFirstChunkMs: 101.5, finishReasons: ['stop', 'length'],
      usage: { inputTokens: 1_234_567, cacheReadTokens: 200, cacheWriteTokens: 30, outputTokens: 456, reasoningTokens: 78, cacheWrite1hTokens: 10,
        webSearches: 2, serviceTier: 'flex', providerCostUsd: 0.12 },
      computedCostUsd: 0.1234, costSource: 'provider' as const,
      prices: { input: 0.15, cachedInput: 0.075, cacheWrite: null, output: 0.6, source: 'genai-prices:openai/gpt-4o-mini', rates: { input_mtok: 0.15 }, pricesVersion: '0.1.8' },
    };
    const read = async (store: StoreUnderTest) => {
      await store.ledger.recordBatch({ calls: [call], events: [] });
      const [row] = await store.ledger.repriceCandidates({ from: at(4), to: at(5) });
      return row;
    };
    const [sqlite, postgres] = await Promise.all(stores.map(read));
    expect(postgres).toEqual(sqlite);
    expect(postgres).toMatchObject({ id: call.id, upstreamProvider: 'groq', usage: { inputTokens: 1_234_567, webSearches: 2, serviceTier: 'flex', providerCostUsd: 0.12 } });
    const page = await Promise.all(stores.map((s) => s.ledger.ticketTimeline({ ticketId: call.conversationId!, window: WINDOW })));
    expect(page[1]).toEqual(page[0]);
    expect(page[1]!.entries.find((e) => e.kind === 'llm-call')).toMatchObject({ callId: call.id, costUsd: 0.123456789012345, estimated: true });
  });

  it.each(['T1', 'C2', 'T3', 'T4', 'T5', 'T8', 'T9', 'T12', 'T13', 'nobody'])('gives the same timeline of %s', async (ticketId) => {
    const [sqlite, postgres] = await Promise.all(stores.map((s) => s.ledger.ticketTimeline({ ticketId, window: WINDOW, humanHourlyRate: HUMAN_HOURLY_RATE })));
    expect(postgres).toEqual(sqlite);
  });
});
