import { describe, expect, it } from 'vitest';
import { costOf } from '../../src/pricing/cost.js';
import { PriceBook } from '../../src/pricing/price-book.js';
import { priceCall } from '../../src/pricing/price-call.js';
import { parsePriceFile } from '../../src/pricing/price-file.js';

const usage = (inputTokens: number, cacheReadTokens: number, cacheWriteTokens: number, outputTokens: number, reasoningTokens = 0) =>
  ({ inputTokens, cacheReadTokens, cacheWriteTokens, outputTokens, reasoningTokens });

describe('costOf', () => {
  it('bills cached input at the cached price and never also as uncached', () => {
    // gpt-4o-mini: 0.15 in, 0.075 cached, 0.6 out per million.
    // (1200 - 1024) x 0.15 + 1024 x 0.075 + 300 x 0.6 = 26.4 + 76.8 + 180 = 283.2 per million.
    const prices = { input: 0.15, cachedInput: 0.075, cacheWrite: null, output: 0.6, source: 't' };
    expect(costOf(usage(1200, 1024, 0, 300), prices)).toBeCloseTo(0.0002832, 12);
  });

  it('bills reasoning tokens once, as part of output', () => {
    // o3-mini: 1.1 / 0.55 / 4.4. 464 x 1.1 + 1536 x 0.55 + 500 x 4.4 = 510.4 + 844.8 + 2200 = 3555.2.
    const prices = { input: 1.1, cachedInput: 0.55, cacheWrite: null, output: 4.4, source: 't' };
    expect(costOf(usage(2000, 1536, 0, 500, 384), prices)).toBeCloseTo(0.0035552, 12);
  });

  it('bills Anthropic cache reads and writes at their own prices', () => {
    // claude-sonnet-4: 3 in, 0.3 read, 3.75 write, 15 out.
    // 100 x 3 + 5000 x 0.3 + 2000 x 3.75 + 250 x 15 = 300 + 1500 + 7500 + 3750 = 13,050.
    const prices = { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15, source: 't' };
    expect(costOf(usage(7100, 5000, 2000, 250), prices)).toBeCloseTo(0.01305, 12);
  });

  it('falls back to the input price when cached or cache-write prices are missing', () => {
    // Everything at 2 per million: (10 + 20 + 30) x 2 + 40 x 8 = 120 + 320 = 440.
    const prices = { input: 2, cachedInput: null, cacheWrite: null, output: 8, source: 't' };
    expect(costOf(usage(60, 20, 30, 40), prices)).toBeCloseTo(0.00044, 12);
  });
});

describe('PriceBook', () => {
  const pricesOf = (book: PriceBook, model: string, provider: 'openai' | 'anthropic', inputTokens = 1000) =>
    priceCall({ provider, model, usage: usage(inputTokens, 0, 0, 10), status: 'ok', at: Date.UTC(2026, 0, 1) }, book).prices;

  it('prices from the bundled database, offline', () => {
    const book = new PriceBook();
    expect(pricesOf(book, 'gpt-4o-mini-2024-07-18', 'openai')).toMatchObject({ input: 0.15, cachedInput: 0.075, output: 0.6 });
    expect(pricesOf(book, 'claude-sonnet-4-20250514', 'anthropic')).toMatchObject({ input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 });
    expect(book.lookup({ model: 'no-such-model-xyz', provider: 'openai' })).toBeNull();
  });

  it('lets overrides win, matching a key exactly or as a dated snapshot of it', () => {
    const book = new PriceBook({
      overrides: parsePriceFile({ models: { 'gpt-4o': { input: 2.5, output: 10 }, 'gpt-4o-mini': { input: 1, cachedInput: 0.5, output: 2 } } }),
    });
    expect(pricesOf(book, 'gpt-4o-mini-2024-07-18', 'openai')).toMatchObject({
      input: 1, cachedInput: 0.5, cacheWrite: null, output: 2, source: 'override:gpt-4o-mini',
    });
    expect(book.lookup({ model: 'gpt-4o-2024-08-06', provider: 'openai' })?.source).toBe('override:gpt-4o');
    expect(book.lookup({ model: 'gpt-4o', provider: 'openai' })?.source).toBe('override:gpt-4o');
  });

  it('picks the tier of tiered prices from the call input', () => {
    // gemini-2.5-pro: 1.25 up to 200k input tokens, 2.5 past it.
    const book = new PriceBook();
    expect(pricesOf(book, 'gemini-2.5-pro', 'openai', 1000)?.input).toBe(1.25);
    expect(pricesOf(book, 'gemini-2.5-pro', 'openai', 250_000)?.input).toBe(2.5);
  });

  it('refuses a malformed price file, naming the entry', () => {
    expect(() => parsePriceFile({ models: { x: { input: -1, output: 1 } } })).toThrow(/models\.x\.input/);
    expect(() => parsePriceFile({ model: {} })).toThrow(/models/);
  });
});

describe('priceCall', () => {
  const book = new PriceBook();
  it('leaves an unknown model unpriced (null), never 0', () => {
    expect(priceCall({ provider: 'openai', model: 'mystery-1', usage: usage(10, 0, 0, 10), status: 'ok', at: 0 }, book)).toEqual({ costUsd: null, computedCostUsd: null, costSource: null, prices: null });
  });
  it('costs a failed call without usage 0, and an ok call without usage null', () => {
    expect(priceCall({ provider: 'openai', model: 'gpt-4o-mini', usage: null, status: 'error', at: 0 }, book).costUsd).toBe(0);
    expect(priceCall({ provider: 'openai', model: 'gpt-4o-mini', usage: null, status: 'ok', at: 0 }, book).costUsd).toBeNull();
  });
});
