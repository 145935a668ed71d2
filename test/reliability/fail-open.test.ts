import BetterSqlite3 from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallRecorder } from '../../src/ledger/call-recorder.js';
import { openSqliteLedger } from '../../src/ledger/sqlite/sqlite-ledger.js';
import { createLogger } from '../../src/logging/logger.js';
import { observeRecorder } from '../../src/telemetry/recorder-metrics.js';
import { eventually, startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';
import { tempDir } from '../support/temp-dir.js';
import { chatCall } from '../telemetry/calls.js';
import { inMemoryOtel, pointOf, type InMemoryOtel } from '../telemetry/in-memory-otel.js';

/** A logger that keeps its JSON lines, parsed. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: createLogger({ level: 'debug', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }) };
}

/** A server whose ledger writes wait at most 250 ms for a lock, its log lines and its ledger metrics in memory. */
async function start(): Promise<{ h: ProxyHarness; lines: Array<Record<string, unknown>>; otel: InMemoryOtel }> {
  const { lines, logger } = capturedLogger();
  const h = await startProxyHarness({ logger, busyTimeoutMs: 250 });
  const otel = inMemoryOtel();
  observeRecorder(h.cpr.recorder, { meter: otel.meterProvider.getMeter('test') });
  return { h, lines, otel };
}

async function health(h: ProxyHarness): Promise<{ code: number; body: { status: string; ledger: string; recorder: { buffered: number } } }> {
  const response = await fetch(`${h.cpr.url}/healthz`);
  return { code: response.status, body: (await response.json()) as never };
}

/** Five calls in a row, each answered in full; returns their conversation ids. */
async function fiveCalls(h: ProxyHarness, prefix: string): Promise<string[]> {
  const ids = Array.from({ length: 5 }, (_, i) => `${prefix}-${i}`);
  for (const [i, id] of ids.entries()) {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: `question ${id}` }] };
    const headers = { headers: { 'x-cpr-conversation-id': id } };
    if (i % 2 === 0) {
      const answer = await h.client.chat.completions.create(body, headers);
      expect(answer.choices[0]!.message.content).toBeTruthy();
    } else {
      let text = '';
      for await (const chunk of await h.client.chat.completions.create({ ...body, stream: true }, headers)) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toBeTruthy();
    }
  }
  return ids;
}

const rowsOf = (h: ProxyHarness, ids: string[]) => h.rows().filter((r) => ids.includes(String(r.conversation_id)));
const failedLines = (lines: Array<Record<string, unknown>>, kind: string) => lines.filter((l) => l.level === 'error' && l.kind === kind);

describe('fail open: the ledger locked, read-only or full', () => {
  let h: ProxyHarness;
  let lines: Array<Record<string, unknown>>;
  let otel: InMemoryOtel;
  beforeAll(async () => {
    ({ h, lines, otel } = await start());
    await fiveCalls(h, 'warm-up'); // the first call of a process loads the price and token tables
  });
  afterAll(async () => {
    await h.close();
    await otel.shutdown();
  });

  /**
   * The same story for each fault: 5 calls succeed while it lasts, none is written, the failure
   * is logged ONCE, counted 5 times in `cpr.ledger.writes_failed{kind}`, the 5 rows wait in the
   * buffer and /healthz says degraded; once the fault clears, the retry timer (1 s) writes them.
   */
  async function survives(fault: { kind: string; prefix: string; apply: () => void; clear: () => void }) {
    const failedBefore = h.cpr.recorder.stats().failuresByKind[fault.kind] ?? 0;
    fault.apply();
    const t0 = performance.now();
    const ids = await fiveCalls(h, fault.prefix);
    const elapsedMs = performance.now() - t0;
    expect(rowsOf(h, ids)).toHaveLength(0);
    expect(failedLines(lines, fault.kind)).toHaveLength(1);
    const metrics = await otel.collect();
    expect(pointOf(metrics.get('cpr.ledger.writes_failed'), { 'cpr.failure.kind': fault.kind }).value).toBe(failedBefore + 5);
    expect(pointOf(metrics.get('cpr.ledger.retry_buffer')).value).toBe(5);
    expect(await health(h)).toMatchObject({ code: 200, body: { status: 'degraded', ledger: 'ok', recorder: { buffered: 5 } } });

    fault.clear();
    await eventually(() => rowsOf(h, ids).length === 5, 3000);
    expect(rowsOf(h, ids).map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect((await health(h)).body.status).toBe('ok');
    expect(lines.at(-1)).toMatchObject({ level: 'info', msg: 'ledger writes recovered; retry buffer flushed' });
    expect(h.cpr.recorder.stats()).toMatchObject({ buffered: 0, dropped: 0 });
    return elapsedMs;
  }

  it('locked by another connection (BEGIN EXCLUSIVE): only the first call waits for the lock', async () => {
    const other = new BetterSqlite3(h.dbPath);
    // Which writes were allowed to wait for the lock (the busy timeout holds the event loop).
    const waited: boolean[] = [];
    const ledger = h.cpr.ledger;
    const [one, many] = [ledger.recordCallSync.bind(ledger), ledger.recordCallsSync.bind(ledger)];
    ledger.recordCallSync = (call, options) => (waited.push(options?.wait ?? true), one(call, options));
    ledger.recordCallsSync = (calls, options) => (waited.push(options?.wait ?? true), many(calls, options));
    const elapsedMs = await survives({
      kind: 'SQLITE_BUSY', prefix: 'locked',
      apply: () => other.exec('BEGIN EXCLUSIVE'),
      clear: () => {
        other.exec('COMMIT');
        other.close();
      },
    });
    Object.assign(ledger, { recordCallSync: one, recordCallsSync: many });
    // The first write waited its 250 ms busy timeout; the next four, with rows already waiting,
    // and the retries, did not wait again. Before the fix each did, holding the event loop:
    // 5 × 250 ms at the least.
    expect(waited[0]).toBe(true);
    expect(waited.slice(1, 5)).toEqual([false, false, false, false]);
    expect(elapsedMs).toBeGreaterThanOrEqual(250);
    expect(elapsedMs).toBeLessThan(5 * 250);
  });

  it('read-only (PRAGMA query_only)', async () => {
    await survives({
      kind: 'SQLITE_READONLY', prefix: 'readonly',
      apply: () => h.cpr.ledger.db.pragma('query_only = ON'),
      clear: () => h.cpr.ledger.db.pragma('query_only = OFF'),
    });
  });

  it('out of space (PRAGMA max_page_count reached: SQLITE_FULL)', async () => {
    const db = h.cpr.ledger.db;
    const filler = db.prepare(`INSERT INTO llm_calls (id, started_at, provider, operation, status) VALUES (?, 1, 'openai', 'chat', 'ok')`);
    await survives({
      kind: 'SQLITE_FULL', prefix: 'full',
      apply: () => {
        // No page may be added, and the last page of the table is filled up: the next row needs a new page.
        db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
        for (let n = 0; ; n += 1) {
          try {
            filler.run(`filler-${n}`);
          } catch (error) {
            expect((error as { code: string }).code).toBe('SQLITE_FULL');
            break;
          }
        }
      },
      clear: () => db.pragma('max_page_count = 1073741823'),
    });
    db.prepare("DELETE FROM llm_calls WHERE id LIKE 'filler-%'").run();
  });
});

describe('fail open: the ledger file deleted under the running server', () => {
  it('stops writing into the deleted file: 503 from /healthz, rows kept for retry, logged once, counted, and lost rows logged at stop', async () => {
    const { h, lines, otel } = await start();
    await fiveCalls(h, 'before');
    expect(await health(h)).toMatchObject({ code: 200, body: { status: 'ok' } });

    for (const suffix of ['', '-wal', '-shm']) rmSync(`${h.dbPath}${suffix}`, { force: true });
    // SQLite would go on writing to the deleted inode without a word; cpr-meter checks the path.
    expect(await health(h)).toMatchObject({ code: 503, body: { status: 'degraded', ledger: 'file_missing' } });
    await fiveCalls(h, 'after'); // the LLM calls still succeed
    expect(failedLines(lines, 'LEDGER_FILE_MISSING')).toHaveLength(1);
    expect(String(failedLines(lines, 'LEDGER_FILE_MISSING')[0]!.error)).toContain('was deleted while cpr-meter was running');
    const metrics = await otel.collect();
    expect(pointOf(metrics.get('cpr.ledger.writes_failed'), { 'cpr.failure.kind': 'LEDGER_FILE_MISSING' }).value).toBe(5);
    expect(h.cpr.recorder.stats()).toMatchObject({ recorded: 5, buffered: 5, dropped: 0 });
    expect(h.cpr.ledger.db.prepare("SELECT COUNT(*) FROM llm_calls WHERE conversation_id LIKE 'after-%'").pluck().get()).toBe(0);

    // Not reopened (see the README): the rows wait until the process stops, then are counted as lost.
    await h.close();
    expect(lines.at(-1)).toMatchObject({ level: 'error', msg: 'stopping with ledger rows that could not be written: they are lost', lost: 5 });
    expect(h.cpr.recorder.stats()).toMatchObject({ buffered: 0, dropped: 5 });
    await otel.shutdown();
  });
});

describe('the retry buffer', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeAll(() => {
    dir = tempDir('cpr-buffer-');
  });
  afterAll(() => dir.remove());

  it('counts and logs (once) what it cannot hold, and drops a row the ledger refuses instead of retrying it forever', async () => {
    const ledger = openSqliteLedger({ path: dir.file('ledger.db') });
    const { lines, logger } = capturedLogger();
    const otel = inMemoryOtel();
    const recorder = new CallRecorder({ ledger, logger, bufferLimit: 3, retryIntervalMs: 60_000 });
    observeRecorder(recorder, { meter: otel.meterProvider.getMeter('test') });

    ledger.db.pragma('query_only = ON');
    for (let n = 1; n <= 5; n += 1) await recorder.record(chatCall({ id: `call-${n}` }));
    // 5 failed writes: 3 kept (the buffer's limit), 2 dropped, counted, and said once.
    expect(recorder.stats()).toMatchObject({ failedWrites: 5, buffered: 3, dropped: 2 });
    expect(lines.filter((l) => l.kind === 'buffer-full')).toHaveLength(1);
    const metrics = await otel.collect();
    expect(pointOf(metrics.get('cpr.ledger.rows_dropped')).value).toBe(2);
    expect(pointOf(metrics.get('cpr.ledger.retry_buffer')).value).toBe(3);

    ledger.db.pragma('query_only = OFF');
    // A row the ledger refuses for itself (here: an id already stored) would fail every retry
    // and hold back the rows behind it: it is dropped, counted and logged instead.
    await recorder.record(chatCall({ id: 'call-1' })); // written now, ahead of its buffered twin
    expect(await recorder.flush()).toBe(0);
    expect(ledger.db.prepare('SELECT id FROM llm_calls ORDER BY id').pluck().all()).toEqual(['call-1', 'call-2', 'call-3']);
    expect(recorder.stats()).toMatchObject({ buffered: 0, dropped: 3 });
    expect(lines.filter((l) => l.kind === 'SQLITE_CONSTRAINT_PRIMARYKEY')).toHaveLength(1);

    await recorder.close();
    await ledger.close();
    await otel.shutdown();
  });
});
