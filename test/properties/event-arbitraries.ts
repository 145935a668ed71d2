import fc from 'fast-check';
import { EVENT_TYPES } from '../../src/tickets/types.js';

/**
 * Generators of incoming events for the property tests: objects shaped like each event type
 * with any field missing or holding a wrong value, and JSON that is no event at all.
 */

const FIELDS = ['eventId', 'at', 'ticketId', 'conversationId', 'category', 'channel', 'customerId', 'reason', 'queue',
  'agentId', 'seconds', 'costUsd', 'by', 'confirmed', 'amountUsd', 'from', 'to', 'appliesTo', 'note'] as const;

/** A value for any field: right for some fields, wrong for others. */
const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  fc.string({ minLength: 250, maxLength: 270 }),
  fc.string({ maxLength: 6, unit: 'binary' }),
  fc.constantFrom('ai', 'human', 'shared', '2026-11-02T09:30:00Z', '2026-11-02T09:30:00+02:00', '2026-13-40T99:00:00Z',
    '2026-11-02', 'T-1', 'conv-1', '', 'a\u0007b', 'a\u0085b'),
  fc.double(),
  fc.nat(),
  fc.constantFrom(1e308, -1, 0, Number.MAX_SAFE_INTEGER),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);

/** An event-like object: a known (or unknown) type and a random subset of the fields. */
export const eventLike: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.oneof({ weight: 5, arbitrary: fc.constantFrom<unknown>(...EVENT_TYPES) }, fc.constantFrom<unknown>('ticket.closed', '', 3, null)),
    fc.dictionary(fc.constantFrom(...FIELDS), fieldValue, { maxKeys: 8 }),
    fc.boolean(),
  )
  .map(([type, fields, typed]) => (typed ? { type, ...fields } : fields));

/** An event that should be accepted: helps the properties reach the store as well as the refusals. */
export const validEvent: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ type: fc.constant('ticket.opened'), ticketId: fc.constantFrom('T-1', 'T-2', '<b>T</b>'),
    category: fc.constantFrom('billing', 'returns', '=cmd'), eventId: fc.uuid() }, { requiredKeys: ['type', 'ticketId'] }),
  fc.record({ type: fc.constant('human.work'), ticketId: fc.constantFrom('T-1', 'T-2'), seconds: fc.double({ min: 0, max: 1e6, noNaN: true }) }),
  fc.record({ type: fc.constant('ticket.resolved'), conversationId: fc.constantFrom('c-1', 'c-2'), by: fc.constantFrom('ai', 'human') }),
  fc.record({ type: fc.constant('cost.fixed'), amountUsd: fc.double({ min: 0, max: 1e6, noNaN: true }), from: fc.constant('2026-01-01T00:00:00Z'),
    to: fc.constant('2026-12-01T00:00:00Z'), appliesTo: fc.constantFrom('ai', 'human', 'shared') }),
);

/** What arrives as a request body: one event, a batch, or any JSON value. */
export const eventInput: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: eventLike },
  { weight: 2, arbitrary: validEvent },
  fc.array(fc.oneof(eventLike, validEvent), { maxLength: 5 }),
  fc.jsonValue({ maxDepth: 3 }),
);
