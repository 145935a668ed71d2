import { afterAll, describe, expect, it } from 'vitest';
import { copiedUpTo } from '../../src/ledger/copy/copy-ledger.js';
import { SqliteCopySource } from '../../src/ledger/copy/sqlite-source.js';
import { openSqliteLedger } from '../../src/ledger/sqlite/sqlite-ledger.js';
import type { LlmCall } from '../../src/ledger/types.js';
import { tempDir } from '../support/temp-dir.js';

/*
 * The reading side of `cpr-meter copy`: a call read back from a SQLite ledger is the call that
 * was recorded, and an interrupted copy resumes where it stopped, never past a row it lacks.
 */
const dir = tempDir('cpr-copy-source-');
afterAll(() => dir.remove());

const base: LlmCall = {
  id: 'call-1', startedAt: Date.UTC(2026, 9, 1), conversationId: 'c-1', ticketId: 'T-1', provider: 'anthropic', upstreamProvider: 'anthropic',
  operation: 'chat', requestModel: 'claude-sonnet-4', responseModel: 'claude-sonnet-4-20250514',
  usage: { inputTokens: 1200, cacheReadTokens: 200, cacheWriteTokens: 100, outputTokens: 300, reasoningTokens: 40, cacheWrite1hTokens: 60,
    webSearches: 2, serviceTier: 'standard', inferenceGeo: 'us', providerCostUsd: 0.0123 },
  costUsd: 0.0123, computedCostUsd: 0.0121, costSource: 'provider',
  prices: { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15, source: 'genai-prices:anthropic/claude-sonnet-4',
    rates: { input_mtok: 3, output_mtok: 15, web_searches_kcount: 10 }, pricesVersion: '0.1.8' },
  status: 'ok', httpStatus: 200, errorType: null, estimated: false, streamed: true, latencyMs: 812.5, timeToFirstChunkMs: 95.25,
  upstreamRequestId: 'req_1', responseId: 'msg_1', finishReasons: ['end_turn'], source: 'proxy',
};
/** A call that failed before any answer: no usage, no price, nothing attributed. */
const bare: LlmCall = {
  ...base, id: 'call-2', conversationId: null, ticketId: null, upstreamProvider: null, usage: null, costUsd: null, computedCostUsd: null,
  costSource: null, prices: null, status: 'error', httpStatus: null, errorType: 'upstream_unreachable', streamed: false, latencyMs: null,
  timeToFirstChunkMs: null, upstreamRequestId: null, responseId: null, finishReasons: [], source: 'wrapper',
};

describe('the copy source', () => {
  it('reads back every field of a recorded call, known or not', async () => {
    const path = dir.file('calls.db');
    const ledger = openSqliteLedger({ path });
    ledger.recordCallsSync([base, bare]);
    await ledger.close();
    const source = new SqliteCopySource(path);
    try {
      expect(source.calls.read(0, 10).items).toEqual([base, bare]);
    } finally {
      source.close();
    }
  });

  it('resumes after the whole chunks the target holds, across gaps, and never past a row it lacks', async () => {
    const path = dir.file('prefix.db');
    const ledger = openSqliteLedger({ path });
    ledger.recordCallsSync(Array.from({ length: 1000 }, (_, i) => ({ ...base, id: `call-${String(i).padStart(4, '0')}` })));
    // Gaps: rowids 101-300 and 901-1000 deleted (as a prune would); 700 calls left.
    ledger.db.prepare('DELETE FROM llm_calls WHERE rowid BETWEEN 101 AND 300 OR rowid > 900').run();
    await ledger.close();
    const source = new SqliteCopySource(path);
    try {
      const ids = source.calls.read(0, 1000).items.map((c) => c.id);
      expect(ids).toHaveLength(700);
      const resumeAfter = async (there: Set<string>) => {
        let queries = 0;
        const position = await copiedUpTo(source.calls, async (keys) => {
          queries += 1;
          return keys.filter((id) => there.has(id)).length;
        }, { chunk: 64 });
        return { resumed: source.calls.countUpTo(position), next: source.calls.read(position, 1).items[0]?.id, queries };
      };
      // A prefix of k rows copied: it resumes after the whole chunks of 64 within it (floor(k / 64) x 64
      // rows), asking one query per chunk and one for the chunk it stops at.
      for (const copied of [0, 1, 63, 64, 100, 350, 699]) {
        const { resumed, next, queries } = await resumeAfter(new Set(ids.slice(0, copied)));
        expect(resumed, `${copied} copied`).toBe(Math.floor(copied / 64) * 64);
        expect(next).toBe(ids[resumed]);
        expect(queries).toBe(Math.floor(copied / 64) + 1);
      }
      // All of them: nothing left; 700 = 10 chunks of 64 + one of 60, one query each.
      expect(await resumeAfter(new Set(ids))).toEqual({ resumed: 700, next: undefined, queries: 11 });
      // The first 100 and a later one that came another way: it resumes at 64, before the first it lacks (row 101), not after the later one.
      expect((await resumeAfter(new Set([...ids.slice(0, 100), ids[650]!]))).resumed).toBe(64);
    } finally {
      source.close();
    }
  });
});
