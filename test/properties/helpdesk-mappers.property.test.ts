import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapFreshdesk } from '../../src/helpdesks/map-freshdesk.js';
import { mapHubspot, reopensOf } from '../../src/helpdesks/map-hubspot.js';
import { mapIntercom } from '../../src/helpdesks/map-intercom.js';
import { mapZendesk } from '../../src/helpdesks/map-zendesk.js';
import { parseTriggeredEvent } from '../../src/helpdesks/triggered-event.js';
import { validateEvents } from '../../src/tickets/validate-events.js';
import { SETTINGS, fixture } from '../helpdesks/helpdesk-fixtures.js';

const RUNS = 1500;
const now = () => Date.UTC(2026, 10, 2, 9, 30);

const MAPPERS = {
  zendesk: (payload: unknown) => mapZendesk(payload, SETTINGS.zendesk),
  intercom: (payload: unknown) => mapIntercom(payload, SETTINGS.intercom),
  hubspot: (payload: unknown) => mapHubspot(payload, SETTINGS.hubspot),
  freshdesk: (payload: unknown) => mapFreshdesk(payload, SETTINGS.freshdesk),
};

/** Never throws, and every event it yields passes the validator (the one the event API uses). */
function expectValid(map: (payload: unknown) => { events: unknown[]; stageMoves?: unknown }, payload: unknown): void {
  const result = map(payload);
  const validated = validateEvents(result.events, { now });
  if (!validated.ok) throw new Error(`${validated.error.message} from ${JSON.stringify(payload).slice(0, 300)}`);
  expect(validated.events).toHaveLength(result.events.length);
}

/** Values a field may hold in a hostile or broken delivery. */
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ maxLength: 300 }),
  fc.constantFrom('', ' ', '\u0000', 'x'.repeat(300), 'NaN', '1e400', '-5', '0', '2026-13-45T99:99:99Z', '9999999999999999',
    'SOLVED', 'OPEN', 'CLOSED', '{status:{from:4,to:2}}', '{ticket_action:created}', '361234', '360098765432', '4', '2'),
  fc.double(), fc.integer(), fc.constant(null), fc.boolean(),
);

/** Every path to a leaf (and to each object) of a fixture. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof value !== 'object' || value === null) return [prefix];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((key) => pathsOf((value as Record<string | number, unknown>)[key], [...prefix, key]))];
}

function setAt(root: any, path: Array<string | number>, value: unknown): any {
  if (path.length === 0) return value;
  let node = root;
  for (const key of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return root;
    node = node[key];
  }
  if (typeof node === 'object' && node !== null) node[path.at(-1)!] = value;
  return root;
}

/** A real fixture with a few of its fields replaced by anything. */
function mutatedFixture(helpdesk: string) {
  const names = readdirSync(new URL(`../fixtures/helpdesks/${helpdesk}/`, import.meta.url)).map((file) => file.replace(/\.json$/, ''));
  return fc.tuple(fc.constantFrom(...names), fc.array(fc.tuple(fc.nat(), anyValue), { maxLength: 6 })).map(([name, changes]) => {
    let body = fixture(helpdesk, name);
    const paths = pathsOf(body);
    for (const [n, value] of changes) body = setAt(body, paths[n % paths.length]!, structuredClone(value));
    return body;
  });
}

describe.each(Object.entries(MAPPERS))('the %s mapper', (helpdesk, map) => {
  it('never throws and never yields an invalid event, for any JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), (payload) => expectValid(map, payload)), { numRuns: RUNS });
  });

  it('never throws and never yields an invalid event, for its real deliveries with fields replaced by anything', () => {
    fc.assert(fc.property(mutatedFixture(helpdesk), (payload) => expectValid(map, payload)), { numRuns: RUNS });
  });

  it('is deterministic: the same delivery gives the same events (so a redelivery is a duplicate)', () => {
    fc.assert(fc.property(mutatedFixture(helpdesk), (payload) => {
      expect(map(structuredClone(payload))).toEqual(map(structuredClone(payload)));
    }), { numRuns: 300 });
  });
});

describe('HubSpot stage moves and Freshdesk triggered events', () => {
  it('the reopens derived from any stage moves the mapper yields are valid events', () => {
    fc.assert(fc.property(fc.array(mutatedFixture('hubspot'), { minLength: 1, maxLength: 3 }), (payloads) => {
      const moves = payloads.flatMap((payload) => mapHubspot(payload, SETTINGS.hubspot).stageMoves);
      for (const move of moves) {
        for (const other of moves) {
          const derived = reopensOf({ move, previous: other, next: other, closedStageIds: SETTINGS.hubspot.closedStageIds });
          expect(validateEvents(derived, { now }).ok).toBe(true);
        }
      }
    }), { numRuns: 500 });
  });

  it('parseTriggeredEvent never throws on any text', () => {
    const text = fc.oneof(fc.string({ maxLength: 200 }), fc.stringMatching(/^[{}:,a-z0-9 _]{0,60}$/));
    fc.assert(fc.property(text, (input) => {
      const parsed = parseTriggeredEvent(input);
      expect(parsed === null || typeof parsed === 'object').toBe(true);
    }), { numRuns: RUNS });
  });
});
