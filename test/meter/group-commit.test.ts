import BetterSqlite3 from 'better-sqlite3';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { createMeter } from '../../src/index.js';
import { silentLogger } from '../../src/logging/logger.js';
import { eventually } from '../support/proxy-harness.js';
import { useSimulatedUpstream } from '../support/use-simulated-upstream.js';

const upstream = useSimulatedUpstream();
const { dir } = upstream;

const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
let opened = 0;

/** A meter on a fresh ledger file, its wrapped client, and the sizes of the transactions it commits. */
function open(commitDelayMs?: number) {
  const db = dir.file(`ledger-${(opened += 1)}.db`);
  const meter = createMeter({ db, logger: silentLogger, env: {}, commitDelayMs });
  const transactions: number[] = [];
  const insertMany = meter.ledger.recordCallsSync.bind(meter.ledger);
  meter.ledger.recordCallsSync = (calls, options) => {
    transactions.push(calls.length);
    insertMany(calls, options);
  };
  const client = meter.wrapOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: upstream.sim.openaiBaseUrl, maxRetries: 0 }));
  const rows = () => meter.ledger.db.prepare('SELECT conversation_id, input_tokens, output_tokens FROM llm_calls ORDER BY started_at, rowid').all();
  return { db, meter, client, transactions, rows };
}

// The meter writes calls in group commits: those made one after another share a transaction,
// written when the commit delay has passed, or sooner when a report is asked for or the meter
// closes. A long delay makes "not yet" observable without any timing assumption.
describe("the meter's group commit", () => {
  it('writes calls made one after another together, in one transaction, when a report is asked for', async () => {
    const { meter, client, transactions, rows } = open(60_000);
    for (const [i, conversationId] of ['g-1', 'g-2', 'g-3'].entries()) {
      upstream.sim.enqueue({ usage: { input: 10 + i, output: 2 } });
      await client.chat.completions.create(ask, { headers: { 'x-cpr-conversation-id': conversationId } });
    }
    for (let turn = 0; turn < 5; turn += 1) await nextTurn();
    expect(rows()).toEqual([]);
    expect(meter.recorder.stats().recorded).toBe(0);

    const { totals } = await meter.report();
    // 10 + 11 + 12 = 33 input tokens, 3 x 2 = 6 output tokens.
    expect(totals).toMatchObject({ llmCalls: 3, inputTokens: 33, outputTokens: 6 });
    expect(rows()).toEqual([
      { conversation_id: 'g-1', input_tokens: 10, output_tokens: 2 },
      { conversation_id: 'g-2', input_tokens: 11, output_tokens: 2 },
      { conversation_id: 'g-3', input_tokens: 12, output_tokens: 2 },
    ]);
    expect(transactions).toEqual([3]);
    await meter.close();
  });

  it('writes every call at close(), even one answered in the turn close() is called', async () => {
    const { db, meter, client, transactions } = open(60_000);
    upstream.sim.enqueue({ usage: { input: 7, output: 1 } }, { usage: { input: 8, output: 1 } });
    await client.chat.completions.create(ask, { headers: { 'x-cpr-conversation-id': 'c-1' } });
    await client.chat.completions.create(ask, { headers: { 'x-cpr-conversation-id': 'c-2' } });
    await meter.close();
    expect(transactions).toEqual([2]);
    expect(meter.recorder.stats()).toMatchObject({ recorded: 2, buffered: 0, dropped: 0 });
    const file = new BetterSqlite3(db, { readonly: true });
    expect(file.prepare('SELECT conversation_id, input_tokens FROM llm_calls ORDER BY rowid').all()).toEqual([
      { conversation_id: 'c-1', input_tokens: 7 },
      { conversation_id: 'c-2', input_tokens: 8 },
    ]);
    file.close();
  });

  it('writes the calls by itself once the delay has passed (default 100 ms)', async () => {
    const { meter, client, rows } = open();
    upstream.sim.enqueue({ usage: { input: 5, output: 5 } });
    await client.chat.completions.create(ask, { headers: { 'x-cpr-conversation-id': 'auto' } });
    expect(rows()).toEqual([]);
    expect(await eventually(() => rows().length === 1 && rows())).toEqual([{ conversation_id: 'auto', input_tokens: 5, output_tokens: 5 }]);
    await meter.close();
  });

  it('refuses a commit delay that is not a number of milliseconds', () => {
    for (const commitDelayMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createMeter({ db: ':memory:', logger: silentLogger, env: {}, commitDelayMs })).toThrow(
        expect.objectContaining({ name: 'ConfigError', option: 'commitDelayMs' }),
      );
    }
  });
});
