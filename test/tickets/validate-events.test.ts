import { describe, expect, it } from 'vitest';
import { validateEvents } from '../../src/tickets/validate-events.js';

const NOW = Date.UTC(2026, 10, 2, 12);
const validate = (input: unknown) => validateEvents(input, { now: () => NOW });

function errorOf(input: unknown) {
  const result = validate(input);
  if (result.ok) throw new Error('expected a validation error');
  return result.error;
}

describe('validateEvents', () => {
  it('accepts each of the seven types and fills defaults', () => {
    const result = validate([
      { type: 'ticket.opened', ticketId: 'T1', category: 'billing', at: '2026-11-01T10:00:00Z' },
      { type: 'conversation.linked', conversationId: 'C1', ticketId: 'T1', at: '2026-11-01T12:00:00+02:00' },
      { type: 'handoff', conversationId: 'C1', reason: 'angry customer', queue: 'tier-2' },
      { type: 'human.work', ticketId: 'T1', seconds: 90, costUsd: 1.25, agentId: 'ana' },
      { type: 'ticket.resolved', ticketId: 'T1', by: 'human', confirmed: true },
      { type: 'ticket.reopened', conversationId: 'C1', eventId: 'e-6' },
      { type: 'cost.fixed', amountUsd: 100, from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z', appliesTo: 'shared', note: 'licence' },
    ]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.events).toEqual([
      { type: 'ticket.opened', eventId: null, at: Date.UTC(2026, 10, 1, 10), ticketId: 'T1', category: 'billing', channel: null, customerId: null },
      { type: 'conversation.linked', eventId: null, at: Date.UTC(2026, 10, 1, 10), conversationId: 'C1', ticketId: 'T1' },
      { type: 'handoff', eventId: null, at: NOW, atDefaulted: true, ticketId: null, conversationId: 'C1', reason: 'angry customer', queue: 'tier-2', agentId: null },
      { type: 'human.work', eventId: null, at: NOW, atDefaulted: true, ticketId: 'T1', conversationId: null, seconds: 90, agentId: 'ana', costUsd: 1.25 },
      { type: 'ticket.resolved', eventId: null, at: NOW, atDefaulted: true, ticketId: 'T1', conversationId: null, by: 'human', confirmed: true },
      { type: 'ticket.reopened', eventId: 'e-6', at: NOW, atDefaulted: true, ticketId: null, conversationId: 'C1' },
      { type: 'cost.fixed', eventId: null, at: NOW, atDefaulted: true, amountUsd: 100, from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 11, 1),
        appliesTo: 'shared', category: null, note: 'licence' },
    ]);
  });

  it('takes one event as well as an array, and a Date for `at` in-process', () => {
    const result = validate({ type: 'ticket.resolved', ticketId: 'T1', by: 'ai', at: new Date(5000) });
    expect(result).toMatchObject({ ok: true, events: [{ at: 5000, confirmed: false }] });
  });

  it('ignores unknown fields (webhooks send more than needed)', () => {
    const result = validate({ type: 'ticket.opened', ticketId: 'T1', priority: 'high', nested: { x: 1 } });
    expect(result.ok && result.events[0]).toEqual({ type: 'ticket.opened', eventId: null, at: NOW, atDefaulted: true, ticketId: 'T1',
      category: null, channel: null, customerId: null });
    // ... and names them, so that a misspelt optional field is not lost in silence.
    expect(result.ok && result.warnings.map((w) => w.field)).toEqual(['priority', 'nested']);
  });

  it('rejects the batch at the first invalid event, naming its index and field', () => {
    const error = errorOf([
      { type: 'ticket.opened', ticketId: 'T1' },
      { type: 'human.work', ticketId: 'T1', seconds: -5 },
      { type: 'nonsense' },
    ]);
    expect(error).toMatchObject({ index: 1, field: 'seconds' });
    expect(error.message).toBe('Invalid event 1 (human.work): "seconds" must be >= 0.');
  });

  it.each([
    [{ type: 'launch.rocket' }, 'type', /must be one of "ticket.opened"/],
    [{ ticketId: 'T1' }, 'type', /is required/],
    [{ type: 'ticket.opened' }, 'ticketId', /is required/],
    [{ type: 'ticket.opened', ticketId: '' }, 'ticketId', /must not be empty/],
    [{ type: 'ticket.opened', ticketId: 'x'.repeat(257) }, 'ticketId', /at most 256/],
    [{ type: 'ticket.opened', ticketId: 'T\n1' }, 'ticketId', /control characters/],
    [{ type: 'ticket.opened', ticketId: 42 }, 'ticketId', /must be a string/],
    [{ type: 'ticket.opened', ticketId: 'T1', eventId: '' }, 'eventId', /must not be empty/],
    [{ type: 'ticket.opened', ticketId: 'T1', at: '2026-11-01 10:00' }, 'at', /ISO 8601/],
    [{ type: 'ticket.opened', ticketId: 'T1', at: '2026-11-01T10:00:00' }, 'at', /time zone/],
    [{ type: 'conversation.linked', ticketId: 'T1' }, 'conversationId', /is required/],
    [{ type: 'handoff' }, 'ticketId', /or give "conversationId"/],
    [{ type: 'handoff', ticketId: 'T1', conversationId: 'C1' }, 'conversationId', /not be given together/],
    [{ type: 'human.work', ticketId: 'T1' }, 'seconds', /is required/],
    [{ type: 'human.work', ticketId: 'T1', seconds: Infinity }, 'seconds', /./],
    [{ type: 'human.work', ticketId: 'T1', seconds: 10, costUsd: -1 }, 'costUsd', /must be >= 0/],
    [{ type: 'ticket.resolved', ticketId: 'T1' }, 'by', /is required/],
    [{ type: 'ticket.resolved', ticketId: 'T1', by: 'robot' }, 'by', /"ai" or "human"/],
    [{ type: 'ticket.resolved', ticketId: 'T1', by: 'ai', confirmed: 'yes' }, 'confirmed', /true or false/],
    [{ type: 'cost.fixed', amountUsd: 10, from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z', appliesTo: 'ai' }, 'to', /later than "from"/],
    [{ type: 'cost.fixed', amountUsd: 10, from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z', appliesTo: 'everyone' }, 'appliesTo', /"shared"/],
    [{ type: 'cost.fixed', amountUsd: 10, to: '2026-11-02T00:00:00Z', appliesTo: 'ai' }, 'from', /required|ISO 8601/],
    [{ type: 'cost.fixed', amountUsd: NaN, from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z', appliesTo: 'ai' }, 'amountUsd', /./],
  ])('names the field of %j', (event, field, message) => {
    const error = errorOf([event]);
    expect(error.field).toBe(field);
    expect(error.index).toBe(0);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`"${field}"`);
  });

  it('gives index null for a single event, and field null when the input is no event at all', () => {
    expect(errorOf({ type: 'ticket.opened' })).toMatchObject({ index: null, field: 'ticketId' });
    expect(errorOf('hello')).toMatchObject({ index: null, field: null, message: 'Invalid event: expected a JSON object.' });
    expect(errorOf([{ type: 'ticket.opened', ticketId: 'T1' }, null])).toMatchObject({ index: 1, field: null });
  });

  it('accepts an empty batch', () => {
    expect(validate([])).toEqual({ ok: true, events: [], warnings: [] });
  });
});
