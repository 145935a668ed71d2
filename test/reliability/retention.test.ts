import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/ledger/sqlite/ticket-store.js';
import { pruneCalls } from '../../src/ledger/sqlite/prune.js';
import { validateEvents } from '../../src/tickets/validate-events.js';
import { insertCalls, openTestDb, type TestCall } from '../support/open-test-db.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';
import { runCommand } from './cli-process.js';

const DAY = 86_400_000;
const OLD = 20_000;
const RECENT = 300;

/** `OLD` calls spread over 400 to 100 days ago, `RECENT` over the last 10 days. */
function oldAndRecentCalls(now: number): TestCall[] {
  const calls: TestCall[] = [];
  for (let i = 0; i < OLD; i += 1) calls.push({ id: `old-${i}`, startedAt: now - 400 * DAY + Math.floor((i / OLD) * 300 * DAY), costUsd: 0.001, conversationId: `c-old-${i % 50}` });
  for (let i = 0; i < RECENT; i += 1) calls.push({ id: `new-${i}`, startedAt: now - 10 * DAY + i * 1000, costUsd: 0.002, conversationId: `c-new-${i % 5}` });
  return calls;
}

/** A ticket opened 200 days ago: its events must survive a 90-day retention. */
function oldEvents(now: number) {
  const result = validateEvents([
    { type: 'ticket.opened', eventId: 'o-1', at: new Date(now - 200 * DAY).toISOString(), ticketId: 'T-1' },
    { type: 'conversation.linked', eventId: 'l-1', at: new Date(now - 200 * DAY).toISOString(), conversationId: 'c-old-1', ticketId: 'T-1' },
  ], { now: () => now });
  if (!result.ok) throw new Error(result.error.message);
  return result.events;
}

describe('pruneCalls', () => {
  it('deletes the calls older than the cut-off in batches of batchSize, keeps the rest and every event', async () => {
    const { db, cleanup } = openTestDb();
    try {
      const now = Date.now();
      insertCalls(db, oldAndRecentCalls(now));
      insertEvents(db, oldEvents(now));
      const before = now - 90 * DAY;
      expect(await pruneCalls({ db, before, dryRun: true })).toEqual({ deleted: OLD, batches: 0, longestBatchMs: 0 });
      const result = await pruneCalls({ db, before, batchSize: 1000, pauseMs: 0 });
      // 20,000 rows, 1,000 a batch: 20 batches (the 21st finds nothing and is not counted).
      expect(result).toMatchObject({ deleted: OLD, batches: 20 });
      expect(db.prepare('SELECT COUNT(*) FROM llm_calls').pluck().get()).toBe(RECENT);
      expect(db.prepare('SELECT COUNT(*) FROM llm_calls WHERE started_at < ?').pluck().get(before)).toBe(0);
      expect(db.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(2);
      expect(await pruneCalls({ db, before })).toEqual({ deleted: 0, batches: 0, longestBatchMs: expect.any(Number) });
    } finally {
      cleanup();
    }
  });
});

describe('cpr-meter prune --older-than-days N', () => {
  let h: ProxyHarness;
  beforeAll(async () => {
    h = await startProxyHarness();
    // The first call of a process loads the price and token tables: not part of what is measured.
    await h.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'warm-up' }] });
  });
  afterAll(async () => h.close());

  it('prunes a live ledger in small batches while the proxy keeps writing, without holding it up', async () => {
    const now = Date.now();
    insertCalls(h.cpr.ledger.db, oldAndRecentCalls(now));
    insertEvents(h.cpr.ledger.db, oldEvents(now));

    let pruning = true;
    const latencies: number[] = [];
    const failures: string[] = [];
    const traffic = Array.from({ length: 3 }, async (_, w) => {
      for (let n = 0; pruning; n += 1) {
        const t0 = performance.now();
        try {
          await h.client.chat.completions.create(
            { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `prune ${w}-${n}` }] },
            { headers: { 'x-cpr-conversation-id': `live-${w}-${n}` } },
          );
          latencies.push(performance.now() - t0);
        } catch (error) {
          failures.push(String(error));
        }
      }
    });
    const result = await runCommand(['prune', '--older-than-days', '90', '--db', h.dbPath, '--batch-size', '500']);
    pruning = false;
    await Promise.all(traffic);

    expect(result).toMatchObject({ code: 0, stderr: '' });
    const printed = /^deleted (\d+) LLM calls that started before \S+, in (\d+) batches \(longest ([\d.]+) ms\); ticket events kept\n$/.exec(result.stdout);
    expect(printed).not.toBeNull();
    expect(Number(printed![1])).toBe(OLD);
    expect(Number(printed![2])).toBe(OLD / 500);
    expect(failures).toEqual([]);
    expect(h.cpr.recorder.stats()).toMatchObject({ failedWrites: 0, dropped: 0 });
    const db = h.cpr.ledger.db;
    expect(db.prepare("SELECT COUNT(*) FROM llm_calls WHERE id LIKE 'old-%'").pluck().get()).toBe(0);
    expect(db.prepare("SELECT COUNT(*) FROM llm_calls WHERE id LIKE 'new-%'").pluck().get()).toBe(RECENT);
    expect(db.prepare("SELECT COUNT(*) FROM llm_calls WHERE conversation_id LIKE 'live-%'").pluck().get()).toBe(latencies.length);
    expect(db.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(2);
    // Never held up for long: a writer waits at most for one batch of 500 deletions, which holds
    // the lock for milliseconds (the bounds are loose: the machine running the tests may be busy).
    console.log(`prune: ${OLD} rows in ${printed![2]} batches, longest batch ${printed![3]} ms; `
      + `${latencies.length} proxy calls meanwhile, slowest ${Math.max(...latencies).toFixed(0)} ms`);
    expect(Number(printed![3])).toBeLessThan(1000);
    expect(Math.max(...latencies)).toBeLessThan(3000);
  }, 60_000);

  it('refuses a retention under one day', async () => {
    const result = await runCommand(['prune', '--older-than-days', '0', '--db', h.dbPath]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('cpr-meter: --older-than-days must be an integer >= 1; got "0".\n');
  }, 30_000);
});
