import { afterAll, describe, expect, it } from 'vitest';
import { copiedPrefix } from '../../src/ledger/copy/copy-ledger.js';
import { SqliteCopySource } from '../../src/ledger/copy/sqlite-source.js';
import { openSqliteLedger } from '../../src/ledger/sqlite/sqlite-ledger.js';
import type { LlmCall } from '../../src/ledger/types.js';
import { tempDir } from '../support/temp-dir.js';

/*
 * The reading side of `cpr-meter copy`: a call read back from a SQLite ledger is the call that
 * was recorded, and the end of the prefix an interrupted copy left is found by bisection.
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

  it('finds where a copied prefix ends, across gaps in the positions, in about log2(n) lookups', async () => {
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
      for (const copied of [0, 1, 100, 101, 350, 699, 700]) {
        const there = new Set(ids.slice(0, copied));
        let lookups = 0;
        const position = await copiedPrefix(source.calls, async (id) => {
          lookups += 1;
          return there.has(id);
        });
        // The rows at or before the position found are exactly the copied ones.
        expect(source.calls.countUpTo(position), `${copied} copied`).toBe(copied);
        expect(source.calls.read(position, 1).items[0]?.id).toBe(ids[copied]);
        expect(lookups).toBeLessThanOrEqual(Math.ceil(Math.log2(900)) + 1); // positions 1..900: at most 11
      }
    } finally {
      source.close();
    }
  });
});
