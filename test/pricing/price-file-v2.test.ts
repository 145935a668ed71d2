import { describe, expect, it } from 'vitest';
import { resolveServeConfig } from '../../src/config/serve-config.js';
import type { Logger } from '../../src/logging/logger.js';
import { findKey, keyMatches } from '../../src/pricing/model-key.js';
import { PriceBook } from '../../src/pricing/price-book.js';
import { priceCall } from '../../src/pricing/price-call.js';
import { parsePriceFile } from '../../src/pricing/price-file.js';
import { publishedTier } from '../../src/pricing/service-tiers.js';
import { upstreamProviderOf } from '../../src/pricing/upstream-provider.js';
import type { Usage } from '../../src/usage/types.js';

const AT = Date.UTC(2026, 10, 15);
const usage = (parts: Partial<Usage>): Usage => ({ inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, ...parts });
const price = (book: PriceBook, model: string, u: Usage, provider: 'openai' | 'anthropic' = 'openai') =>
  priceCall({ provider, model, usage: u, status: 'ok', at: AT }, book);

describe('price file, second version', () => {
  it('refuses an unknown key, naming it and the keys accepted there', () => {
    expect(() => parsePriceFile({ models: { m: { input: 1, outptu: 2 } } })).toThrow(
      /models\.m: unknown key "outptu" \(accepted: input, output, cachedInput, cacheWrite, cacheWrite1h, inputAudio, outputAudio, perRequest, perCall, tiers, serviceTiers\)/,
    );
    expect(() => parsePriceFile({ models: { m: { input: 1, perCall: { webSerch: 0.01 } } } })).toThrow(/unknown key "webSerch" \(accepted: webSearch, fileSearch, codeExecution\)/);
    expect(() => parsePriceFile({ models: {}, currency: 'EUR' })).toThrow(/\(root\): unknown key "currency" \(accepted: models\)/);
  });

  it('keeps the first version working', () => {
    const file = parsePriceFile({ models: { 'acme-7b': { input: 0.2, cachedInput: 0.1, cacheWrite: 0.25, output: 0.4 } } });
    // 1000 in (200 cached, 300 written) and 100 out: 500 x 0.2 + 200 x 0.1 + 300 x 0.25 + 100 x 0.4 = 100 + 20 + 75 + 40 = 235 per million.
    expect(price(new PriceBook({ overrides: file }), 'acme-7b', usage({ inputTokens: 1000, cacheReadTokens: 200, cacheWriteTokens: 300, outputTokens: 100 })).costUsd).toBeCloseTo(0.000235, 12);
  });

  it('prices 1-hour cache writes, audio, per-request and per-tool-call fees', () => {
    const book = new PriceBook({
      overrides: parsePriceFile({
        models: {
          'acme-voice': { input: 1, output: 4, cacheWrite: 1.25, cacheWrite1h: 2, inputAudio: 10, outputAudio: 20, perRequest: 0.001, perCall: { webSearch: 0.01, fileSearch: 0.0025 } },
        },
      }),
    });
    const u = usage({ inputTokens: 10_000, cacheWriteTokens: 3000, cacheWrite1hTokens: 1000, inputAudioTokens: 2000, outputTokens: 1000, outputAudioTokens: 500, webSearches: 2, fileSearches: 4 });
    // Input: 3000 written (2000 at 1.25, 1000 at 2), 2000 audio at 10, the other 5000 at 1:
    //   2,500 + 2,000 + 20,000 + 5,000 = 29,500. Output: 500 audio at 20 + 500 text at 4 = 10,000 + 2,000 = 12,000.
    //   41,500 per million = $0.0415; + $0.001 per request + 2 x $0.01 + 4 x $0.0025 = $0.031: $0.0725.
    expect(price(book, 'acme-voice', u).costUsd).toBeCloseTo(0.0725, 12);
  });

  it('prices input-size tiers for the whole call, and service-tier multipliers from the file over the published table', () => {
    const book = new PriceBook({
      overrides: parsePriceFile({ models: { 'acme-long': { input: 1, output: 2, tiers: [{ above: 100_000, input: 2, output: 3 }], serviceTiers: { flex: 0.4 } } } }),
    });
    // 50,000 x 1 + 1,000 x 2 = 52,000 per million; past 100,000: 150,000 x 2 + 1,000 x 3 = 303,000.
    expect(price(book, 'acme-long', usage({ inputTokens: 50_000, outputTokens: 1000 })).costUsd).toBeCloseTo(0.052, 12);
    expect(price(book, 'acme-long', usage({ inputTokens: 150_000, outputTokens: 1000 })).costUsd).toBeCloseTo(0.303, 12);
    // flex at the file's 0.4: 52,000 x 0.4 = 20,800 per million.
    const flex = price(book, 'acme-long', usage({ inputTokens: 50_000, outputTokens: 1000, serviceTier: 'flex' }));
    expect(flex.costUsd).toBeCloseTo(0.0208, 12);
    expect(flex.prices?.source).toBe('override:acme-long+tier:flex');
  });

  it('prices an unknown service tier at the standard rate and says so once', () => {
    const lines: string[] = [];
    const logger: Logger = { debug() {}, info() {}, error() {}, warn: (message) => void lines.push(message) };
    const book = new PriceBook({ logger });
    // gpt-4o-mini: 1000 x 0.15 + 100 x 0.6 = 210 per million, twice.
    for (let i = 0; i < 2; i += 1) expect(price(book, 'gpt-4o-mini', usage({ inputTokens: 1000, outputTokens: 100, serviceTier: 'scale' })).costUsd).toBeCloseTo(0.00021, 12);
    expect(lines).toEqual(['no price known for this service tier: calls are priced at the standard rate']);
  });
});

describe('price-file keys', () => {
  it('match a model exactly or a dated snapshot of it, never another model', () => {
    expect(keyMatches('gpt-4o', 'gpt-4o-2024-08-06')).toBe(true);
    expect(keyMatches('claude-sonnet-4', 'claude-sonnet-4-20250514')).toBe(true);
    expect(keyMatches('gpt-4', 'gpt-4-0613')).toBe(true);
    expect(keyMatches('gpt-4o', 'gpt-4o-mini')).toBe(false);
    expect(keyMatches('o3', 'o3-pro')).toBe(false);
    expect(keyMatches('o3', 'o3-mini-2025-01-31')).toBe(false);
  });

  it('take an explicit prefix with *, the longest first, after exact and snapshot keys', () => {
    expect(findKey(['gpt-4o*', 'gpt-4o-mini*'], 'gpt-4o-mini-tts')).toBe('gpt-4o-mini*');
    expect(findKey(['gpt-4o*', 'gpt-4o'], 'gpt-4o-2024-08-06')).toBe('gpt-4o');
    expect(findKey(['gpt-4o', 'gpt-4o-2024-08-06'], 'gpt-4o-2024-08-06')).toBe('gpt-4o-2024-08-06');
    expect(findKey(['gpt-4o'], 'gpt-4o-mini')).toBeUndefined();
  });
});

describe('the upstream provider', () => {
  it('is matched from the upstream URL with the database patterns, or is null for a local server', () => {
    expect(upstreamProviderOf({ url: 'https://api.groq.com/openai/v1' })).toBe('groq');
    expect(upstreamProviderOf({ url: 'https://api.cerebras.ai/v1' })).toBe('cerebras');
    expect(upstreamProviderOf({ url: 'https://openrouter.ai/api/v1' })).toBe('openrouter');
    expect(upstreamProviderOf({ url: 'https://api.x.ai/v1' })).toBe('x-ai');
    expect(upstreamProviderOf({ url: 'https://api.openai.com/v1' })).toBe('openai');
    expect(upstreamProviderOf({ url: 'http://127.0.0.1:9000/v1' })).toBeNull();
    expect(upstreamProviderOf({ url: 'http://127.0.0.1:9000/v1', explicit: 'groq' })).toBe('groq');
  });

  it('is resolved by serve: --upstream-provider, then CPR_UPSTREAM_PROVIDER, then the URL', () => {
    expect(resolveServeConfig({ upstream: 'https://api.groq.com/openai/v1' }, {}).upstreamProvider).toBe('groq');
    expect(resolveServeConfig({}, {}).anthropicUpstreamProvider).toBe('anthropic');
    expect(resolveServeConfig({ upstream: 'http://127.0.0.1:1/v1' }, { CPR_UPSTREAM_PROVIDER: 'cerebras' }).upstreamProvider).toBe('cerebras');
    expect(resolveServeConfig({ upstream: 'http://127.0.0.1:1/v1', upstreamProvider: 'groq' }, { CPR_UPSTREAM_PROVIDER: 'cerebras' }).upstreamProvider).toBe('groq');
    expect(() => resolveServeConfig({ upstreamProvider: 'Not A Provider' }, {})).toThrow(/--upstream-provider \(CPR_UPSTREAM_PROVIDER\) must be a provider id/);
  });

  it('never prices a model at another host when the host does not list it', () => {
    // gpt-4o-mini is not on Groq: unpriced, not OpenAI's price.
    const priced = priceCall({ provider: 'openai', upstreamProvider: 'groq', model: 'gpt-4o-mini', usage: usage({ inputTokens: 10, outputTokens: 10 }), status: 'ok', at: AT }, new PriceBook());
    expect(priced).toEqual({ costUsd: null, computedCostUsd: null, costSource: null, prices: null });
  });
});

describe('service tiers in the database', () => {
  it("are preferred to the published table: OpenRouter's <model>:batch entry", () => {
    const priced = priceCall(
      { provider: 'openai', upstreamProvider: 'openrouter', model: 'openai/gpt-6-luna', usage: usage({ inputTokens: 10_000, outputTokens: 1000, serviceTier: 'batch' }), status: 'ok', at: AT },
      new PriceBook(),
    );
    // openai/gpt-6-luna:batch: 0.05 in, 0.25 out: 10,000 x 0.05 + 1,000 x 0.25 = 500 + 250 = 750 per million.
    expect(priced.costUsd).toBeCloseTo(0.00075, 12);
    expect(priced.prices?.source).toBe('genai-prices:openrouter/openai/gpt-6-luna+tier:batch');
  });
});

describe('published service tiers', () => {
  it('name a model before a wildcard, each with its source', () => {
    expect(publishedTier({ provider: 'openai', model: 'gpt-4o-2024-08-06', tier: 'priority' })?.rates).toEqual({ input: 4.25, cachedInput: 2.125, output: 17 });
    expect(publishedTier({ provider: 'openai', model: 'o4-mini', tier: 'flex' })?.multiplier).toBe(0.5);
    expect(publishedTier({ provider: 'openai', model: 'gpt-3.5-turbo', tier: 'priority' })).toBeUndefined();
    expect(publishedTier({ provider: 'anthropic', model: 'claude-sonnet-4-5', tier: 'batch' })?.source).toMatch(/^https:\/\/docs\.anthropic\.com/);
  });
});
