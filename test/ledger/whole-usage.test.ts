import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteLedger } from '../../src/ledger/sqlite/sqlite-ledger.js';
import { migrations } from '../../src/ledger/sqlite/migrations/index.js';
import { PriceBook } from '../../src/pricing/price-book.js';
import { repriceCalls } from '../../src/pricing/reprice.js';
import { buildReport } from '../../src/reports/build-report.js';
import { formatTable } from '../../src/reports/format-table.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';
import { tempDir } from '../support/temp-dir.js';

const AT = Date.UTC(2026, 10, 15, 12);
const WINDOW = { from: '2026-11-01', to: '2026-12-01' };

let harness: ProxyHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** grok-3-mini on xAI (0.30 / 0.50): 100 in, 50 + 1,000 reasoning out = 30 + 525 = 555 per million = $0.000555. */
const XAI_USAGE = { prompt_tokens: 100, completion_tokens: 50, total_tokens: 1150, completion_tokens_details: { reasoning_tokens: 1000 } };

describe('the ledger and the report, with every billed part', () => {
  it('names the provider in the model list and warns about provider figures more than 1% off the computed cost', async () => {
    harness = await startProxyHarness({ upstreamProvider: 'x-ai', now: () => AT });
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${harness.cpr.url}/v1`, maxRetries: 0 });
    const ask = { model: 'grok-3-mini', messages: [{ role: 'user' as const, content: 'Hi' }] };
    // Agrees: 5,550,000 ticks = $0.000555. Disagrees: 6,000,000 ticks = $0.0006, 7.5% above.
    harness.sim.enqueue({ rawUsage: { ...XAI_USAGE, cost_in_usd_ticks: 5_550_000 } }, { rawUsage: { ...XAI_USAGE, cost_in_usd_ticks: 6_000_000 } });
    await client.chat.completions.create(ask, { headers: { 'x-cpr-conversation-id': 'c-1' } });
    await client.chat.completions.create(ask, { headers: { 'x-cpr-conversation-id': 'c-2' } });
    const report = await buildReport(harness.cpr.ledger, { options: WINDOW, humanHourlyRate: 40 });
    expect(report.models.map((m) => m.model)).toEqual(['grok-3-mini (x-ai)']);
    // The calls cost what xAI said: 0.000555 + 0.0006 = $0.001155.
    expect(report.totals.llmCostUsd).toBeCloseTo(0.001155, 9);
    expect(report.costMismatches).toEqual([{ model: 'grok-3-mini (x-ai)', calls: 1 }]);
    expect(formatTable(report)).toContain(
      'WARNING: 1 LLM call (grok-3-mini (x-ai)) cost what the provider reported, more than 1% away from the cost computed from the price table',
    );
  });

  it('reprices from the stored parts: audio, 1-hour writes, tool calls and tier survive the round trip', async () => {
    harness = await startProxyHarness({ upstreamProvider: 'openai', now: () => AT });
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${harness.cpr.url}/v1`, maxRetries: 0 });
    harness.sim.enqueue({
      serviceTier: 'flex',
      outputItems: [{ id: 'ws_1', type: 'web_search_call', status: 'completed' }],
      rawUsage: { input_tokens: 1000, input_tokens_details: { cached_tokens: 0 }, output_tokens: 500, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 1500 },
    });
    await client.responses.create({ model: 'o3', input: 'Hi' });
    const [row] = harness.rows();
    // o3 2 / 8 at flex (x 0.5): (2,000 + 4,000) / 2 = 3,000 per million = $0.003; + one web search at $0.01 = $0.013.
    expect(row!.cost_usd).toBeCloseTo(0.013, 12);
    harness.cpr.ledger.db.prepare('UPDATE llm_calls SET cost_usd = NULL, computed_cost_usd = NULL, cost_source = NULL').run();
    const result = await repriceCalls({ ledger: harness.cpr.ledger, prices: new PriceBook(), window: { from: 0, to: AT + 1 } });
    expect(result).toEqual({ examined: 1, updated: 1, unpriced: 0 });
    const repriced = harness.rows()[0]!;
    expect(repriced.cost_usd).toBeCloseTo(0.013, 12);
    expect(repriced.cost_source).toBe('computed');
    expect(repriced.price_source).toBe('genai-prices:openai/o3+tier:flex');
    expect(JSON.parse(repriced.price_rates as string)).toMatchObject({ input_mtok: 1, output_mtok: 4, web_searches_kcount: 10 });
  });

  it('migrates a ledger of the previous version: its rows keep their cost, the new parts stay NULL', () => {
    const dir = tempDir();
    try {
      const path = dir.file('old.db');
      const db = new Database(path);
      // Apply the migrations up to 004, as the previous version did, and record a call with them.
      db.exec('CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
      for (const migration of migrations.filter((m) => m.name < '005')) {
        db.exec(migration.up);
        db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(migration.name, 0);
      }
      db.prepare(`INSERT INTO llm_calls (id, started_at, provider, operation, input_tokens, cache_read_tokens, cache_write_tokens,
        output_tokens, reasoning_tokens, cost_usd, status) VALUES ('old', ?, 'openai', 'chat', 1000, 0, 0, 100, 0, 0.00021, 'ok')`).run(AT);
      db.close();
      const ledger = openSqliteLedger({ path });
      const row = ledger.db.prepare('SELECT * FROM llm_calls').get() as Record<string, unknown>;
      expect(row.cost_usd).toBe(0.00021);
      for (const column of ['upstream_provider', 'input_audio_tokens', 'web_searches', 'service_tier', 'provider_cost_usd', 'cost_source']) expect(row[column], column).toBeNull();
      void ledger.close();
    } finally {
      dir.remove();
    }
  });
});
