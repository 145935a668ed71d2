import { calcPrice } from '@pydantic/genai-prices';
import type { ModelPrice } from '@pydantic/genai-prices';
import type { Provider } from '../usage/types.js';
import type { PriceFile, UnitPrices } from './types.js';

/** What {@link PriceBook.lookup} needs to find a model's unit prices. */
export interface PriceQuery {
  /** The model to price: the response's model when known, else the request's. */
  model: string;
  provider: Provider;
  /** When the call happened (ms epoch); prices that changed over time are taken as of then. */
  at?: number;
  /** All input tokens of the call, to pick a tier of tiered prices. */
  inputTokens?: number;
}

type Tiered = { base: number; tiers: Array<{ start: number; price: number }> };
type RawPrice = number | Tiered | undefined;

/** A tier's price applies to the whole call once its input passes the tier's start. */
function resolveTier(price: RawPrice, inputTokens: number): number | null {
  if (typeof price === 'number') return price;
  if (price === undefined || price === null) return null;
  let chosen = price.base;
  for (const tier of price.tiers) if (inputTokens > tier.start) chosen = tier.price;
  return chosen;
}

/**
 * Unit prices per model: the user's overrides first, then the bundled `@pydantic/genai-prices`
 * database (offline). Lookups are cached per provider and model.
 *
 * An override key matches a model exactly, or else the longest key the model starts with, so
 * `gpt-4o-mini-2024-07-18` is priced as `gpt-4o-mini`, not `gpt-4o`.
 */
export class PriceBook {
  readonly #overrides: Array<[string, PriceFile['models'][string]]>;
  readonly #bundled: boolean;
  readonly #cache = new Map<string, { price: ModelPrice; source: string } | null>();

  constructor(options: { overrides?: PriceFile; bundled?: boolean } = {}) {
    // Longest keys first, so the first prefix hit is the longest.
    this.#overrides = Object.entries(options.overrides?.models ?? {}).sort((a, b) => b[0].length - a[0].length);
    this.#bundled = options.bundled ?? true;
  }

  /** Unit prices for the query, or `null` when the model is unknown (the call is then unpriced). */
  lookup({ model, provider, at, inputTokens = 0 }: PriceQuery): UnitPrices | null {
    const override = this.#override(model);
    if (override) return override;
    if (!this.#bundled) return null;
    const found = this.#bundledPrice(model, provider, at);
    if (!found) return null;
    const input = resolveTier(found.price.input_mtok as RawPrice, inputTokens);
    const output = resolveTier(found.price.output_mtok as RawPrice, inputTokens);
    // A model the database lists without token prices (an image model, say) is not priced by tokens.
    if (input === null && output === null) return null;
    return {
      input: input ?? 0,
      cachedInput: resolveTier(found.price.cache_read_mtok as RawPrice, inputTokens),
      cacheWrite: resolveTier(found.price.cache_write_mtok as RawPrice, inputTokens),
      output: output ?? 0,
      source: found.source,
    };
  }

  #override(model: string): UnitPrices | null {
    for (const [key, price] of this.#overrides) {
      if (model === key || model.startsWith(key)) {
        return {
          input: price.input,
          cachedInput: price.cachedInput ?? null,
          cacheWrite: price.cacheWrite ?? null,
          output: price.output,
          source: `override:${key}`,
        };
      }
    }
    return null;
  }

  #bundledPrice(model: string, provider: Provider, at: number | undefined): { price: ModelPrice; source: string } | null {
    const key = `${provider}\u0000${model}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const timestamp = at === undefined ? undefined : new Date(at);
    // The wire format says little about who serves the model (any OpenAI-compatible host), so
    // a miss under the provider is retried across every provider the database knows.
    const result =
      calcPrice({ input_tokens: 0, output_tokens: 0 }, model, { providerId: provider, timestamp }) ??
      calcPrice({ input_tokens: 0, output_tokens: 0 }, model, { timestamp });
    const found = result ? { price: result.model_price, source: `genai-prices:${result.provider.id}/${result.model.id}` } : null;
    // Prices with date or time-of-day conditions depend on `at`: never cache those.
    if (!result || !Array.isArray(result.model.prices)) this.#cache.set(key, found);
    return found;
  }
}
