import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

let h: ProxyHarness;
const dir = tempDir();
beforeAll(async () => {
  h = await startProxyHarness();
});
afterAll(async () => {
  await h.close();
  dir.remove();
});

describe('cpr-meter reprice', () => {
  it('prices calls recorded before their model had a price', async () => {
    h.sim.enqueue({ usage: { input: 1000, cacheRead: 400, output: 250 } });
    const { response } = await h.client.chat.completions.create({ model: 'acme-bot-1', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    const id = response.headers.get('x-cpr-call-id')!;
    expect(h.row(id).cost_usd).toBeNull();

    const prices = dir.file('prices.json');
    // `acme-bot*`: an explicit prefix (a plain `acme-bot` prices only acme-bot and its dated snapshots).
    writeFileSync(prices, JSON.stringify({ models: { 'acme-bot*': { input: 2, cachedInput: 0.5, output: 8 } } }));
    const result = await runCli(['reprice', '--db', h.dbPath, '--prices', prices]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/1 calls examined, 1 updated, 0 still unpriced/);
    // (1000 - 400) x 2 + 400 x 0.5 + 250 x 8 = 1200 + 200 + 2000 = 3,400 per million = $0.0034.
    const row = h.row(id);
    expect(row.cost_usd).toBeCloseTo(0.0034, 12);
    expect(row).toMatchObject({ price_input: 2, price_cached_input: 0.5, price_output: 8, price_source: 'override:acme-bot*' });
  });

  it('names the option when a date is not ISO 8601', async () => {
    const result = await runCli(['reprice', '--db', h.dbPath, '--from', 'yesterday']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Invalid "from": expected a date/);
  });
});
