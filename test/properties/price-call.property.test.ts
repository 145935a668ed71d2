import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { costOf } from '../../src/pricing/cost.js';
import { PriceBook } from '../../src/pricing/price-book.js';
import { priceCall } from '../../src/pricing/price-call.js';
import { parsePriceFile } from '../../src/pricing/price-file.js';
import type { CallStatus } from '../../src/ledger/types.js';
import { parseUsage } from '../../src/usage/parse-usage.js';
import type { Provider, Usage } from '../../src/usage/types.js';
import { countLike, expectValidCost, usageLike } from './arbitraries.js';

// Runs per property. Bundled lookups go through @pydantic/genai-prices, so these are fewer.
const RUNS = 1000;

const provider = fc.constantFrom<Provider>('openai', 'anthropic');
const status = fc.constantFrom<CallStatus>('ok', 'error', 'aborted');
const at = fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constant(Date.now()));

/** Real model names (priced), their dated snapshots, and anything at all. */
const modelName = fc.oneof(
  fc.constantFrom('gpt-4o-mini', 'gpt-4o-mini-2024-07-18', 'gpt-4o', 'o3-mini', 'claude-sonnet-4-5', 'claude-3-5-haiku-latest',
    'text-embedding-3-small', 'gpt-3.5-turbo-instruct', 'gemini-2.5-pro', ''),
  fc.string({ maxLength: 40 }),
  fc.string({ maxLength: 40, unit: 'binary' }),
);

/** Any usage the parser can produce from any body, and hand-made usages up to the largest count it accepts. */
const usage: fc.Arbitrary<Usage | null> = fc.oneof(
  fc.tuple(provider, usageLike).map(([p, u]) => parseUsage(p, u)),
  fc.record({
    inputTokens: fc.maxSafeNat(), cacheReadTokens: fc.maxSafeNat(), cacheWriteTokens: fc.maxSafeNat(),
    outputTokens: fc.maxSafeNat(), reasoningTokens: fc.maxSafeNat(),
  }),
);

/** A price field of an override file: sensible, absurd, or not a price. */
const priceLike = fc.oneof(
  { weight: 3, arbitrary: fc.double({ min: 0, max: 100, noNaN: true }) },
  fc.double(),
  fc.constantFrom(Number.MAX_VALUE, 1e300, 1e6, -1, 0),
  countLike,
);

/** A user's override file, valid or not, keyed by names that may be prefixes of the model. */
const overrideFile = fc.oneof(
  fc.record({
    models: fc.dictionary(
      fc.oneof(fc.constantFrom('gpt-4o', 'gpt', 'claude', 'o3', 'x'), fc.string({ maxLength: 12 })),
      fc.record({ input: priceLike, cachedInput: priceLike, cacheWrite: priceLike, output: priceLike }, { requiredKeys: ['input', 'output'] }),
      { maxKeys: 4 },
    ),
  }),
  fc.anything({ maxDepth: 3 }),
);

/** The book a user gets from an override file: `null` when the file is refused (with a ConfigError, and only that). */
function bookFrom(file: unknown): PriceBook | null {
  try {
    return new PriceBook({ overrides: parsePriceFile(file, 'property') });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return null;
  }
}

describe('pricing arbitrary calls', () => {
  const bundled = new PriceBook();

  it('never gives a negative, NaN or infinite cost, with the bundled prices', () => {
    fc.assert(
      fc.property(provider, modelName, usage, status, at, (p, model, u, s, when) => {
        const { costUsd, prices } = priceCall({ provider: p, model, usage: u, status: s, at: when }, bundled);
        expectValidCost(costUsd);
        if (costUsd === null) expect(prices).toBeNull();
      }),
      { numRuns: RUNS },
    );
  });

  it('never gives a negative, NaN or infinite cost, with any override file the server accepts', () => {
    // Half the time the model is named after a key of the file, so that its override applies.
    const fileAndModel = overrideFile.chain((file) => {
      const keys = Object.keys((file as { models?: object } | null)?.models ?? {});
      const named = keys.length === 0 ? modelName : fc.tuple(fc.constantFrom(...keys), fc.string({ maxLength: 8 })).map(([k, tail]) => k + tail);
      return fc.tuple(fc.constant(file), fc.oneof(named, modelName));
    });
    fc.assert(
      fc.property(fileAndModel, provider, usage, status, ([file, model], p, u, s) => {
        const book = bookFrom(file);
        if (book === null) return;
        const { costUsd } = priceCall({ provider: p, model, usage: u, status: s, at: Date.now() }, book);
        expectValidCost(costUsd);
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves a model without a price unknown (null), never 0, unless the call failed without usage', () => {
    // Names made of characters no model name in the database is spelled with.
    const unknownModel = fc.string({ unit: fc.constantFrom('q', 'z', '9', '_'), minLength: 1, maxLength: 20 }).map((s) => `cpr-unknown-${s}`);
    fc.assert(
      fc.property(provider, unknownModel, usage, status, (p, model, u, s) => {
        const { costUsd, prices } = priceCall({ provider: p, model, usage: u, status: s, at: Date.now() }, bundled);
        expect(prices).toBeNull();
        expect(costUsd).toBe(u === null && s === 'error' ? 0 : null);
      }),
      { numRuns: RUNS },
    );
  });

  it('costOf is finite and non-negative for every usage and every price an accepted file can hold', () => {
    const acceptedPrice = fc.double({ min: 0, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(usage.filter((u): u is Usage => u !== null), acceptedPrice, fc.option(acceptedPrice), fc.option(acceptedPrice), acceptedPrice,
        (u, input, cachedInput, cacheWrite, output) => {
          expectValidCost(costOf(u, { input, cachedInput, cacheWrite, output, source: 'property' }));
        }),
      { numRuns: RUNS },
    );
  });
});
