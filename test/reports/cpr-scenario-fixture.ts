/**
 * The hand-computed scenario of issue 3, shared by the report, API and CLI tests.
 *
 * Window: [2026-10-01, 2026-11-01) UTC, human work at 40 USD/h. Every call has usage
 * input 1000 (cache-read 200), output 300 (reasoning 100). The tickets:
 *
 * Customers: acme = T1 T3 T6 T9 T10; globex = T4 T5 T7 T8; none = C2 T12 (and T11, T13, out of scope).
 *
 * | ticket | category | path | status at `to` | LLM | human |
 * | T1  | billing  | contained       | resolved by ai                          | 0.10+0.20 = 0.30 | 0 |
 * | C2  | (none)   | contained       | resolved by ai (implicit ticket)        | 0.05+0.15 = 0.20 | 0 |
 * | T3  | billing  | escalated (handoff) | resolved by human                  | 0.40 | 1800 s at 40/h = 20.00 |
 * | T4  | shipping | escalated (resolved by human) | resolved; + 1 unpriced call | 0.60 | 7.50 explicit |
 * | T5  | shipping | human-only      | resolved by human                       | 0 | 3600 s = 40.00 |
 * | T6  | billing  | human-only      | unresolved, opened in window            | 0 | 900 s = 10.00 |
 * | T7  | billing  | contained       | unresolved (gave up; its call errored)  | 0.25 | 0 |
 * | T8  | shipping | contained       | resolved, follow-up conversation = reopen, resolved again | 0.10+0.30 = 0.40 | 0 |
 * | T9  | billing  | escalated (handoff) | resolved, explicit reopen, resolved by human | 0.50 | 1350 s = 15.00 |
 * | T10 | billing  | contained       | resolved Oct 1, its only call on Sep 28 | 0.70 | 0 |
 * | T11 | billing  | out of scope: resolved Sep 21               | 1.00 | 0 |
 * | T12 | returns  | contained       | unresolved at `to` (resolved Nov 1 05:00, after the window) | 0.15 | 0 |
 * | T13 | billing  | out of scope: everything after `to`         | 3.00 | 0 |
 *
 * Unattributed calls: 0.90 (Oct 15) and 0.27 (Oct 20, estimated usage) in the window; 5.00
 * (Sep 30) and 2.00 (exactly Nov 1 00:00 = `to`) outside. Fixed costs: ai 279 over October
 * (all in), human 62 over Oct 17 - Nov 17 (15 of 31 days in: 30.00), shared 55 over Oct 1 - 11
 * (all in), shared 1000 over December (out).
 */
import type { Database } from 'better-sqlite3';
import { insertCalls } from '../support/open-test-db.js';
import type { TestCall } from '../support/open-test-db.js';
import { insertEvents } from '../../src/ledger/sqlite/ticket-store.js';
import { validateEvents } from '../../src/tickets/validate-events.js';
import type { CprEvent } from '../../src/tickets/types.js';

/** `2026-10-DD HH:MM` UTC, in ms; `month` 8 = September, 10 = November, 11 = December (0-based). */
export const at = (day: number, hour = 0, minute = 0, month = 9): number => Date.UTC(2026, month, day, hour, minute);
const iso = (ms: number): string => new Date(ms).toISOString();

export const WINDOW = { from: at(1), to: at(1, 0, 0, 10) };
export const WINDOW_ISO = { from: iso(WINDOW.from), to: iso(WINDOW.to) };
export const HUMAN_HOURLY_RATE = 40;

/** The events, as JSON would carry them. Deliberately out of time order: arrival order must not matter. */
export const SCENARIO_EVENTS: Array<Record<string, unknown>> = [
  // T3's handoff names its conversation and arrives before the link that gives C3 its ticket.
  { type: 'handoff', eventId: 'h-3', at: iso(at(4, 10, 10)), conversationId: 'C3', reason: 'billing dispute' },
  { type: 'ticket.opened', eventId: 'o-1a', at: iso(at(2, 10)), ticketId: 'T1', channel: 'chat', customerId: 'acme' },
  { type: 'ticket.opened', eventId: 'o-1b', at: iso(at(2, 11)), ticketId: 'T1', category: 'billing' },
  { type: 'conversation.linked', eventId: 'l-1', at: iso(at(2, 10)), conversationId: 'C1', ticketId: 'T1' },
  { type: 'ticket.resolved', eventId: 'r-1', at: iso(at(2, 10, 5)), ticketId: 'T1', by: 'ai', confirmed: true },
  { type: 'ticket.resolved', eventId: 'r-2', at: iso(at(3, 12)), conversationId: 'C2', by: 'ai' },
  { type: 'ticket.opened', eventId: 'o-3', at: iso(at(4, 10)), ticketId: 'T3', category: 'billing', channel: 'chat', customerId: 'acme' },
  { type: 'conversation.linked', eventId: 'l-3', at: iso(at(4, 10)), conversationId: 'C3', ticketId: 'T3' },
  { type: 'human.work', eventId: 'w-3', at: iso(at(4, 14)), ticketId: 'T3', seconds: 1800, agentId: 'ana' },
  { type: 'ticket.resolved', eventId: 'r-3', at: iso(at(4, 15)), ticketId: 'T3', by: 'human' },
  { type: 'ticket.opened', eventId: 'o-4', at: iso(at(5, 9)), ticketId: 'T4', category: 'shipping', channel: 'email', customerId: 'globex' },
  { type: 'conversation.linked', eventId: 'l-4', at: iso(at(5, 9)), conversationId: 'C4', ticketId: 'T4' },
  { type: 'human.work', eventId: 'w-4', at: iso(at(5, 11)), ticketId: 'T4', seconds: 600, costUsd: 7.5 },
  { type: 'ticket.resolved', eventId: 'r-4', at: iso(at(5, 12)), ticketId: 'T4', by: 'human' },
  { type: 'ticket.opened', eventId: 'o-5', at: iso(at(6, 9)), ticketId: 'T5', category: 'shipping', channel: 'phone', customerId: 'globex' },
  { type: 'human.work', eventId: 'w-5', at: iso(at(6, 10)), ticketId: 'T5', seconds: 3600 },
  { type: 'ticket.resolved', eventId: 'r-5', at: iso(at(6, 11)), ticketId: 'T5', by: 'human', confirmed: true },
  { type: 'ticket.opened', eventId: 'o-6', at: iso(at(7, 9)), ticketId: 'T6', category: 'billing', channel: 'phone', customerId: 'acme' },
  { type: 'human.work', eventId: 'w-6', at: iso(at(7, 10)), ticketId: 'T6', seconds: 900 },
  { type: 'ticket.opened', eventId: 'o-7', at: iso(at(8, 9)), ticketId: 'T7', category: 'billing', channel: 'chat', customerId: 'globex' },
  { type: 'conversation.linked', eventId: 'l-7', at: iso(at(8, 9)), conversationId: 'C7', ticketId: 'T7' },
  { type: 'ticket.opened', eventId: 'o-8', at: iso(at(10, 9)), ticketId: 'T8', category: 'shipping', channel: 'chat', customerId: 'globex' },
  { type: 'conversation.linked', eventId: 'l-8a', at: iso(at(10, 9)), conversationId: 'C8a', ticketId: 'T8' },
  { type: 'ticket.resolved', eventId: 'r-8a', at: iso(at(10, 10)), ticketId: 'T8', by: 'ai' },
  // The follow-up contact: a new conversation linked after the resolution reopens T8.
  { type: 'conversation.linked', eventId: 'l-8b', at: iso(at(12, 9)), conversationId: 'C8b', ticketId: 'T8' },
  { type: 'ticket.resolved', eventId: 'r-8b', at: iso(at(12, 10)), ticketId: 'T8', by: 'ai' },
  { type: 'ticket.opened', eventId: 'o-9', at: iso(at(14, 9)), ticketId: 'T9', category: 'billing', channel: 'email', customerId: 'acme' },
  { type: 'conversation.linked', eventId: 'l-9', at: iso(at(14, 9)), conversationId: 'C9', ticketId: 'T9' },
  { type: 'ticket.resolved', eventId: 'r-9a', at: iso(at(14, 12)), ticketId: 'T9', by: 'ai' },
  { type: 'ticket.reopened', eventId: 'ro-9', at: iso(at(15, 9)), ticketId: 'T9' },
  { type: 'handoff', eventId: 'h-9', at: iso(at(15, 9, 5)), ticketId: 'T9', queue: 'tier-2' },
  { type: 'human.work', eventId: 'w-9', at: iso(at(15, 15)), conversationId: 'C9', seconds: 1350 },
  { type: 'ticket.resolved', eventId: 'r-9b', at: iso(at(15, 16)), ticketId: 'T9', by: 'human' },
  { type: 'ticket.opened', eventId: 'o-10', at: iso(at(28, 9, 0, 8)), ticketId: 'T10', category: 'billing', channel: 'chat', customerId: 'acme' },
  { type: 'conversation.linked', eventId: 'l-10', at: iso(at(28, 9, 0, 8)), conversationId: 'C10', ticketId: 'T10' },
  { type: 'ticket.resolved', eventId: 'r-10', at: iso(at(1, 8)), ticketId: 'T10', by: 'ai' },
  { type: 'ticket.opened', eventId: 'o-11', at: iso(at(20, 9, 0, 8)), ticketId: 'T11', category: 'billing' },
  { type: 'conversation.linked', eventId: 'l-11', at: iso(at(20, 9, 0, 8)), conversationId: 'C11', ticketId: 'T11' },
  { type: 'ticket.resolved', eventId: 'r-11', at: iso(at(21, 9, 0, 8)), ticketId: 'T11', by: 'ai' },
  { type: 'ticket.opened', eventId: 'o-12', at: iso(at(30, 9)), ticketId: 'T12', category: 'returns', channel: 'chat' },
  { type: 'conversation.linked', eventId: 'l-12', at: iso(at(30, 9)), conversationId: 'C12', ticketId: 'T12' },
  { type: 'ticket.resolved', eventId: 'r-12', at: iso(at(1, 5, 0, 10)), ticketId: 'T12', by: 'ai' },
  { type: 'ticket.opened', eventId: 'o-13', at: iso(at(2, 9, 0, 10)), ticketId: 'T13', category: 'billing' },
  { type: 'conversation.linked', eventId: 'l-13', at: iso(at(2, 9, 0, 10)), conversationId: 'C13', ticketId: 'T13' },
  { type: 'cost.fixed', eventId: 'f-ai', amountUsd: 279, from: iso(at(1)), to: iso(at(1, 0, 0, 10)), appliesTo: 'ai', category: 'platform' },
  { type: 'cost.fixed', eventId: 'f-human', amountUsd: 62, from: iso(at(17)), to: iso(at(17, 0, 0, 10)), appliesTo: 'human', note: 'helpdesk seats' },
  { type: 'cost.fixed', eventId: 'f-shared', amountUsd: 55, from: iso(at(1)), to: iso(at(11)), appliesTo: 'shared' },
  { type: 'cost.fixed', eventId: 'f-dec', amountUsd: 1000, from: iso(at(1, 0, 0, 11)), to: iso(at(1, 0, 0, 12)), appliesTo: 'shared' },
];

const usage = { inputTokens: 1000, cacheReadTokens: 200, outputTokens: 300, reasoningTokens: 100 };
const call = (id: string, startedAt: number, conversationId: string | null, costUsd: number | null, responseModel = 'gpt-4o-mini', extra: Partial<TestCall> = {}): TestCall =>
  ({ id, startedAt, conversationId, costUsd, responseModel, usage, ...extra });

/** The LLM calls, as the proxy would have recorded them. */
export const SCENARIO_CALLS: TestCall[] = [
  call('c1a', at(2, 10, 1), 'C1', 0.1), call('c1b', at(2, 10, 2), 'C1', 0.2),
  call('c2a', at(3, 11), 'C2', 0.05), call('c2b', at(3, 11, 30), 'C2', 0.15),
  call('c3', at(4, 10, 5), 'C3', 0.4, 'gpt-4o'),
  call('c4', at(5, 9, 5), 'C4', 0.6, 'gpt-4o'), call('c4x', at(5, 9, 6), 'C4', null, 'mystery-model'),
  call('c7', at(8, 9, 5), 'C7', 0.25, 'gpt-4o-mini', { status: 'error' }),
  call('c8a', at(10, 9, 5), 'C8a', 0.1), call('c8b', at(12, 9, 1), 'C8b', 0.3, 'gpt-4o'),
  call('c9', at(14, 9, 5), 'C9', 0.5, 'gpt-4o'),
  call('c10', at(28, 9, 5, 8), 'C10', 0.7, 'gpt-4o'),
  call('c11', at(20, 9, 5, 8), 'C11', 1.0, 'gpt-4o'),
  call('c12', at(30, 9, 5), 'C12', 0.15),
  call('c13', at(2, 9, 5, 10), 'C13', 3.0, 'gpt-4o'),
  call('u1', at(15, 12), null, 0.9), call('u2', at(20, 12), null, 0.27, 'gpt-4o-mini', { estimated: true }),
  call('u0', at(30, 12, 0, 8), null, 5.0), call('u3', at(1, 0, 0, 10), null, 2.0),
];

/** Stores the scenario in a migrated database: events through `insertEvents`, calls as rows. */
export function loadScenario(db: Database): void {
  const result = validateEvents(SCENARIO_EVENTS, { now: () => at(31, 23) });
  if (!result.ok) throw new Error(result.error.message);
  insertEvents(db, result.events);
  insertCalls(db, SCENARIO_CALLS);
}

/** {@link loadScenario} into a store of either kind, through the ledger's contract (calls as the proxy would write them). */
export async function loadScenarioInto(store: { ledger: { recordEvents: (events: CprEvent[]) => Promise<unknown> }; insertCalls: (calls: readonly TestCall[]) => Promise<void> }): Promise<void> {
  const result = validateEvents(SCENARIO_EVENTS, { now: () => at(31, 23) });
  if (!result.ok) throw new Error(result.error.message);
  await store.ledger.recordEvents(result.events);
  await store.insertCalls(SCENARIO_CALLS);
}
