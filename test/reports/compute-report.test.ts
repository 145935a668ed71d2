import { describe, expect, it } from 'vitest';
import { computeReport } from '../../src/reports/compute-report.js';
import type { ModelSpend, ReportInput, TicketFacts } from '../../src/reports/types.js';

const DAY = 86_400_000;
const FROM = Date.UTC(2026, 9, 1);
const TO = FROM + 10 * DAY;

const spend = (costUsd: number, extra: Partial<ModelSpend> = {}): ModelSpend => ({
  model: 'm', calls: 1, unpricedCalls: 0, estimatedCalls: 0, inputTokens: 10, cachedInputTokens: 0, outputTokens: 5,
  reasoningTokens: 0, costUsd, ...extra,
});

const ticket = (id: string, extra: Partial<TicketFacts> = {}): TicketFacts => ({
  ticketId: id, category: null, channel: null, customerId: null, openedAt: FROM + DAY, conversations: 1, conversationsWithLlmCalls: 1,
  llm: [], humanCostUsd: 0, handoffs: 0, statusChanges: [], ...extra,
});

const input = (extra: Partial<ReportInput>): ReportInput => ({
  window: { from: FROM, to: TO }, humanHourlyRate: 40, tickets: [], unattributed: [], fixedCosts: [], ...extra,
});

describe('computeReport', () => {
  it('selects tickets resolved in the window and unresolved ones opened in it', () => {
    const resolvedIn = ticket('a', { openedAt: FROM - 5 * DAY, statusChanges: [{ kind: 'resolved', at: FROM + DAY, by: 'ai', confirmed: false }] });
    const resolvedBefore = ticket('b', { statusChanges: [{ kind: 'resolved', at: FROM - DAY, by: 'ai', confirmed: false }] });
    const openOld = ticket('c', { openedAt: FROM - DAY });
    const openNew = ticket('d', { openedAt: FROM + 2 * DAY });
    const resolvedAfter = ticket('e', { openedAt: FROM + DAY, statusChanges: [{ kind: 'resolved', at: TO, by: 'ai', confirmed: false }] });
    const report = computeReport(input({ tickets: [resolvedIn, resolvedBefore, openOld, openNew, resolvedAfter] }), {});
    // a (resolved in), d (opened in), e (resolved at `to` = after: unresolved, opened in)
    expect(report.totals).toMatchObject({ tickets: 3, resolved: 1, unresolved: 2 });
  });

  it('pro-rates fixed costs by overlap and leaves pools without tickets unallocated', () => {
    const human = ticket('h', { humanCostUsd: 4, statusChanges: [{ kind: 'resolved', at: FROM + DAY, by: 'human', confirmed: false }] });
    const report = computeReport(input({
      tickets: [human],
      unattributed: [spend(3)],
      fixedCosts: [
        // 20 days, 5 of them in the window: 100 x 5/20 = 25, for AI tickets: there are none.
        { amountUsd: 100, from: FROM - 15 * DAY, to: FROM + 5 * DAY, appliesTo: 'ai', category: null, note: null },
        // 10 in the window of its 40 days: 8 x 10/40 = 2, to the human-only ticket.
        { amountUsd: 8, from: FROM - 10 * DAY, to: FROM + 30 * DAY, appliesTo: 'human', category: null, note: null },
      ],
    }), { groupBy: 'channel' });
    // total = LLM 3 (unattributed) + human 4 + fixed 27 = 34; unallocated = 3 + 25 = 28
    expect(report.totals).toMatchObject({ llmCostUsd: 3, humanCostUsd: 4, fixedCostUsd: 27, totalCostUsd: 34,
      humanOnlyCostUsd: 6, humanOnlyCostPerResolutionUsd: 6, aiJourneyCostPerResolutionUsd: null, containmentRate: null });
    expect(report.unallocatedCostUsd).toBe(28);
    expect(report.groups).toEqual([expect.objectContaining({ key: '(none)', totalCostUsd: 6 })]);
  });

  it('gives an unpriced-only model a null cost, not 0', () => {
    const t = ticket('a', { llm: [spend(0, { model: 'x', unpricedCalls: 1 }), spend(0.5, { model: 'y' })] });
    const report = computeReport(input({ tickets: [t] }), {});
    expect(report.models.map((m) => [m.model, m.costUsd, m.unpricedCalls])).toEqual([['y', 0.5, 0], ['x', null, 1]]);
    expect(report.totals).toMatchObject({ llmCalls: 2, unpricedLlmCalls: 1, llmCostUsd: 0.5 });
  });

  it('groups by period of resolution, or of opening when unresolved', () => {
    const a = ticket('a', { openedAt: FROM, statusChanges: [{ kind: 'resolved', at: FROM + 8 * DAY, by: 'ai', confirmed: false }] });
    const b = ticket('b', { openedAt: FROM + 2 * DAY });
    const report = computeReport(input({ tickets: [a, b] }), { groupBy: 'day' });
    expect(report.groups.map((g) => g.key)).toEqual(['2026-10-03', '2026-10-09']);
  });

  it('counts a ticket resolved at the millisecond of its first call as resolved, at first contact', () => {
    const at = FROM + DAY;
    // The order a store gives for a link and a resolution of one moment: the resolution first.
    const t = ticket('t', {
      openedAt: at, llm: [spend(0.006), spend(0.004, { model: 'n' })],
      statusChanges: [{ kind: 'resolved', at, by: 'ai', confirmed: false }, { kind: 'linked', at, conversationId: 't' }],
    });
    const report = computeReport(input({ tickets: [t] }), {});
    // One ticket, resolved by the bot at first contact: CPR = (0.006 + 0.004) / 1 = 0.01.
    expect(report.totals).toMatchObject({ tickets: 1, resolved: 1, unresolved: 0, aiResolved: 1, fcrRate: 1, reopenRate: 0 });
    expect(report.totals.costPerResolutionUsd).toBeCloseTo(0.01, 12);
    expect(report.totals.naiveAiCostPerResolutionUsd).toBeCloseTo(0.01, 12);
  });
});
