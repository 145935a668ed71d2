import { beforeEach, describe, expect, it } from 'vitest';
import { validateEvents } from '../../src/tickets/validate-events.js';
import { computeReport } from '../../src/reports/compute-report.js';
import type { Report, ReportFigures } from '../../src/reports/types.js';
import { LEDGER_STORES, useLedgerStore } from '../support/ledger-stores.js';
import { HUMAN_HOURLY_RATE, SCENARIO_EVENTS, WINDOW, WINDOW_ISO, at, loadScenarioInto } from './cpr-scenario-fixture.js';

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
 *
 * The estimates: no baseline configured, so the human baseline is the window's human-only CPR,
 * 72 (source 'human-only'), for the totals and every group alike.
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
  aiCostPerAiResolutionUsd: 70.9175, // (LLM 4.67 + ai fixed 279) / 4 AI-resolved = 283.67 / 4
  humanBaselineCprUsd: 72, // humanOnlyCostPerResolutionUsd
  savingsUsd: 114.83, // 72 x 8 resolved - 461.17 = 576 - 461.17
  savingsPerResolutionUsd: 14.35375, // 72 - 57.64625 (= 114.83 / 8)
};

function expectFigures(actual: ReportFigures, expected: Partial<ReportFigures>): void {
  for (const [name, value] of Object.entries(expected)) {
    if (value === null) expect(actual[name as keyof ReportFigures], name).toBeNull();
    else expect(actual[name as keyof ReportFigures], name).toBeCloseTo(value as number, 8);
  }
}

// The same scenario, the same figures, on both stores: SQLite and PostgreSQL.
describe.each(LEDGER_STORES)('the hand-computed scenario on $kind', (factory) => {
  const store = useLedgerStore(factory);
  let report: Report;
  beforeEach(async () => {
    await store.current.reset();
    await loadScenarioInto(store.current);
    report = computeReport(await store.current.ledger.reportInput({ window: WINDOW, humanHourlyRate: HUMAN_HOURLY_RATE }), {});
  });

  it('computes every figure of the definitions table', async () => {
    expect(report.window).toEqual(WINDOW_ISO);
    expect(report.currency).toBe('USD');
    expect(report.humanBaselineSource).toBe('human-only');
    expect(Object.keys(report.totals).sort()).toEqual(Object.keys(TOTALS).sort());
    expectFigures(report.totals, TOTALS);
    expect(report.unallocatedCostUsd).toBeCloseTo(0, 10);
    expect(report.groups).toEqual([]);
  });

  it('lists spend per response model, unknown cost as null', async () => {
    expect(report.models).toEqual([
      // C3 .40 + C4 .60 + C8b .30 + C9 .50 + C10 .70
      { model: 'gpt-4o', calls: 5, inputTokens: 5000, cachedInputTokens: 1000, outputTokens: 1500, reasoningTokens: 500, costUsd: 2.5, unpricedCalls: 0 },
      // C1 .30 + C2 .20 + C7 .25 + C8a .10 + C12 .15 + unattributed 1.17
      { model: 'gpt-4o-mini', calls: 9, inputTokens: 9000, cachedInputTokens: 1800, outputTokens: 2700, reasoningTokens: 900, costUsd: 2.17, unpricedCalls: 0 },
      { model: 'mystery-model', calls: 1, inputTokens: 1000, cachedInputTokens: 200, outputTokens: 300, reasoningTokens: 100, costUsd: null, unpricedCalls: 1 },
    ]);
  });

  it('breaks down by category; groups plus unallocated add up to the totals', async () => {
    const grouped = computeReport(await store.current.ledger.reportInput({ window: WINDOW, humanHourlyRate: HUMAN_HOURLY_RATE }), { groupBy: 'category' });
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
      // AI-handled T1 T3 T7 T9 T10 carry 5 x 31 = 155 of ai fixed costs: (2.80 + 155) / 2 AI-resolved.
      aiCostPerAiResolutionUsd: 78.9,
      // The window's baseline (72), not the group's own human-only CPR (null here).
      humanBaselineCprUsd: 72, savingsUsd: 37.2, // 72 x 4 - 250.80 = 288 - 250.80
      savingsPerResolutionUsd: 9.3, // 72 - 62.70
    });
    // returns: T12 only, unresolved: every ratio over resolutions is null.
    expectFigures(returns, {
      tickets: 1, resolved: 0, unresolved: 1, totalCostUsd: 36.28, llmCostUsd: 0.28, fixedCostUsd: 36,
      costPerResolutionUsd: null, aiJourneyCostPerResolutionUsd: null, naiveAiCostPerResolutionUsd: null,
      humanOnlyCostPerResolutionUsd: null, automationRate: null, fcrRate: null, reopenRate: null,
      containmentRate: 1, escalationRate: 0, costPerConversationUsd: 0.15,
      aiCostPerAiResolutionUsd: null, humanBaselineCprUsd: 72,
      savingsUsd: -36.28, // 72 x 0 - 36.28: spend with no resolution is a loss
      savingsPerResolutionUsd: null, // no CPR
    });
    // shipping: T4 50.23 + T5 51 + T8 36.53 = 137.76 over 3 resolved.
    expectFigures(shipping, {
      tickets: 3, resolved: 3, aiResolved: 1, escalatedResolved: 1, humanOnlyResolved: 1,
      llmCostUsd: 1.26, humanCostUsd: 47.5, fixedCostUsd: 89, totalCostUsd: 137.76, costPerResolutionUsd: 45.92,
      humanOnlyCostPerResolutionUsd: 51, aiJourneyCostPerResolutionUsd: (50.23 + 36.53) / 2, reopenRate: 1 / 3,
      aiCostPerAiResolutionUsd: 63.26, // (1.26 + 2 x 31 for T4 T8) / 1 (T8)
      humanBaselineCprUsd: 72, // the window's, not the group's own 51
      savingsUsd: 78.24, savingsPerResolutionUsd: 26.08, // 72 x 3 - 137.76 = 216 - 137.76; 72 - 45.92
    });
    // (none): the implicit ticket C2.
    expectFigures(none, { tickets: 1, resolved: 1, totalCostUsd: 36.33, costPerResolutionUsd: 36.33, naiveAiCostPerResolutionUsd: 0.2,
      aiCostPerAiResolutionUsd: 31.33, // (.20 + .13 + 31) / 1
      savingsUsd: 35.67, savingsPerResolutionUsd: 35.67 }); // 72 - 36.33
    const sum = grouped.groups.reduce((s, g) => s + g.totalCostUsd, 0) + grouped.unallocatedCostUsd;
    expect(sum).toBeCloseTo(grouped.totals.totalCostUsd, 8);
    // One baseline for all: the groups' savings add up to the total's plus what is unallocated
    // (37.20 - 36.28 + 78.24 + 35.67 = 114.83; nothing unallocated here).
    const savings = grouped.groups.reduce((s, g) => s + g.savingsUsd!, 0) - grouped.unallocatedCostUsd;
    expect(savings).toBeCloseTo(114.83, 8);
    expectFigures(grouped.totals, TOTALS);
  });

  it('breaks down by customer, the kept tickets summed by customer in SQL', async () => {
    const input = await store.current.ledger.reportInput({ window: WINDOW, humanHourlyRate: HUMAN_HOURLY_RATE, groupBy: 'customer' });
    // The first report (beforeEach) kept the tickets: this one reads most of them as classes.
    expect(input.ticketClasses?.length).toBeGreaterThan(0);
    expect(input.ticketClassesByCustomer).toBe(true);
    const byCustomer = computeReport(input, { groupBy: 'customer' });
    expect(byCustomer.groupBy).toBe('customer');
    expect(byCustomer.groups.map((g) => g.key)).toEqual(['acme', 'globex', '(none)']);
    const [acme, globex, none] = byCustomer.groups;
    // acme: T1 T3 T6 T9 T10. LLM .30 + .40 + .50 + .70 = 1.90 + 4 AI-handled x .13 = 2.42; human 20 + 10 + 15 = 45;
    // fixed ai 4 x 31 = 124 + human 3 x 6 (T3 T6 T9) = 18 + shared 5 x 5 = 25 -> 167; total 214.42
    // (= loaded T1 36.43 + T3 62.53 + T6 21 + T9 57.63 + T10 36.83).
    expectFigures(acme, {
      tickets: 5, resolved: 4, unresolved: 1, aiHandled: 4, contained: 2, escalated: 2, humanOnly: 1,
      aiResolved: 2, escalatedResolved: 2, humanOnlyResolved: 0, conversations: 4, llmCalls: 5,
      llmCostUsd: 2.42, unattributedLlmCostUsd: 0.52, humanCostUsd: 45, fixedCostUsd: 167, totalCostUsd: 214.42,
      costPerResolutionUsd: 53.605, // 214.42 / 4
      aiJourneyCostPerResolutionUsd: 48.355, // (36.43 + 62.53 + 57.63 + 36.83) / 4 = 193.42 / 4
      naiveAiCostPerResolutionUsd: 0.5, // (.30 + .70) / 2
      humanOnlyCostPerResolutionUsd: null, // T6 is unresolved
      aiCostPerAiResolutionUsd: 63.21, // (2.42 + 124) / 2
      humanBaselineCprUsd: 72, // the window's: acme has no human-only resolution of its own
      savingsUsd: 73.58, // 72 x 4 - 214.42 = 288 - 214.42
      savingsPerResolutionUsd: 18.395, // 72 - 53.605
    });
    // globex: T4 T5 T7 T8. LLM .60 + .25 + .40 = 1.25 + 3 x .13 = 1.64; human 7.50 + 40 = 47.50;
    // fixed ai 3 x 31 = 93 + human 2 x 6 (T4 T5) = 12 + shared 4 x 5 = 20 -> 125; total 174.14
    // (= T4 50.23 + T5 51 + T7 36.38 + T8 36.53).
    expectFigures(globex, {
      tickets: 4, resolved: 3, unresolved: 1, aiHandled: 3, contained: 2, escalated: 1, humanOnly: 1,
      aiResolved: 1, escalatedResolved: 1, humanOnlyResolved: 1,
      llmCostUsd: 1.64, humanCostUsd: 47.5, fixedCostUsd: 125, totalCostUsd: 174.14,
      costPerResolutionUsd: 174.14 / 3, // 58.0466...
      aiJourneyCostPerResolutionUsd: 61.57, // (T4 50.23 + T8 36.53) / 2 resolved; T7 unresolved adds its 36.38: 123.14 / 2
      naiveAiCostPerResolutionUsd: 0.4, // T8 .40 / 1
      humanOnlyCostPerResolutionUsd: 51, // T5
      aiCostPerAiResolutionUsd: 94.64, // (1.64 + 93) / 1
      humanBaselineCprUsd: 72, // the window's, not globex's own 51
      savingsUsd: 41.86, // 72 x 3 - 174.14 = 216 - 174.14
      savingsPerResolutionUsd: 72 - 174.14 / 3, // 13.9533... = 41.86 / 3
    });
    // (none): C2 (implicit ticket) and T12. LLM .20 + .15 + 2 x .13 = .61; fixed ai 62 + shared 10 = 72; total 72.61.
    expectFigures(none, {
      tickets: 2, resolved: 1, aiResolved: 1, llmCostUsd: 0.61, humanCostUsd: 0, fixedCostUsd: 72, totalCostUsd: 72.61,
      costPerResolutionUsd: 72.61, aiCostPerAiResolutionUsd: 62.61, // (.61 + 62) / 1
      savingsUsd: -0.61, savingsPerResolutionUsd: -0.61, // 72 x 1 - 72.61; 72 - 72.61
    });
    // 214.42 + 174.14 + 72.61 = 461.17; savings 73.58 + 41.86 - 0.61 = 114.83.
    expect(byCustomer.groups.reduce((s, g) => s + g.totalCostUsd, 0)).toBeCloseTo(461.17, 8);
    expect(byCustomer.groups.reduce((s, g) => s + g.savingsUsd!, 0)).toBeCloseTo(114.83, 8);
    expectFigures(byCustomer.totals, TOTALS);
    // Read one by one (no kept classes), the same report.
    const scratch = computeReport({ ...input, tickets: await store.current.foldTicketFacts(input), ticketClasses: undefined, ticketClassModels: undefined },
      { groupBy: 'customer' });
    expect(scratch.groups.map((g) => [g.key, g.tickets, g.totalCostUsd])).toEqual(byCustomer.groups.map((g) => [g.key, g.tickets, g.totalCostUsd]));
  });

  it('refuses to group by customer classes that mix customers', async () => {
    const input = await store.current.ledger.reportInput({ window: WINDOW, humanHourlyRate: HUMAN_HOURLY_RATE });
    expect(input.ticketClasses?.length).toBeGreaterThan(0);
    expect(() => computeReport(input, { groupBy: 'customer' })).toThrow(/grouping by customer needs ticket classes read by customer/);
  });

  it('estimates savings against a configured baseline, for the totals and every group', async () => {
    const input = await store.current.ledger.reportInput({ window: WINDOW, humanHourlyRate: HUMAN_HOURLY_RATE, groupBy: 'customer' });
    const configured = computeReport(input, { groupBy: 'customer', humanBaselineCprUsd: 50 });
    expect(configured.humanBaselineSource).toBe('configured');
    expectFigures(configured.totals, {
      humanBaselineCprUsd: 50,
      savingsUsd: -61.17, // 50 x 8 - 461.17 = 400 - 461.17: at 50 a resolution, humans alone would have cost less
      savingsPerResolutionUsd: -7.64625, // 50 - 57.64625
      humanOnlyCostPerResolutionUsd: 72, aiCostPerAiResolutionUsd: 70.9175, // unchanged
    });
    const [acme, globex, none] = configured.groups;
    expectFigures(acme, { humanBaselineCprUsd: 50, savingsUsd: -14.42, savingsPerResolutionUsd: -3.605 }); // 200 - 214.42; 50 - 53.605
    expectFigures(globex, { humanBaselineCprUsd: 50, savingsUsd: -24.14 }); // 150 - 174.14
    expectFigures(none, { humanBaselineCprUsd: 50, savingsUsd: -22.61 }); // 50 - 72.61
    // A configured 0 is a baseline too (not "none").
    expect(computeReport(input, { humanBaselineCprUsd: 0 }).totals.savingsUsd).toBeCloseTo(-461.17, 8);
  });

  it("estimates savings against the ledger's human-baseline-cpr setting when no baseline is given", async () => {
    // 50 from Oct 1 (in effect at `to`, Nov 1), and 90 from Nov 2 on (after the window: not this report's).
    await store.current.ledger.writeSetting({ name: 'human-baseline-cpr', effectiveFrom: at(1), value: 50, setAt: at(1) });
    await store.current.ledger.writeSetting({ name: 'human-baseline-cpr', effectiveFrom: at(2, 0, 0, 10), value: 90, setAt: at(1) });
    const input = await store.current.ledger.reportInput({ window: WINDOW, humanHourlyRate: HUMAN_HOURLY_RATE, groupBy: 'customer' });
    expect(input.humanBaselineCprUsd).toBe(50);
    const fromLedger = computeReport(input, { groupBy: 'customer' });
    expect(fromLedger.humanBaselineSource).toBe('ledger');
    expectFigures(fromLedger.totals, {
      humanBaselineCprUsd: 50,
      savingsUsd: -61.17, // 50 x 8 - 461.17 = 400 - 461.17
      savingsPerResolutionUsd: -7.64625, // 50 - 57.64625
      humanOnlyCostPerResolutionUsd: 72, // the window's own, not the baseline
    });
    const [acme, globex, none] = fromLedger.groups;
    expectFigures(acme, { humanBaselineCprUsd: 50, savingsUsd: -14.42 }); // 200 - 214.42
    expectFigures(globex, { humanBaselineCprUsd: 50, savingsUsd: -24.14 }); // 150 - 174.14
    expectFigures(none, { humanBaselineCprUsd: 50, savingsUsd: -22.61 }); // 50 - 72.61
    // A baseline given for the report wins over the ledger's: 60 x 8 - 461.17 = 18.83.
    const configured = computeReport(input, { humanBaselineCprUsd: 60 });
    expect(configured.humanBaselineSource).toBe('configured');
    expect(configured.totals.savingsUsd).toBeCloseTo(18.83, 8);
    // A report of a later window reads the value in effect at its end: 90 x 8 - 461.17 = 258.83.
    const later = await store.current.ledger.reportInput({ window: { from: WINDOW.from, to: at(3, 0, 0, 10) }, humanHourlyRate: HUMAN_HOURLY_RATE });
    expect(later.humanBaselineCprUsd).toBe(90);
  });

  it('falls back to the human-only CPR when the ledger has no baseline in effect at the window\'s end', async () => {
    await store.current.ledger.writeSetting({ name: 'human-baseline-cpr', effectiveFrom: at(2, 0, 0, 10), value: 90, setAt: at(1) });
    const input = await store.current.ledger.reportInput({ window: WINDOW, humanHourlyRate: HUMAN_HOURLY_RATE });
    expect(input.humanBaselineCprUsd).toBeNull();
    const report = computeReport(input);
    expect(report.humanBaselineSource).toBe('human-only');
    expect(report.totals.savingsUsd).toBeCloseTo(114.83, 8); // 72 x 8 - 461.17
  });

  it('keeps what finds no ticket unallocated, and gives null for every ratio over 0', async () => {
    // December: no ticket, the 1000 USD shared cost of December is all in the window.
    const december = computeReport(
      await store.current.ledger.reportInput({ window: { from: at(1, 0, 0, 11), to: at(1, 0, 0, 12) }, humanHourlyRate: 40 }), { groupBy: 'week' });
    expectFigures(december.totals, {
      tickets: 0, resolved: 0, fixedCostUsd: 1000, totalCostUsd: 1000, costPerResolutionUsd: null,
      aiJourneyCostPerResolutionUsd: null, naiveAiCostPerResolutionUsd: null, humanOnlyCostPerResolutionUsd: null,
      costPerConversationUsd: null, automationRate: null, containmentRate: null, escalationRate: null, fcrRate: null,
      reopenRate: null, aiCostPerAiResolutionUsd: null,
      // No human-only resolution and no baseline configured: no savings figures at all.
      humanBaselineCprUsd: null, savingsUsd: null, savingsPerResolutionUsd: null,
    });
    expect(december.humanBaselineSource).toBeNull();
    expect(december.unallocatedCostUsd).toBe(1000);
    expect(december.groups).toEqual([]);
  });

  it('ignores a redelivered batch: every eventId is a duplicate', async () => {
    const result = validateEvents(SCENARIO_EVENTS, { now: () => at(31, 23) });
    if (!result.ok) throw new Error(result.error.message);
    expect(await store.current.ledger.recordEvents(result.events)).toEqual({ accepted: 0, duplicates: SCENARIO_EVENTS.length, conflicts: [] });
    const again = computeReport(await store.current.ledger.reportInput({ window: WINDOW, humanHourlyRate: HUMAN_HOURLY_RATE }), {});
    expect(again).toEqual(report);
  });
});
