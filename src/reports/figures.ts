import type { ModelSpend, ReportFigures } from './types.js';

/**
 * Running sums over the tickets of one group (or of the whole report), from which
 * {@link toFigures} derives the figures. Loaded cost = direct cost + shares.
 */
export interface Tally {
  tickets: number;
  resolved: number;
  aiHandled: number;
  contained: number;
  escalated: number;
  humanOnly: number;
  aiResolved: number;
  escalatedResolved: number;
  humanOnlyResolved: number;
  firstContactResolved: number;
  reopenedResolved: number;
  conversations: number;
  conversationsWithLlmCalls: number;
  llm: Omit<ModelSpend, 'model'>;
  humanCostUsd: number;
  /** Shares of unattributed LLM spend received. */
  unattributedShareUsd: number;
  /** Shares of fixed costs received. */
  fixedShareUsd: number;
  /** Of those, the shares of `ai` fixed costs. */
  aiFixedShareUsd: number;
  aiJourneyCostUsd: number;
  humanOnlyCostUsd: number;
  /** Direct LLM cost of the AI-resolved tickets (the naive CPR's numerator). */
  aiResolvedLlmCostUsd: number;
}

/** A tally of nothing. */
export function emptyTally(): Tally {
  return {
    tickets: 0, resolved: 0, aiHandled: 0, contained: 0, escalated: 0, humanOnly: 0,
    aiResolved: 0, escalatedResolved: 0, humanOnlyResolved: 0, firstContactResolved: 0,
    reopenedResolved: 0, conversations: 0, conversationsWithLlmCalls: 0,
    llm: emptySpend(), humanCostUsd: 0, unattributedShareUsd: 0, fixedShareUsd: 0, aiFixedShareUsd: 0,
    aiJourneyCostUsd: 0, humanOnlyCostUsd: 0, aiResolvedLlmCostUsd: 0,
  };
}

/** LLM spend of no call. */
export function emptySpend(): Omit<ModelSpend, 'model'> {
  return { calls: 0, unpricedCalls: 0, estimatedCalls: 0, inputTokens: 0, cachedInputTokens: 0,
    outputTokens: 0, reasoningTokens: 0, costUsd: 0 };
}

/** Adds `spend` into `into` (mutates it). */
export function addSpend(into: Omit<ModelSpend, 'model'>, spend: Omit<ModelSpend, 'model'>): void {
  into.calls += spend.calls;
  into.unpricedCalls += spend.unpricedCalls;
  into.estimatedCalls += spend.estimatedCalls;
  into.inputTokens += spend.inputTokens;
  into.cachedInputTokens += spend.cachedInputTokens;
  into.outputTokens += spend.outputTokens;
  into.reasoningTokens += spend.reasoningTokens;
  into.costUsd += spend.costUsd;
}

/** `a / b`, or `null` when `b` is 0. */
export const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/** Money rounded to 1e-10 USD, so sums of binary fractions read as the decimals they are. */
export const money = (usd: number): number => Number(usd.toFixed(10));

const moneyOrNull = (usd: number | null): number | null => (usd === null ? null : money(usd));

/** What the whole report adds to its tickets' tally: unattributed calls and all fixed costs. */
export interface Extras {
  /** Unattributed calls of the window (all of them, allocated or not). */
  unattributed: Omit<ModelSpend, 'model'>;
  /** Fixed costs pro-rated to the window (all of them, allocated or not). */
  fixedCostUsd: number;
  /** Of those, the `ai` ones. */
  aiFixedCostUsd: number;
}

/** The figures that need the report's human baseline, added by {@link withSavings}. */
export type SavingsFigure = 'humanBaselineCprUsd' | 'savingsUsd' | 'savingsPerResolutionUsd';

/**
 * The figures of a tally. For the totals, `extras` adds every unattributed call and every
 * fixed cost (what went unallocated included); a group counts only the shares it received.
 */
export function toFigures(tally: Tally, extras?: Extras): Omit<ReportFigures, SavingsFigure> {
  const calls = { ...tally.llm };
  if (extras) addSpend(calls, extras.unattributed);
  const ticketLlmCost = tally.llm.costUsd;
  const unattributed = extras ? extras.unattributed.costUsd : tally.unattributedShareUsd;
  const llmCostUsd = ticketLlmCost + unattributed;
  const fixedCostUsd = extras ? extras.fixedCostUsd : tally.fixedShareUsd;
  const aiFixedCostUsd = extras ? extras.aiFixedCostUsd : tally.aiFixedShareUsd;
  const totalCostUsd = llmCostUsd + tally.humanCostUsd + fixedCostUsd;
  const aiHandledResolved = tally.aiResolved + tally.escalatedResolved;
  return {
    tickets: tally.tickets,
    resolved: tally.resolved,
    unresolved: tally.tickets - tally.resolved,
    aiHandled: tally.aiHandled,
    contained: tally.contained,
    escalated: tally.escalated,
    humanOnly: tally.humanOnly,
    aiResolved: tally.aiResolved,
    escalatedResolved: tally.escalatedResolved,
    humanOnlyResolved: tally.humanOnlyResolved,
    conversations: tally.conversations,
    llmCalls: calls.calls,
    unpricedLlmCalls: calls.unpricedCalls,
    estimatedLlmCalls: calls.estimatedCalls,
    inputTokens: calls.inputTokens,
    cachedInputTokens: calls.cachedInputTokens,
    outputTokens: calls.outputTokens,
    reasoningTokens: calls.reasoningTokens,
    llmCostUsd: money(llmCostUsd),
    unattributedLlmCostUsd: money(unattributed),
    humanCostUsd: money(tally.humanCostUsd),
    fixedCostUsd: money(fixedCostUsd),
    totalCostUsd: money(totalCostUsd),
    aiJourneyCostUsd: money(tally.aiJourneyCostUsd),
    humanOnlyCostUsd: money(tally.humanOnlyCostUsd),
    costPerResolutionUsd: moneyOrNull(ratio(totalCostUsd, tally.resolved)),
    aiJourneyCostPerResolutionUsd: moneyOrNull(ratio(tally.aiJourneyCostUsd, aiHandledResolved)),
    naiveAiCostPerResolutionUsd: moneyOrNull(ratio(tally.aiResolvedLlmCostUsd, tally.aiResolved)),
    humanOnlyCostPerResolutionUsd: moneyOrNull(ratio(tally.humanOnlyCostUsd, tally.humanOnlyResolved)),
    costPerConversationUsd: moneyOrNull(ratio(ticketLlmCost, tally.conversationsWithLlmCalls)),
    automationRate: ratio(tally.aiResolved, tally.resolved),
    containmentRate: ratio(tally.contained, tally.aiHandled),
    escalationRate: ratio(tally.escalated, tally.aiHandled),
    fcrRate: ratio(tally.firstContactResolved, tally.resolved),
    reopenRate: ratio(tally.reopenedResolved, tally.resolved),
    aiCostPerAiResolutionUsd: moneyOrNull(ratio(llmCostUsd + aiFixedCostUsd, tally.aiResolved)),
  };
}

/**
 * `figures` with the human baseline and the savings estimated against it (all `null` without a
 * baseline), computed from the figures as reported so that a reader can redo the arithmetic:
 * `savingsUsd` = baseline x `resolved` - `totalCostUsd`, `savingsPerResolutionUsd` = baseline -
 * `costPerResolutionUsd`.
 */
export function withSavings(figures: Omit<ReportFigures, SavingsFigure>, humanBaselineCprUsd: number | null): ReportFigures {
  const { resolved, totalCostUsd, costPerResolutionUsd } = figures;
  return {
    ...figures,
    humanBaselineCprUsd,
    savingsUsd: humanBaselineCprUsd === null ? null : money(humanBaselineCprUsd * resolved - totalCostUsd),
    savingsPerResolutionUsd: humanBaselineCprUsd === null || costPerResolutionUsd === null ? null
      : money(humanBaselineCprUsd - costPerResolutionUsd),
  };
}
