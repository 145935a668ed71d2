import { afterEach, describe, expect, it } from 'vitest';
import { CallRecorder } from '../../src/ledger/call-recorder.js';
import { openSqliteLedger, type SqliteLedger } from '../../src/ledger/sqlite/sqlite-ledger.js';
import type { LlmCall } from '../../src/ledger/types.js';
import { silentLogger } from '../../src/logging/logger.js';
import { tempDir } from '../support/temp-dir.js';

function call(id: string): LlmCall {
  return {
    id, startedAt: 1_767_225_600_000, conversationId: 'conv-1', ticketId: null, provider: 'openai', operation: 'chat',
    requestModel: 'gpt-4o-mini', responseModel: 'gpt-4o-mini-2024-07-18',
    usage: { inputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0 },
    costUsd: 0.0000045, prices: { input: 0.15, cachedInput: 0.075, cacheWrite: null, output: 0.6, source: 'test' },
    status: 'ok', httpStatus: 200, errorType: null, estimated: false, streamed: false, latencyMs: 12,
    timeToFirstChunkMs: null, upstreamRequestId: null, responseId: null, finishReasons: ['stop'], source: 'proxy',
  };
}

let dir: ReturnType<typeof tempDir>;
let ledger: SqliteLedger;
const rowIds = () => ledger.db.prepare('SELECT id FROM llm_calls ORDER BY rowid').pluck().all() as string[];

function open(): SqliteLedger {
  dir = tempDir();
  ledger = openSqliteLedger({ path: dir.file('ledger.db') });
  return ledger;
}
afterEach(async () => {
  await ledger.close();
  dir.remove();
});

describe('the group commit', () => {
  it('commits the calls of one turn of the event loop in one transaction, each record() resolving once its row is in', async () => {
    const recorder = new CallRecorder({ ledger: open(), logger: silentLogger, groupCommit: true });
    const batches: number[] = [];
    const insertMany = ledger.recordCallsSync.bind(ledger);
    ledger.recordCallsSync = (calls, options) => {
      batches.push(calls.length);
      insertMany(calls, options);
    };
    const seen: number[] = [];
    const ids = Array.from({ length: 17 }, (_, i) => `batch-${i}`);
    await Promise.all(ids.map((id) => recorder.record(call(id)).then(() => seen.push(rowIds().length))));
    expect(rowIds()).toEqual(ids);
    // Every record() resolved after all 17 rows were committed together.
    expect(seen).toEqual(Array(17).fill(17));
    expect(recorder.stats()).toMatchObject({ recorded: 17, failedWrites: 0, buffered: 0 });
    expect(batches).toEqual([17]);
  });

  it('counts every call of a failed transaction and keeps each for retry', async () => {
    const recorder = new CallRecorder({ ledger: open(), logger: silentLogger, groupCommit: true, retryIntervalMs: 60_000 });
    ledger.db.pragma('query_only = ON');
    await Promise.all(['a', 'b', 'c'].map((id) => recorder.record(call(id))));
    expect(recorder.stats()).toMatchObject({ recorded: 0, failedWrites: 3, buffered: 3, dropped: 0, failuresByKind: { SQLITE_READONLY: 3 } });
    ledger.db.pragma('query_only = OFF');
    expect(await recorder.flush()).toBe(0);
    expect(rowIds()).toEqual(['a', 'b', 'c']);
    await recorder.close();
  });

  it('drops only the row the ledger refuses when one of a batch is refused', async () => {
    const recorder = new CallRecorder({ ledger: open(), logger: silentLogger, groupCommit: true });
    ledger.recordCallSync(call('taken'));
    await Promise.all(['x', 'taken', 'y'].map((id) => recorder.record(call(id))));
    expect(rowIds()).toEqual(['taken', 'x', 'y']);
    expect(recorder.stats()).toMatchObject({ recorded: 2, failedWrites: 1, dropped: 1, buffered: 0 });
  });

  it('commits the calls still waiting when the recorder is closed', async () => {
    const recorder = new CallRecorder({ ledger: open(), logger: silentLogger, groupCommit: true });
    const pending = recorder.record(call('late'));
    await recorder.close();
    expect(rowIds()).toEqual(['late']);
    await pending;
  });

  it('is off by default: a record() commits its call before it returns to the event loop', async () => {
    const recorder = new CallRecorder({ ledger: open(), logger: silentLogger });
    const pending = recorder.record(call('now'));
    expect(rowIds()).toEqual(['now']);
    await pending;
  });
});
