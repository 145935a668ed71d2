import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateEvents } from '../../src/tickets/validate-events.js';
import { eventInput } from './event-arbitraries.js';

// Runs per property.
const RUNS = 2000;

const now = () => Date.UTC(2026, 10, 2, 9, 30);
const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks one outcome: accepted whole, or refused naming the bad event and, for an object, its field. */
function expectAcceptedOrNamed(input: unknown): void {
  const result = validateEvents(input, { now });
  const items = Array.isArray(input) ? input : [input];
  if (result.ok) {
    expect(result.events).toHaveLength(items.length);
    for (const event of result.events) expect(Number.isFinite(event.at)).toBe(true);
    return;
  }
  const { message, index, field } = result.error;
  expect(message.length).toBeGreaterThan(0);
  if (Array.isArray(input)) {
    expect(index).toBeTypeOf('number');
    expect(message).toContain(`event ${index}`);
  } else {
    expect(index).toBeNull();
  }
  const item = items[index ?? 0];
  if (isObject(item)) {
    // An object is refused for one of its fields, and the message names it.
    expect(field, message).toBeTypeOf('string');
    expect(field!.length).toBeGreaterThan(0);
    expect(message).toContain(`"${field}"`);
  } else {
    expect(field).toBeNull();
    expect(message).toContain('expected a JSON object');
  }
}

describe('validateEvents on arbitrary input', () => {
  it('accepts an event or a batch whole, or refuses it naming the event and the field; never throws', () => {
    fc.assert(fc.property(eventInput, expectAcceptedOrNamed), { numRuns: RUNS });
  });

  it('does the same for any in-process value (null prototypes, boxed values, dates, sparse arrays)', () => {
    const anything = fc.anything({ withNullPrototype: true, withBoxedValues: true, withDate: true, withSparseArray: true,
      withMap: true, withSet: true, withBigInt: true, withTypedArray: true, maxDepth: 3 });
    fc.assert(fc.property(anything, expectAcceptedOrNamed), { numRuns: RUNS });
  });
});
