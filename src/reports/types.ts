import type { TimeWindow } from '../ledger/ledger.js';
import type { StatusChange } from '../tickets/ticket-status.js';
import type { FixedCostEvent } from '../tickets/types.js';
import type { RateSchedule } from '../ledger/settings.js';

/** How a report's groups are formed: by a ticket attribute, or by UTC period of resolution (opening, for unresolved tickets). */
export type GroupBy = 'category' | 'channel' | 'day' | 'week' | 'month';

/** Every {@link GroupBy}, for option parsing. */
export const GROUP_BYS: readonly GroupBy[] = ['category', 'channel', 'day', 'week', 'month'];

/** The key of tickets without the attribute a report is grouped by. */
export const NO_GROUP_KEY = '(none)';

/** LLM calls summed: counts, tokens, and the cost of the priced ones. */
export interface LlmSpend {
  calls: number;
  /** Calls with no known price: not in `costUsd`. */
  unpricedCalls: number;
  /** Calls whose usage was estimated with a tokenizer. */
  estimatedCalls: number;
  inputTokens: number;
  /** Cache-read tokens (a part of `inputTokens`). */
  cachedInputTokens: number;
  outputTokens: number;
  /** Reasoning tokens (a part of `outputTokens`). */
  reasoningTokens: number;
  /** USD, priced calls only. */
  costUsd: number;
}

/** {@link LlmSpend} of one response model (the request model when the response named none). */
export interface ModelSpend extends LlmSpend {
  model: string;
}

/**
 * What the report needs to know about one ticket, as of the window's end (`to`): everything
 * recorded before `to`, whenever it arrived. Conversation-named events are already resolved to
 * their ticket.
 */
export interface TicketFacts {
  ticketId: string;
  category: string | null;
  channel: string | null;
  /** Earliest of its `ticket.opened` events and its first activity. */
  openedAt: number;
  /** Distinct conversations recorded for it (linked, with calls, or named by its events). */
  conversations: number;
  /** Of those, the ones with at least one LLM call. */
  conversationsWithLlmCalls: number;
  /** Its LLM calls (of every status) before `to`, per model; empty when it has none. */
  llm: ModelSpend[];
  /** Its human work before `to`, priced (explicit amounts, else seconds at the hourly rate). */
  humanCostUsd: number;
  /** Handoffs before `to`. */
  handoffs: number;
  /** Resolutions, reopens and first conversation links, in time order (ties: arrival). */
  statusChanges: StatusChange[];
  /**
   * True when nothing but resolutions, reopens and handoffs names it: no `ticket.opened`, no
   * conversation linked, no LLM call, no human work. Resolved, such a ticket is a free
   * human-only resolution, most likely a ticket id the helpdesk and the bot spell differently
   * (`1042` and `T-1042`). Default false.
   */
  withoutActivity?: boolean;
}

/** Where a ticket's journey went and how it ended, as the report's definitions classify it. */
export interface TicketOutcome {
  resolved: boolean;
  /** It had at least one LLM call. */
  aiHandled: boolean;
  /** AI-handled, and a human took over (a handoff, or a human resolution at any time). */
  escalated: boolean;
  /** It went from resolved back to open at least once. */
  reopened: boolean;
  /** At most one conversation: resolved at first contact when resolved and never reopened. */
  firstContact: boolean;
  /** {@link TicketFacts.withoutActivity}. */
  withoutActivity: boolean;
}

/**
 * Tickets in a report's scope that it treats alike, summed: same category and channel, same
 * UTC day of their key time (resolution, else opening), same {@link TicketOutcome}. A ledger
 * that keeps tickets' facts between reports gives most tickets this way, which spares reading
 * them one by one.
 */
export interface TicketClass extends TicketOutcome {
  /** How many tickets. */
  tickets: number;
  category: string | null;
  channel: string | null;
  /** Start (ms since the epoch) of the UTC day of the tickets' key times, which are all in the window. */
  day: number;
  conversations: number;
  conversationsWithLlmCalls: number;
  llm: LlmSpend;
  humanCostUsd: number;
}

/** A fixed cost over `[from, to)`: the fields of its `cost.fixed` event. */
export type FixedCost = Pick<FixedCostEvent, 'amountUsd' | 'from' | 'to' | 'appliesTo' | 'category' | 'note'>;

/**
 * Everything {@link computeReport} reads, loaded by the ledger for one window. `tickets` may
 * hold tickets outside the scope (the computation selects), but `tickets` and `ticketClasses`
 * together must hold every ticket in it, once.
 */
export interface ReportInput {
  window: TimeWindow;
  /** USD per hour human work without an explicit amount was priced at: the rate in effect at the window's end. */
  humanHourlyRate: number;
  /** Every rate used, and where they come from (shown in reports). Default: `humanHourlyRate` alone, given for the report. */
  humanHourlyRates?: RateSchedule;
  tickets: TicketFacts[];
  /** More tickets in scope, summed by class (none of them is in `tickets`). Default: none. */
  ticketClasses?: TicketClass[];
  /** The LLM spend of the tickets of `ticketClasses`, per model. Default: none. */
  ticketClassModels?: ModelSpend[];
  /** Calls in the window with neither conversation nor ticket, per model. */
  unattributed: ModelSpend[];
  /** Fixed costs whose range overlaps the window. */
  fixedCosts: FixedCost[];
}

/**
 * The figures of `../shared/cpr-definitions.md`, under its names, plus a few the formatters
 * show: `estimatedLlmCalls`, and the loaded costs of the two journeys (`aiJourneyCostUsd`,
 * `humanOnlyCostUsd`). Money in USD; a ratio over 0 is `null`.
 */
export interface ReportFigures {
  tickets: number;
  resolved: number;
  unresolved: number;
  aiHandled: number;
  contained: number;
  escalated: number;
  humanOnly: number;
  aiResolved: number;
  escalatedResolved: number;
  humanOnlyResolved: number;
  conversations: number;
  llmCalls: number;
  unpricedLlmCalls: number;
  estimatedLlmCalls: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  llmCostUsd: number;
  unattributedLlmCostUsd: number;
  humanCostUsd: number;
  fixedCostUsd: number;
  totalCostUsd: number;
  /** Loaded cost of the AI-handled tickets. */
  aiJourneyCostUsd: number;
  /** Loaded cost of the human-only tickets. */
  humanOnlyCostUsd: number;
  costPerResolutionUsd: number | null;
  aiJourneyCostPerResolutionUsd: number | null;
  naiveAiCostPerResolutionUsd: number | null;
  humanOnlyCostPerResolutionUsd: number | null;
  costPerConversationUsd: number | null;
  automationRate: number | null;
  containmentRate: number | null;
  escalationRate: number | null;
  fcrRate: number | null;
  reopenRate: number | null;
}

/** The figures of one group. */
export interface ReportGroup extends ReportFigures {
  key: string;
}

/** Spend of one response model over the report's calls. `costUsd` is `null` when none of its calls was priced. */
export interface ModelReport {
  model: string;
  calls: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: number | null;
  unpricedCalls: number;
}

/** The report, as `GET /api/report` and `cpr-meter report --format json` answer it. */
export interface Report {
  window: { from: string; to: string };
  currency: 'USD';
  groupBy: GroupBy | null;
  /** USD per hour of human work without an amount, in effect at the window's end (see `humanHourlyRates`). */
  humanHourlyRate: number;
  /**
   * The hourly rates human work was priced at: the ledger's (each from the time it took effect,
   * `from: null` since always), the default (the ledger has none), or one given for this report.
   */
  humanHourlyRates: { source: RateSchedule['source']; rates: Array<{ from: string | null; usdPerHour: number }> };
  totals: ReportFigures;
  /** Unattributed spend and fixed costs that found no ticket to go to (included in `totals.totalCostUsd`). */
  unallocatedCostUsd: number;
  /** Empty when not grouped. Groups' `totalCostUsd` plus `unallocatedCostUsd` add up to the total. */
  groups: ReportGroup[];
  /** Costliest first. */
  models: ModelReport[];
  /**
   * Resolved tickets in scope with no opening, no conversation, no LLM call and no human work
   * (only a `ticket.resolved`): each counts as a free human-only resolution. See `warnings`.
   */
  resolvedWithoutActivity: number;
  /** What a reader must know before trusting the numbers; empty when there is nothing to say. */
  warnings: ReportWarning[];
}

/** One warning of a report (also printed as a `WARNING` line by the table and HTML formats). */
export interface ReportWarning {
  /** `unpriced_calls`, `estimated_usage`, `resolved_without_activity`. */
  code: string;
  message: string;
}
