import { classifyTicket } from '../../reports/classify-ticket.js';
import { addSpend } from '../../reports/figures.js';
import type { LlmSpend, ModelSpend, TicketClass, TicketFacts } from '../../reports/types.js';
import { ticketStatus, type StatusChange } from '../../tickets/ticket-status.js';

/**
 * The rows a report reads, and what each becomes:
 *
 * - a *facts row* (`FACTS_COLUMNS` of `ticket-facts-sql.ts`), computed for a window, with the
 *   ticket's status timeline as JSON: {@link TicketFacts};
 * - a *kept row* (`report_ticket_facts`, `report_ticket_models`): a facts row as of the ticket's
 *   last fact, classified by {@link classifyTicket} as a report ending after that fact would
 *   classify it ({@link factsRowToKept});
 * - a *class row*: kept rows summed in SQL by everything a report groups and counts by:
 *   {@link TicketClass} ({@link classRowToClass}).
 */

/** The LLM spend columns of both kept tables, in the order of {@link spendValues}. */
const SPEND_COLUMNS = ['calls', 'unpriced', 'estimated', 'input_tokens', 'cached_tokens', 'output_tokens', 'reasoning_tokens', 'cost_usd'] as const;

/** The columns of `report_ticket_facts`, in order. */
export const KEPT_COLUMNS = ['ticket_id', 'opened_at', 'last_at', 'key_time', 'key_day', 'outcome', 'category', 'channel',
  'conversations', 'with_calls', ...SPEND_COLUMNS, 'human_cost_usd', 'human_unpriced_seconds', 'human_rated_usd', 'customer_id'] as const;

/** The columns of `report_ticket_models`, in order. */
export const KEPT_MODEL_COLUMNS = ['ticket_id', 'model', 'key_time', 'last_at', ...SPEND_COLUMNS] as const;

const DAY = 86_400_000;
const RESOLVED = 1;
const AI_HANDLED = 2;
const ESCALATED = 4;
const REOPENED = 8;
const FIRST_CONTACT = 16;
const WITHOUT_ACTIVITY = 32;

/**
 * A facts row as {@link TicketFacts}: human work without an amount priced at `humanHourlyRate`
 * when a report gives one, else (`null`) at the ledger's rates in effect when it was done.
 */
export function factsRowToTicket(row: unknown[], humanHourlyRate: number | null): TicketFacts {
  return {
    ticketId: row[0] as string,
    category: row[1] as string | null,
    channel: row[2] as string | null,
    customerId: row[14] as string | null,
    openedAt: row[3] as number,
    conversations: row[5] as number,
    conversationsWithLlmCalls: row[6] as number,
    llm: row[7] === null ? [] : byModel(JSON.parse(row[7] as string) as unknown[][]),
    humanCostUsd: humanCost({ explicitUsd: row[8] as number, unpricedSeconds: row[9] as number, ratedUsd: row[13] as number,
      humanHourlyRate }),
    handoffs: row[10] as number,
    statusChanges: parseChanges(row[11]),
    withoutActivity: row[12] === 1,
  };
}

/** A facts row (as of every fact) as the kept rows of its ticket: `report_ticket_facts`'s, and one `report_ticket_models` row per model. */
export function factsRowToKept(row: unknown[]): { ticket: unknown[]; models: unknown[][] } {
  const facts = factsRowToTicket(row, null);
  const lastAt = row[4] as number;
  const c = classifyTicket(facts, ticketStatus(facts.statusChanges, Number.POSITIVE_INFINITY));
  const outcome = (c.resolved ? RESOLVED : 0) | (c.aiHandled ? AI_HANDLED : 0) | (c.escalated ? ESCALATED : 0)
    | (c.reopened ? REOPENED : 0) | (c.firstContact ? FIRST_CONTACT : 0) | (c.withoutActivity ? WITHOUT_ACTIVITY : 0);
  return {
    ticket: [facts.ticketId, facts.openedAt, lastAt, c.keyTime, c.keyTime - (c.keyTime % DAY), outcome, facts.category, facts.channel, facts.conversations,
      facts.conversationsWithLlmCalls, ...spendValues(c.llm), row[8], row[9], row[13], facts.customerId],
    models: facts.llm.map((m) => [facts.ticketId, m.model, c.keyTime, lastAt, ...spendValues(m)]),
  };
}

/**
 * A class row, `[category, channel, day, outcome, tickets, conversations, withCalls, ...spend,
 * humanCostUsd, humanUnpricedSeconds, humanRatedUsd, customerId?]`, as a {@link TicketClass} (human
 * work priced as {@link factsRowToTicket} prices it). The customer id is there only when the classes
 * were summed by customer too (else `null`: customers mixed).
 */
export function classRowToClass(r: unknown[], humanHourlyRate: number | null): TicketClass {
  const outcome = r[3] as number;
  return {
    category: r[0] as string | null,
    channel: r[1] as string | null,
    customerId: (r[18] ?? null) as string | null,
    day: r[2] as number,
    resolved: (outcome & RESOLVED) !== 0,
    aiHandled: (outcome & AI_HANDLED) !== 0,
    escalated: (outcome & ESCALATED) !== 0,
    reopened: (outcome & REOPENED) !== 0,
    firstContact: (outcome & FIRST_CONTACT) !== 0,
    withoutActivity: (outcome & WITHOUT_ACTIVITY) !== 0,
    tickets: r[4] as number,
    conversations: r[5] as number,
    conversationsWithLlmCalls: r[6] as number,
    llm: toModelSpend(['', ...r.slice(7, 15)]),
    humanCostUsd: humanCost({ explicitUsd: r[15] as number, unpricedSeconds: r[16] as number, ratedUsd: r[17] as number,
      humanHourlyRate }),
  };
}

/** `[model, calls, unpriced, estimated, input, cached, output, reasoning, cost]`. */
export function toModelSpend(r: unknown[]): ModelSpend {
  return {
    model: r[0] as string, calls: r[1] as number, unpricedCalls: r[2] as number, estimatedCalls: r[3] as number,
    inputTokens: r[4] as number, cachedInputTokens: r[5] as number, outputTokens: r[6] as number,
    reasoningTokens: r[7] as number, costUsd: r[8] as number,
  };
}

function spendValues(s: LlmSpend): number[] {
  return [s.calls, s.unpricedCalls, s.estimatedCalls, s.inputTokens, s.cachedInputTokens, s.outputTokens, s.reasoningTokens, s.costUsd];
}

/** Explicit amounts, plus work without one at the report's rate when given, else at the ledger's rates (`ratedUsd`). */
function humanCost({ explicitUsd, unpricedSeconds, ratedUsd, humanHourlyRate }:
  { explicitUsd: number; unpricedSeconds: number; ratedUsd: number; humanHourlyRate: number | null }): number {
  return explicitUsd + (humanHourlyRate === null ? ratedUsd : (unpricedSeconds * humanHourlyRate) / 3600);
}

/** A ticket's per-conversation spend entries, summed by model. */
function byModel(entries: unknown[][]): ModelSpend[] {
  if (entries.length <= 1) return entries.map(toModelSpend);
  const sums = new Map<string, ModelSpend>();
  for (const entry of entries) {
    const spend = toModelSpend(entry);
    const sum = sums.get(spend.model);
    if (sum === undefined) sums.set(spend.model, spend);
    else addSpend(sum, spend);
  }
  return [...sums.values()];
}

/** `['resolved' | 'reopened', at, resolvedBy, confirmed]` or `['linked', at, conversationId]`, as JSON. */
function parseChanges(json: unknown): StatusChange[] {
  if (json === null) return [];
  return (JSON.parse(json as string) as unknown[][]).map((r): StatusChange => {
    const at = r[1] as number;
    if (r[0] === 'resolved') return { kind: 'resolved', at, by: r[2] as 'ai' | 'human', confirmed: r[3] === 1 };
    if (r[0] === 'linked') return { kind: 'linked', at, conversationId: r[2] as string };
    return { kind: 'reopened', at };
  });
}
