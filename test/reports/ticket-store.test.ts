import { beforeEach, describe, expect, it } from 'vitest';
import type { CprEvent } from '../../src/tickets/types.js';
import { events, HOUR, iso, T, WINDOW } from '../support/events.js';
import { LEDGER_STORES, useLedgerStore } from '../support/ledger-stores.js';

// The ledger's contract for events and report inputs, on both stores.
describe.each(LEDGER_STORES)('ticket store on $kind', (factory) => {
  const store = useLedgerStore(factory);
  beforeEach(async () => {
    await store.current.reset();
  });
  const count = (table: string) => store.current.count(table);

  it('skips duplicate eventIds, stored or earlier in the batch', async () => {
    const batch = events([
      { type: 'ticket.opened', eventId: 'a', ticketId: 'T1' },
      { type: 'ticket.opened', eventId: 'a', ticketId: 'T1' },
      { type: 'ticket.opened', ticketId: 'T1' },
      { type: 'ticket.opened', ticketId: 'T1' },
    ]);
    expect(await store.current.ledger.recordEvents(batch)).toEqual({ accepted: 3, duplicates: 1, conflicts: [] });
    expect(await store.current.ledger.recordEvents(batch.slice(0, 1))).toEqual({ accepted: 0, duplicates: 1, conflicts: [] });
    expect(await count('events')).toBe(3);
  });

  it('stores a batch whole or not at all', async () => {
    const good = events([{ type: 'ticket.opened', eventId: 'ok', ticketId: 'T1' }, { type: 'human.work', ticketId: 'T1', seconds: 60 }]);
    // An event that bypassed validation violates a CHECK constraint in the middle of the batch.
    const bad = { ...good[1], seconds: -1 } as CprEvent;
    await expect(store.current.ledger.recordEvents([good[0], bad, good[1]])).rejects.toThrow(/CHECK|check constraint/);
    expect(await count('events')).toBe(0);
    expect(await count('tickets')).toBe(0);
    expect(await count('human_work')).toBe(0);
  });

  it('merges ticket.opened repeats: latest non-null attribute wins, opened at the earliest', async () => {
    await store.current.ledger.recordEvents(events([
      { type: 'ticket.opened', at: iso(T + HOUR), ticketId: 'T1', category: 'billing', channel: 'chat' },
      { type: 'ticket.opened', at: iso(T), ticketId: 'T1', category: 'shipping', customerId: 'cu-1' },
      { type: 'ticket.opened', at: iso(T + 2 * HOUR), ticketId: 'T1' },
    ]));
    expect(await store.current.foldTicketFacts({ window: WINDOW, humanHourlyRate: 40 }))
      .toEqual([expect.objectContaining({ ticketId: 'T1', category: 'billing', channel: 'chat', openedAt: T })]);
  });

  it('maps a conversation to its latest link before the window end; calls to it, or their ticket, or the conversation', async () => {
    await store.current.ledger.recordEvents(events([
      { type: 'conversation.linked', at: iso(T), conversationId: 'C1', ticketId: 'A' },
      { type: 'conversation.linked', at: iso(T + HOUR), conversationId: 'C1', ticketId: 'B' },
      // A relink after the window's end does not count for this window.
      { type: 'conversation.linked', at: iso(WINDOW.to + HOUR), conversationId: 'C1', ticketId: 'Z' },
      { type: 'human.work', at: iso(T), conversationId: 'C1', seconds: 1800 },
    ]));
    await store.current.insertCalls([
      { id: 'k1', startedAt: T, conversationId: 'C1', costUsd: 1 },
      { id: 'k2', startedAt: T, conversationId: null, ticketId: 'D', costUsd: 2 },
      { id: 'k3', startedAt: T, conversationId: 'C9', ticketId: null, costUsd: 4 },
    ]);
    const byId = Object.fromEntries((await store.current.foldTicketFacts({ window: WINDOW, humanHourlyRate: 40 })).map((x) => [x.ticketId, x]));
    // A: only C1's link made it, and C1 is B's now: nothing is left of it (it was an empty, human-only ticket).
    expect(Object.keys(byId).sort()).toEqual(['B', 'C9', 'D']);
    expect(byId.B).toMatchObject({ conversations: 1, conversationsWithLlmCalls: 1, humanCostUsd: 20, llm: [expect.objectContaining({ costUsd: 1 })] });
    expect(byId.D).toMatchObject({ conversations: 0, conversationsWithLlmCalls: 0, llm: [expect.objectContaining({ costUsd: 2 })] });
    expect(byId.C9).toMatchObject({ conversations: 1, llm: [expect.objectContaining({ costUsd: 4 })] });
  });

  it('reads unattributed spend of the window and the fixed costs overlapping it', async () => {
    await store.current.insertCalls([
      { id: 'u1', startedAt: WINDOW.from, costUsd: 1 },
      { id: 'u2', startedAt: WINDOW.to, costUsd: 2 },
      { id: 'u3', startedAt: T, costUsd: null, responseModel: 'x' },
    ]);
    await store.current.ledger.recordEvents(events([
      { type: 'cost.fixed', amountUsd: 5, from: iso(WINDOW.to), to: iso(WINDOW.to + HOUR), appliesTo: 'ai' },
      { type: 'cost.fixed', amountUsd: 7, from: iso(WINDOW.from - HOUR), to: iso(WINDOW.from + HOUR), appliesTo: 'human', category: 'seats' },
    ]));
    const input = await store.current.ledger.reportInput({ window: WINDOW, humanHourlyRate: 40 });
    expect(input.unattributed.map((m) => [m.model, m.calls, m.unpricedCalls, m.costUsd]).sort())
      .toEqual([['gpt-4o-mini', 1, 0, 1], ['x', 1, 1, 0]]);
    expect(input.fixedCosts).toEqual([{ amountUsd: 7, from: WINDOW.from - HOUR, to: WINDOW.from + HOUR, appliesTo: 'human', category: 'seats', note: null }]);
  });
});
