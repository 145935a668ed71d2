import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertEvents, loadReportInput } from '../../src/ledger/sqlite/ticket-store.js';
import { validateEvents } from '../../src/tickets/validate-events.js';
import { computeReport } from '../../src/reports/compute-report.js';
import type { Report, ReportFigures } from '../../src/reports/types.js';
import { openTestDb } from '../support/open-test-db.js';
import type { TestDb } from '../support/open-test-db.js';
import { HUMAN_HOURLY_RATE, SCENARIO_EVENTS, WINDOW, WINDOW_ISO, at, loadScenario } from './cpr-scenario-fixture.js';

/**
 * The totals, computed by hand (see the table in cpr-scenario-fixture.ts).
 *
 * In scope (11): T1 C2 T3 T4 T5 T6 T7 T8 T9 T10 T12. Out: T11 (resolved Sep 21), T13 (after `to`).
 * Paths: AI-handled = T1 C2 T3 T4 T7 T8 T9 T10 T12 (9); escalated = T3 (handoff), T4 (resolved
 * by human), T9 (handoff) (3); contained = the other 6; human-only = T5 T6 (2).
 * Resolved at `to`: T1 C2 T3 T4 T5 T8 T9 T10 (8); unresolved: T6 T7 T12 (3).
 * AI-resolved = contained and resolved = T1 C2 T8 T10 (4); escalated resolved = T3 T4 T9 (3);
 * human-only resolved = T5 (1).
 *
 * Money: LLM of tickets = .30 + .20 + .40 + .60 + .25 + .40 + .50 + .70 + .15 = 3.50;
 * unattributed in the window = .90 + .27 = 1.17; llmCostUsd = 4.67.
 * Human = 20 (T3) + 7.50 (T4) + 40 (T5) + 10 (T6) + 15 (T9) = 92.50.
 * Fixed = ai 279 + human 62 x 15/31 = 30 + shared 55 = 364 (December's 1000 is outside).
 * Total = 4.67 + 92.50 + 364 = 461.17.
 *
 * Shares: per AI-handled ticket (1.17 + 279) / 9 = 0.13 + 31; per human-touched ticket
 * (T3 T4 T9 T5 T6) 30 / 5 = 6; per ticket 55 / 11 = 5. Nothing unallocated.
 * Loaded: contained AI ticket = LLM + 36.13; escalated = direct + 42.13; human-only = human + 11.
 * T1 36.43, C2 36.33, T3 62.53, T4 50.23, T7 36.38, T8 36.53, T9 57.63, T10 36.83, T12 36.28
 * => AI journey 389.17; T5 51, T6 21 => human-only 72. 389.17 + 72 = 461.17.
 */
const TOTALS: ReportFigures = {
  tickets: 11,
  resolved: 8,
  unresolved: 3,
  aiHandled: 9,
  contained: 6,
  escalated: 3,
  humanOnly: 2,
  aiResolved: 4,
  escalatedResolved: 3,
  humanOnlyResolved: 1,
  conversations: 10, // C1 C2 C3 C4 C7 C8a C8b C9 C10 C12; T5 and T6 have none
  llmCalls: 15, // 13 of the tickets (C1 2, C2 2, C3 1, C4 2, C7 1, C8a 1, C8b 1, C9 1, C10 1, C12 1) + 2 unattributed
  unpricedLlmCalls: 1, // c4x
  estimatedLlmCalls: 1, // u2
  inputTokens: 15_000, // 15 calls x 1000
  cachedInputTokens: 3_000, // x 200
  outputTokens: 4_500, // x 300
  reasoningTokens: 1_500, // x 100
  llmCostUsd: 4.67,
  unattributedLlmCostUsd: 1.17,
  humanCostUsd: 92.5,
  fixedCostUsd: 364,
  totalCostUsd: 461.17,
  aiJourneyCostUsd: 389.17,
  humanOnlyCostUsd: 72,
  costPerResolutionUsd: 57.64625, // 461.17 / 8
  aiJourneyCostPerResolutionUsd: 389.17 / 7, // resolved AI-handled: 4 AI-resolved + 3 escalated = 7 -> 55.5957...
  naiveAiCostPerResolutionUsd: 0.4, // (T1 .30 + C2 .20 + T8 .40 + T10 .70) / 4 = 1.60 / 4
  humanOnlyCostPerResolutionUsd: 72, // (51 + 21) / 1
  costPerConversationUsd: 0.35, // 3.50 / 10 conversations with calls
  automationRate: 0.5, // 4 / 8
  containmentRate: 6 / 9,
  escalationRate: 3 / 9,
  fcrRate: 0.75, // T1 C2 T3 T4 T5 (none recorded) T10 = 6 / 8; T8 has 2 conversations and a reopen, T9 a reopen
  reopenRate: 0.25, // T8 (follow-up), T9 (explicit) = 2 / 8
};

function expectFigures(actual: ReportFigures, expected: Partial<ReportFigures>): void {
  for (const [name, value] of Object.entries(expected)) {
    if (value === null) expect(actual[name as keyof ReportFigures], name).toBeNull();
    else expect(actual[name as keyof ReportFigures], name).toBeCloseTo(value as number, 8);
  }
}

describe('the hand-computed scenario', () => {
  let t: TestDb;
  let report: Report;
  beforeEach(() => {
    t = openTestDb();
    loadScenario(t.db);
    report = computeReport(loadReportInput(t.db, { window: WINDOW, humanHourlyRate: HUMAN_HOURLY_RATE }), {});
  });
  afterEach(() => t.cleanup());

  it('computes every figure of the definitions table', () => {
    expect(report.window).toEqual(WINDOW_ISO);
    expect(report.currency).toBe('USD');
    expect(Object.keys(report.totals).sort()).toEqual(Object.keys(TOTALS).sort());
    expectFigures(report.totals, TOTALS);
    expect(report.unallocatedCostUsd).toBeCloseTo(0, 10);
    expect(report.groups).toEqual([]);
  });

  it('lists spend per response model, unknown cost as null', () => {
    expect(report.models).toEqual([
      // C3 .40 + C4 .60 + C8b .30 + C9 .50 + C10 .70
      { model: 'gpt-4o', calls: 5, inputTokens: 5000, cachedInputTokens: 1000, outputTokens: 1500, reasoningTokens: 500, costUsd: 2.5, unpricedCalls: 0 },
      // C1 .30 + C2 .20 + C7 .25 + C8a .10 + C12 .15 + unattributed 1.17
      { model: 'gpt-4o-mini', calls: 9, inputTokens: 9000, cachedInputTokens: 1800, outputTokens: 2700, reasoningTokens: 900, costUsd: 2.17, unpricedCalls: 0 },
      { model: 'mystery-model', calls: 1, inputTokens: 1000, cachedInputTokens: 200, outputTokens: 300, reasoningTokens: 100, costUsd: null, unpricedCalls: 1 },
    ]);
  });

  it('breaks down by category; groups plus unallocated add up to the totals', () => {
    const grouped = computeReport(loadReportInput(t.db, { window: WINDOW, humanHourlyRate: HUMAN_HOURLY_RATE }), { groupBy: 'category' });
    expect(grouped.groups.map((g) => g.key)).toEqual(['billing', 'returns', 'shipping', '(none)']);
    const [billing, returns, shipping, none] = grouped.groups;
    // billing: T1 T3 T6 T7 T9 T10. LLM 2.15 + 5 x .13 = 2.80; human 20 + 10 + 15 = 45;
    // fixed 5 x 31 + 3 x 6 (T3 T6 T9) + 6 x 5 = 203; total 250.80 over 4 resolved (T1 T3 T9 T10).
    expectFigures(billing, {
      tickets: 6, resolved: 4, unresolved: 2, aiHandled: 5, contained: 3, escalated: 2, humanOnly: 1,
      aiResolved: 2, escalatedResolved: 2, humanOnlyResolved: 0, conversations: 5, llmCalls: 6,
      llmCostUsd: 2.8, unattributedLlmCostUsd: 0.65, humanCostUsd: 45, fixedCostUsd: 203, totalCostUsd: 250.8,
      costPerResolutionUsd: 62.7,
      aiJourneyCostPerResolutionUsd: 57.45, // (36.43 + 62.53 + 36.38 + 57.63 + 36.83) / 4 = 229.80 / 4
      naiveAiCostPerResolutionUsd: 0.5, // (T1 .30 + T10 .70) / 2
      humanOnlyCostPerResolutionUsd: null, // T6 unresolved: 0 human-only resolutions
      costPerConversationUsd: 0.43, // 2.15 / 5
      automationRate: 0.5, fcrRate: 0.75, reopenRate: 0.25, containmentRate: 0.6, escalationRate: 0.4,
    });
    // returns: T12 only, unresolved: every ratio over resolutions is null.
    expectFigures(returns, {
      tickets: 1, resolved: 0, unresolved: 1, totalCostUsd: 36.28, llmCostUsd: 0.28, fixedCostUsd: 36,
      costPerResolutionUsd: null, aiJourneyCostPerResolutionUsd: null, naiveAiCostPerResolutionUsd: null,
      humanOnlyCostPerResolutionUsd: null, automationRate: null, fcrRate: null, reopenRate: null,
      containmentRate: 1, escalationRate: 0, costPerConversationUsd: 0.15,
    });
    // shipping: T4 50.23 + T5 51 + T8 36.53 = 137.76 over 3 resolved.
    expectFigures(shipping, {
      tickets: 3, resolved: 3, aiResolved: 1, escalatedResolved: 1, humanOnlyResolved: 1,
      llmCostUsd: 1.26, humanCostUsd: 47.5, fixedCostUsd: 89, totalCostUsd: 137.76, costPerResolutionUsd: 45.92,
      humanOnlyCostPerResolutionUsd: 51, aiJourneyCostPerResolutionUsd: (50.23 + 36.53) / 2, reopenRate: 1 / 3,
    });
    // (none): the implicit ticket C2.
    expectFigures(none, { tickets: 1, resolved: 1, totalCostUsd: 36.33, costPerResolutionUsd: 36.33, naiveAiCostPerResolutionUsd: 0.2 });
    const sum = grouped.groups.reduce((s, g) => s + g.totalCostUsd, 0) + grouped.unallocatedCostUsd;
    expect(sum).toBeCloseTo(grouped.totals.totalCostUsd, 8);
    expectFigures(grouped.totals, TOTALS);
  });

  it('keeps what finds no ticket unallocated, and gives null for every ratio over 0', () => {
    // December: no ticket, the 1000 USD shared cost of December is all in the window.
    const december = computeReport(
      loadReportInput(t.db, { window: { from: at(1, 0, 0, 11), to: at(1, 0, 0, 12) }, humanHourlyRate: 40 }), { groupBy: 'week' });
    expectFigures(december.totals, {
      tickets: 0, resolved: 0, fixedCostUsd: 1000, totalCostUsd: 1000, costPerResolutionUsd: null,
      aiJourneyCostPerResolutionUsd: null, naiveAiCostPerResolutionUsd: null, humanOnlyCostPerResolutionUsd: null,
      costPerConversationUsd: null, automationRate: null, containmentRate: null, escalationRate: null, fcrRate: null,
      reopenRate: null,
    });
    expect(december.unallocatedCostUsd).toBe(1000);
    expect(december.groups).toEqual([]);
  });

  it('ignores a redelivered batch: every eventId is a duplicate', () => {
    const result = validateEvents(SCENARIO_EVENTS, { now: () => at(31, 23) });
    if (!result.ok) throw new Error(result.error.message);
    expect(insertEvents(t.db, result.events)).toEqual({ accepted: 0, duplicates: SCENARIO_EVENTS.length, conflicts: [] });
    const again = computeReport(loadReportInput(t.db, { window: WINDOW, humanHourlyRate: HUMAN_HOURLY_RATE }), {});
    expect(again).toEqual(report);
  });
});
