import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.js';
import { startServer, type CprServer } from '../../src/server/start-server.js';
import { tempDir } from '../support/temp-dir.js';
import { eventInput } from './event-arbitraries.js';

// Runs per property; each is one HTTP request to a real server on a real SQLite file.
const RUNS = 300;

let cpr: CprServer;
const dir = tempDir();
beforeAll(async () => {
  cpr = await startServer({ port: 0, db: dir.file('events.db'), upstream: 'http://127.0.0.1:9/v1', logger: silentLogger, env: {} });
});
afterAll(async () => {
  await cpr.close();
  dir.remove();
});

interface Answer {
  status: number;
  body: { accepted?: number; duplicates?: number; conflicts?: unknown[]; error?: { message: string; type: string; field?: string | null } };
}

async function post(body: string): Promise<Answer> {
  const res = await fetch(`${cpr.url}/api/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

/** Every number in a JSON value, with its path. */
function numbersOf(value: unknown, path = '$'): Array<[string, number]> {
  if (typeof value === 'number') return [[path, value]];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => numbersOf(child, `${path}.${key}`));
}

describe('POST /api/events with arbitrary JSON', () => {
  it('stores it (200 with counts) or refuses it with a 400 naming the field: never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(eventInput, async (input) => {
        const { status, body } = await post(JSON.stringify(input));
        if (status === 200) {
          const items = Array.isArray(input) ? input.length : 1;
          // Each event is stored, or a duplicate, or a conflict (an eventId seen before with other content).
          expect(body.accepted! + body.duplicates! + body.conflicts!.length).toBe(items);
          return;
        }
        expect(status).toBe(400);
        expect(body.error!.type).toBe('invalid_request_error');
        const item = Array.isArray(input) ? undefined : input;
        if (typeof item === 'object' && item !== null) expect(body.error!.message).toContain(`"${body.error!.field}"`);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers any text that is not JSON with a 400 giving the position of the error', async () => {
    const notJson = fc.oneof(
      fc.string({ maxLength: 40, unit: 'binary' }),
      fc.jsonValue({ maxDepth: 2 }).chain((v) => {
        const text = JSON.stringify(v);
        return fc.nat({ max: Math.max(0, text.length - 1) }).map((n) => text.slice(0, n));
      }),
    ).filter((text) => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return text.length < 1000;
      }
    });
    await fc.assert(
      fc.asyncProperty(notJson, async (text) => {
        const { status, body } = await post(text);
        expect(status).toBe(400);
        expect(body.error!.message).toMatch(/^Malformed JSON in the request body at position \d+ \(line \d+, column \d+\)\.$/);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses amounts and durations so large that their sums would overflow to Infinity, naming the field', async () => {
    const huge = [
      [{ type: 'human.work', ticketId: 'T-huge', seconds: 1e308 }, 'seconds'],
      [{ type: 'human.work', ticketId: 'T-huge', seconds: 60, costUsd: 1.7e308 }, 'costUsd'],
      [{ type: 'cost.fixed', amountUsd: 1e13, from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z', appliesTo: 'shared' }, 'amountUsd'],
    ] as const;
    for (const [event, field] of huge) {
      const { status, body } = await post(JSON.stringify(event));
      expect(status).toBe(400);
      expect(body.error).toMatchObject({ field, message: expect.stringContaining(`"${field}" must be at most 1e+12`) });
    }
    // The largest accepted amount, twice, still adds up.
    const max = { type: 'cost.fixed', amountUsd: 1e12, from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z', appliesTo: 'shared' };
    expect((await post(JSON.stringify([max, max]))).status).toBe(200);
  });

  it('leaves the report readable afterwards: every figure finite, in every format', async () => {
    for (const groupBy of ['', 'category', 'channel', 'month']) {
      const res = await fetch(`${cpr.url}/api/report?from=1970-01-01&to=2100-01-01&groupBy=${groupBy}`);
      expect(res.status).toBe(200);
      const report: unknown = await res.json();
      const bad = numbersOf(report).filter(([, n]) => !Number.isFinite(n));
      expect(bad).toEqual([]);
      for (const format of ['csv', 'html', 'table']) {
        const other = await fetch(`${cpr.url}/api/report?from=1970-01-01&to=2100-01-01&groupBy=${groupBy}&format=${format}`);
        expect(other.status).toBe(200);
        expect(await other.text()).not.toMatch(/Infinity|NaN/);
      }
    }
  });
});
