import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/ledger/open-ledger.js';
import { computeReport } from '../../src/reports/compute-report.js';
import type { GroupBy, ReportInput } from '../../src/reports/types.js';
import { validateEvents } from '../../src/tickets/validate-events.js';
import { LEDGER_STORES, useLedgerStore, type StoreUnderTest } from '../support/ledger-stores.js';

/**
 * The ledger keeps tickets' facts between reports, classified (report-cache.ts), and recomputes
 * only what changed. Whatever happens between two reports (calls, events in any order and at any
 * time, conversations relinked, calls pruned or repriced, the ledger's hourly rate changed,
 * another connection reporting too), a
 * report must be exactly the report of every ticket computed from scratch: the same SQL run over
 * the whole ledger, each ticket classified by computeReport itself. On both stores: on
 * PostgreSQL, the three connections are three replicas, one of which never folds.
 */

const RUNS = Number(process.env.CPR_PROPERTY_RUNS ?? 150);
/** PostgreSQL answers each step over a socket: fewer histories, the same property. */
const PG_RUNS = Number(process.env.CPR_PROPERTY_RUNS ?? 40);
const T = Date.UTC(2026, 9, 10);
const HOUR = 3_600_000;
const TICKETS = ['T1', 'T2', 'T3'];
const CONVERSATIONS = ['c1', 'c2', 'c3', 'c4'];

const at = fc.integer({ min: 0, max: 12 }).map((h) => T + h * HOUR);
// A ticket id may be a conversation's: handoffs, work and status changes of its implicit ticket, named by id.
const ticketOrConversation = fc.oneof(
  fc.record({ ticketId: fc.constantFrom(...TICKETS, 'c1', 'c2') }),
  fc.record({ conversationId: fc.constantFrom(...CONVERSATIONS) }),
);

type Op =
  | { op: 'call'; conversationId: string | null; ticketId: string | null; at: number; costUsd: number | null; model: string }
  | { op: 'event'; event: Record<string, unknown> }
  | { op: 'report'; from: number; to: number; rate: number | undefined; connection: 0 | 1 | 2; groupBy: GroupBy | undefined }
  | { op: 'rate'; from: number | null; value: number }
  | { op: 'prune'; before: number }
  | { op: 'reprice'; factor: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({
    op: fc.constant('call' as const),
    conversationId: fc.option(fc.constantFrom(...CONVERSATIONS, 'T1')),
    ticketId: fc.option(fc.constantFrom(...TICKETS)),
    at,
    costUsd: fc.option(fc.integer({ min: 1, max: 1000 }).map((n) => n / 1000)),
    model: fc.constantFrom('gpt-4o-mini', 'gpt-4o'),
  }) },
  { weight: 5, arbitrary: fc.oneof(
    // A conversation's id too: the implicit ticket the proxy opens from x-cpr-category, left behind when the conversation is linked elsewhere.
    // A later ticket.opened may change the customer: reports grouped by customer read it as it stands.
    fc.record({ type: fc.constant('ticket.opened'), ticketId: fc.constantFrom(...TICKETS, 'c1', 'c2'), at, category: fc.option(fc.constantFrom('billing', 'shipping'), { nil: undefined }),
      customerId: fc.option(fc.constantFrom('acme', 'globex'), { nil: undefined }) }),
    fc.record({ type: fc.constant('conversation.linked'), conversationId: fc.constantFrom(...CONVERSATIONS), ticketId: fc.constantFrom(...TICKETS), at }),
    fc.tuple(ticketOrConversation, at).map(([who, when]) => ({ type: 'handoff', ...who, at: when })),
    fc.tuple(ticketOrConversation, at, fc.integer({ min: 0, max: 3600 }), fc.option(fc.constantFrom(5, 12.5), { nil: undefined }))
      .map(([who, when, seconds, costUsd]) => ({ type: 'human.work', ...who, at: when, seconds, costUsd })),
    fc.tuple(ticketOrConversation, at, fc.constantFrom('ai', 'human'), fc.boolean())
      .map(([who, when, by, confirmed]) => ({ type: 'ticket.resolved', ...who, at: when, by, confirmed })),
    fc.tuple(ticketOrConversation, at).map(([who, when]) => ({ type: 'ticket.reopened', ...who, at: when })),
  ).map((event) => ({ op: 'event' as const, event: { ...event, at: new Date(event.at as number).toISOString() } })) },
  // A report priced at the ledger's rates (undefined), or at a rate of its own.
  { weight: 3, arbitrary: fc.tuple(at, fc.integer({ min: 0, max: 14 }), fc.constantFrom(undefined, 0, 40), fc.constantFrom<0 | 1 | 2>(0, 1, 2),
    fc.constantFrom<GroupBy | undefined>(undefined, 'category', 'customer', 'day'))
    .map(([from, hours, rate, connection, groupBy]): Op => ({ op: 'report', from: from - 2 * HOUR, to: from - 2 * HOUR + hours * HOUR, rate, connection, groupBy })) },
  fc.record({ op: fc.constant('prune' as const), before: at }),
  // The ledger's hourly rate changes: since always, or from a time on (the work before keeps its rate).
  fc.record({ op: fc.constant('rate' as const), from: fc.option(at), value: fc.constantFrom(30, 55, 70) }),
  fc.record({ op: fc.constant('reprice' as const), factor: fc.constantFrom(0.5, 2) }),
);

/** Every number to 9 significant digits: sums taken in another order differ in the last bits. */
function rounded(value: unknown): unknown {
  if (typeof value === 'number') return Number(value.toPrecision(9));
  if (Array.isArray(value)) return value.map(rounded);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  return value;
}

/** The report of `input`, and the report of the same window with every ticket computed from scratch (at the same rate, if it had its own). */
async function reports(store: StoreUnderTest, input: ReportInput, { groupBy, rate }: { groupBy: GroupBy | undefined; rate: number | undefined }) {
  const tickets = await store.foldTicketFacts({ window: input.window, humanHourlyRate: rate });
  const scratch: ReportInput = { ...input, tickets, ticketClasses: undefined, ticketClassModels: undefined };
  return { actual: rounded(computeReport(input, { groupBy })), expected: rounded(computeReport(scratch, { groupBy })) };
}

describe.each(LEDGER_STORES)('the report cache on $kind', (factory) => {
  const store = useLedgerStore(factory);
  it('gives, after any history, what computing from scratch gives', async () => {
    let runs = 0;
    const s = store.current;
    // Two more connections to the same ledger: one whose reports keep tickets the first one then
    // reads, and a reader, which keeps nothing and folds what changed every time.
    const connections: Ledger[] = [s.ledger, await s.openAnother(), await s.openReader()];
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
      await s.reset();
      runs += 1;
      {
        let callId = 0;
        for (const step of ops) {
          switch (step.op) {
            case 'call':
              await s.insertCalls([{ id: `${runs}-${(callId += 1)}`, startedAt: step.at, conversationId: step.conversationId,
                ticketId: step.ticketId, costUsd: step.costUsd, responseModel: step.model, usage: { inputTokens: 10, outputTokens: 5 } }]);
              break;
            case 'event': {
              const validated = validateEvents([step.event], { now: () => T });
              if (!validated.ok) throw new Error(validated.error.message);
              await s.ledger.recordEvents(validated.events);
              break;
            }
            case 'prune':
              await s.ledger.pruneCalls({ before: step.before, pauseMs: 0 });
              break;
            case 'rate':
              await s.ledger.writeSetting({ name: 'human-hourly-rate', effectiveFrom: step.from, value: step.value, setAt: T });
              break;
            case 'reprice':
              await s.execute('UPDATE llm_calls SET cost_usd = cost_usd * $1', [step.factor]);
              break;
            case 'report': {
              const window = { from: step.from, to: step.to };
              const input = await connections[step.connection]!.reportInput({ window, humanHourlyRate: step.rate, groupBy: step.groupBy });
              const { actual, expected } = await reports(s, input, { groupBy: step.groupBy, rate: step.rate });
              expect(actual).toEqual(expected);
              break;
            }
          }
        }
        // And a report of everything, at the end.
        const window = { from: T - 24 * HOUR, to: T + 24 * HOUR };
        const { actual, expected } = await reports(s, await s.ledger.reportInput({ window }), { groupBy: 'category', rate: undefined });
        expect(actual).toEqual(expected);
        const byCustomer = await reports(s, await s.ledger.reportInput({ window, humanHourlyRate: 40, groupBy: 'customer' }),
          { groupBy: 'customer', rate: 40 });
        expect(byCustomer.actual).toEqual(byCustomer.expected);
      }
    }), { numRuns: factory.kind === 'sqlite' ? RUNS : PG_RUNS });
    // 150 histories take 3 to 4 s of CPU; on two cores shared with other work, several times that.
  }, 120_000);
});
