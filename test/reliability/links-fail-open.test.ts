import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallRecorder } from '../../src/ledger/call-recorder.js';
import { openSqliteLedger } from '../../src/ledger/sqlite/sqlite-ledger.js';
import { createLogger } from '../../src/logging/logger.js';
import { observeRecorder } from '../../src/telemetry/recorder-metrics.js';
import { AttributionLinker, attributionEvents } from '../../src/tickets/attribution-linker.js';
import { eventually, startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';
import { tempDir } from '../support/temp-dir.js';
import { chatCall } from '../telemetry/calls.js';
import { inMemoryOtel, pointOf } from '../telemetry/in-memory-otel.js';

/** A logger that keeps its JSON lines, parsed. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: createLogger({ level: 'debug', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }) };
}

/** One call of a new conversation linked to a ticket (a link and the ticket's attributes to write); its duration, ms. */
async function linkedCall(h: ProxyHarness, n: number, prefix: string): Promise<number> {
  const t0 = performance.now();
  const answer = await h.client.chat.completions.create(
    { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${n}` }] },
    { headers: { 'x-cpr-conversation-id': `${prefix}-conv-${n}`, 'x-cpr-ticket-id': `${prefix}-T-${n}`, 'x-cpr-category': 'billing' } },
  );
  expect(answer.choices[0]!.message.content).toBeTruthy();
  return performance.now() - t0;
}

const linksOf = (h: ProxyHarness, prefix: string) =>
  h.cpr.ledger.db.prepare('SELECT conversation_id, ticket_id FROM conversations WHERE conversation_id LIKE ? ORDER BY conversation_id')
    .all(`${prefix}-%`) as Array<{ conversation_id: string; ticket_id: string }>;

describe('conversation links fail open, as calls do', () => {
  let h: ProxyHarness;
  let lines: Array<Record<string, unknown>>;
  beforeAll(async () => {
    const captured = capturedLogger();
    lines = captured.lines;
    h = await startProxyHarness({ logger: captured.logger, busyTimeoutMs: 250 });
    await linkedCall(h, 0, 'warm-up'); // the first call of a process loads the price and token tables
  });
  afterAll(() => h.close());

  it('under a lock held by another connection: only the first write waits; the links are written once the lock is released', async () => {
    const other = new BetterSqlite3(h.dbPath);
    // Which writes were allowed to wait for the lock (a wait holds the event loop for the busy timeout).
    const waited: boolean[] = [];
    const ledger = h.cpr.ledger;
    const batch = ledger.recordBatchSync.bind(ledger);
    ledger.recordBatchSync = (rows, options) => (waited.push(options?.wait ?? true), batch(rows, options));
    other.exec('BEGIN EXCLUSIVE');
    const durations: number[] = [];
    for (let n = 1; n <= 6; n += 1) durations.push(await linkedCall(h, n, 'locked'));
    // Before: each new conversation's link waited the whole busy timeout on the proxy's thread,
    // after the recorder had stopped waiting (6 calls x 250 ms at least). Now the links go with
    // the calls: the first transaction waits 250 ms, none after it while rows wait for retry.
    expect(waited.filter(Boolean)).toHaveLength(1);
    expect(durations.reduce((a, b) => a + b, 0)).toBeLessThan(6 * 250);
    expect(linksOf(h, 'locked')).toEqual([]);
    // 6 calls and 12 events (a link and the ticket's attributes each) wait, logged once for the kind.
    expect(h.cpr.recorder.stats()).toMatchObject({ buffered: 6, bufferedEvents: 12, droppedEvents: 0 });
    expect(lines.filter((l) => l.level === 'error' && l.kind === 'SQLITE_BUSY')).toHaveLength(1);
    const health = await (await fetch(`${h.cpr.url}/healthz`)).json() as { status: string };
    expect(health.status).toBe('degraded');

    other.exec('COMMIT');
    other.close();
    Object.assign(ledger, { recordBatchSync: batch });
    await eventually(() => linksOf(h, 'locked').length === 6, 3000);
    expect(linksOf(h, 'locked')[0]).toEqual({ conversation_id: 'locked-conv-1', ticket_id: 'locked-T-1' });
    expect(h.cpr.ledger.db.prepare("SELECT category FROM tickets WHERE ticket_id = 'locked-T-6'").pluck().get()).toBe('billing');
    expect(h.cpr.recorder.stats()).toMatchObject({ buffered: 0, bufferedEvents: 0, dropped: 0, droppedEvents: 0 });
    expect(lines.at(-1)).toMatchObject({ level: 'info', msg: 'ledger writes recovered; retry buffer flushed' });
  });

  it('on a full ledger (max_page_count): 20 links kept, one log line for the kind, all written once there is room', async () => {
    const db = h.cpr.ledger.db;
    const filler = db.prepare(`INSERT INTO llm_calls (id, started_at, provider, operation, status) VALUES (?, 1, 'openai', 'chat', 'ok')`);
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    for (let n = 0; ; n += 1) {
      try {
        filler.run(`filler-${n}`);
      } catch (error) {
        expect((error as { code: string }).code).toBe('SQLITE_FULL');
        break;
      }
    }
    const before = lines.length;
    for (let n = 1; n <= 20; n += 1) await linkedCall(h, n, 'full');
    // Before: 20 warnings (one per failed link write), and the 20 links lost.
    expect(lines.slice(before).filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([
      expect.objectContaining({ level: 'error', kind: 'SQLITE_FULL' }),
    ]);
    // Each of the 20 links and 20 attribute events is written (an events-only transaction may
    // still find room on the events table's pages) or waits: 40 in all, none dropped.
    const stats = h.cpr.recorder.stats();
    expect(stats).toMatchObject({ buffered: 20, droppedEvents: 0 });
    expect(stats.bufferedEvents + 2 * linksOf(h, 'full').length).toBe(40);
    expect(stats.bufferedEvents).toBeGreaterThan(0);

    db.pragma('max_page_count = 1073741823');
    await eventually(() => linksOf(h, 'full').length === 20, 3000);
    expect(h.cpr.recorder.stats()).toMatchObject({ buffered: 0, bufferedEvents: 0, droppedEvents: 0 });
    db.prepare("DELETE FROM llm_calls WHERE id LIKE 'filler-%'").run();
  });
});

describe('links the retry buffer cannot hold', () => {
  it('are counted as dropped (metric and stats), logged once, and sent again by the conversation\'s next call', async () => {
    const dir = tempDir('cpr-links-');
    const ledger = openSqliteLedger({ path: dir.file('ledger.db') });
    const { lines, logger } = capturedLogger();
    const otel = inMemoryOtel();
    const recorder = new CallRecorder({ ledger, logger, bufferLimit: 4, retryIntervalMs: 60_000, groupCommit: true });
    observeRecorder(recorder, { meter: otel.meterProvider.getMeter('test') });
    const linker = new AttributionLinker({ sink: recorder });
    const attribution = (n: number) => ({ conversationId: `c-${n}`, ticketId: `T-${n}`, customerId: null, channel: null, category: null });

    ledger.db.pragma('query_only = ON');
    // Calls 1 to 3, each with its link: the buffer (4 rows) takes call 1 and link 1, call 2 and
    // link 2; call 3 and link 3 find it full: 1 call and 1 event dropped.
    for (let n = 1; n <= 3; n += 1) {
      linker.link(attribution(n), 1_000 + n);
      await recorder.record(chatCall({ id: `call-${n}`, conversationId: `c-${n}`, ticketId: `T-${n}` }));
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(recorder.stats()).toMatchObject({ buffered: 2, bufferedEvents: 2, dropped: 1, droppedEvents: 1 });
    const metrics = await otel.collect();
    expect(pointOf(metrics.get('cpr.ledger.events_dropped')).value).toBe(1);
    expect(pointOf(metrics.get('cpr.ledger.event_retry_buffer')).value).toBe(2);
    expect(lines.filter((l) => l.kind === 'buffer-full')).toHaveLength(1);
    expect(lines.filter((l) => l.kind === 'SQLITE_READONLY')).toHaveLength(1);

    ledger.db.pragma('query_only = OFF');
    expect(await recorder.flush()).toBe(0);
    // The dropped link was forgotten: the conversation's next call sends it again.
    linker.link(attribution(3), 2_000);
    linker.link(attribution(1), 2_000); // already written: not sent again
    await recorder.flush();
    expect(ledger.db.prepare('SELECT conversation_id FROM conversations ORDER BY 1').pluck().all()).toEqual(['c-1', 'c-2', 'c-3']);
    // 2 links retried + 1 sent again = 3 written; the first try of link 3 stays counted as dropped.
    expect(recorder.stats()).toMatchObject({ recordedEvents: 3, droppedEvents: 1, bufferedEvents: 0 });
    await recorder.close();
    await ledger.close();
    await otel.shutdown();
    dir.remove();
  });
});

describe('a call row the ledger refuses', () => {
  it('does not take the links committed in the same transaction with it', async () => {
    const dir = tempDir('cpr-links-');
    const ledger = openSqliteLedger({ path: dir.file('ledger.db') });
    const { logger } = capturedLogger();
    const recorder = new CallRecorder({ ledger, logger, retryIntervalMs: 60_000, groupCommit: true });
    await recorder.record(chatCall({ id: 'dup' }));
    // In one turn: a link and a call whose id is stored already (a constraint the row fails on).
    const linked = recorder.recordEvents(attributionEvents({ conversationId: 'c-9', ticketId: 'T-9', customerId: null, channel: null, category: null }, 1_000));
    const recorded = recorder.record(chatCall({ id: 'dup' }));
    expect(await linked).toBe('written');
    await recorded;
    expect(ledger.db.prepare('SELECT ticket_id FROM conversations WHERE conversation_id = ?').pluck().get('c-9')).toBe('T-9');
    expect(recorder.stats()).toMatchObject({ dropped: 1, droppedEvents: 0, recordedEvents: 1 });
    await recorder.close();
    await ledger.close();
    dir.remove();
  });
});

describe('flushing the retry buffer', () => {
  it('writes 10,000 rows in 20 transactions of 500, yielding the event loop between them', async () => {
    const dir = tempDir('cpr-flush-');
    const ledger = openSqliteLedger({ path: dir.file('ledger.db') });
    const { logger } = capturedLogger();
    const recorder = new CallRecorder({ ledger, logger, retryIntervalMs: 60_000 });
    ledger.db.pragma('query_only = ON');
    for (let n = 0; n < 10_000; n += 1) await recorder.record(chatCall({ id: `call-${n}` }));
    expect(recorder.stats().buffered).toBe(10_000);
    ledger.db.pragma('query_only = OFF');

    const transactions: number[] = [];
    const batch = ledger.recordBatchSync.bind(ledger);
    ledger.recordBatchSync = (rows, options) => (transactions.push(rows.calls.length + rows.events.length), batch(rows, options));
    // Ticks of the event loop that ran while the flush was under way.
    let turns = 0;
    const tick = setInterval(() => (turns += 1), 0);
    expect(await recorder.flush()).toBe(0);
    clearInterval(tick);
    // Before: 10,000 transactions of one row, one after another without yielding (1.37 s measured).
    // 10,000 / 500 = 20 transactions.
    expect(transactions).toEqual(Array.from({ length: 20 }, () => 500));
    expect(turns).toBeGreaterThanOrEqual(1);
    expect(ledger.db.prepare('SELECT COUNT(*) FROM llm_calls').pluck().get()).toBe(10_000);
    await recorder.close();
    await ledger.close();
    dir.remove();
  });
});
