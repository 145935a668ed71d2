import { calcPrice } from '@pydantic/genai-prices';
import type { ModelInfo, Provider as PricesProvider } from '@pydantic/genai-prices';
import type { Logger } from '../logging/logger.js';
import type { Provider } from '../usage/types.js';
import { fileRates } from './file-rates.js';
import { findKey } from './model-key.js';
import type { PriceFile, PriceFileEntry } from './types.js';

/** What {@link PriceBook.lookup} needs to find a model's prices. */
export interface PriceQuery {
  /** The model to price: the response's model when known, else the request's. */
  model: string;
  /** The wire format. */
  provider: Provider;
  /** The company whose API served the call (`openai`, `groq`, `openrouter`...); `null` when unknown. */
  upstreamProvider?: string | null;
}

/**
 * A model's prices, ready for `@pydantic/genai-prices`' calculation: a provider holding that one
 * model (its prices may change with the date; the calculation picks them by the call's time).
 */
export interface PriceSheet {
  provider: PricesProvider;
  /** The provider the prices are for (for service tiers): a `@pydantic/genai-prices` id, or the call's. */
  providerId: string;
  /** `override:<key>` or `genai-prices:<provider>/<model>`. */
  source: string;
  /** The price file's service-tier multipliers for the model, if it gives any. */
  serviceTiers?: Record<string, number>;
}

/** OpenRouter's vendor prefixes that are not `@pydantic/genai-prices` provider ids. */
const VENDOR_IDS: Record<string, string> = { 'x-ai': 'x-ai', mistralai: 'mistral', 'meta-llama': 'meta', qwen: 'qwen' };

const ZERO = { input_tokens: 0, output_tokens: 0 };

/** Matches any name: a sheet holds the one model it was found for. */
const ANY_NAME = { starts_with: '' };

/** A provider holding one model, so that the calculation needs no search. */
export function oneModelProvider(provider: { id: string; name: string; api_pattern?: string }, model: ModelInfo): PricesProvider {
  return { id: provider.id, name: provider.name, api_pattern: provider.api_pattern ?? '', models: [model] };
}

/**
 * Prices per model: the user's price file first, then the bundled `@pydantic/genai-prices`
 * database (offline), for the provider that served the call. Lookups are cached per provider and model.
 *
 * A price-file key prices a model of its exact name or a dated snapshot of it (`gpt-4o` prices
 * `gpt-4o-2024-08-06`, not `gpt-4o-mini`); a key ending in `*` is a prefix (see `model-key.ts`).
 * The database is asked under the upstream provider when it is known (a model it does not list
 * there is unpriced, never priced at another host's rate; OpenRouter's `vendor/model` slugs fall
 * back to the vendor's price), else under the wire format and then under any provider.
 */
export class PriceBook {
  readonly #overrides: PriceFile['models'];
  readonly #keys: string[];
  readonly #bundled: boolean;
  readonly #cache = new Map<string, PriceSheet | null>();
  readonly #logger: Logger | undefined;
  readonly #warned = new Set<string>();

  constructor(options: { overrides?: PriceFile; bundled?: boolean; logger?: Logger } = {}) {
    this.#overrides = options.overrides?.models ?? {};
    this.#keys = Object.keys(this.#overrides);
    this.#bundled = options.bundled ?? true;
    this.#logger = options.logger;
  }

  /** The model's prices, or `null` when it is unknown (the call is then unpriced). */
  lookup({ model, provider, upstreamProvider = null }: PriceQuery): PriceSheet | null {
    const cacheKey = `${upstreamProvider ?? ''}\u0000${provider}\u0000${model}`;
    const cached = this.#cache.get(cacheKey);
    if (cached !== undefined) return cached;
    const found = this.#override(model, upstreamProvider ?? provider) ?? (this.#bundled ? this.#bundledSheet(model, provider, upstreamProvider) : null);
    this.#cache.set(cacheKey, found);
    return found;
  }

  /** Logs `message` once per `key` (at `warn`), for conditions that repeat with every call of a model. */
  warnOnce(key: string, message: string, fields: Record<string, unknown>): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#logger?.warn(message, fields);
  }

  #override(model: string, providerId: string): PriceSheet | null {
    const key = findKey(this.#keys, model);
    if (key === undefined) return null;
    const entry = this.#overrides[key] as PriceFileEntry;
    const info: ModelInfo = { id: model, match: ANY_NAME, prices: fileRates(entry) };
    return {
      provider: oneModelProvider({ id: providerId, name: providerId }, info),
      providerId,
      source: `override:${key}`,
      ...(entry.serviceTiers ? { serviceTiers: entry.serviceTiers } : {}),
    };
  }

  #bundledSheet(model: string, provider: Provider, upstream: string | null): PriceSheet | null {
    const attempts: Array<{ model: string; providerId?: string }> = upstream ? [{ model, providerId: upstream }] : [{ model, providerId: provider }, { model }];
    const slash = model.indexOf('/');
    if (upstream === 'openrouter' && slash > 0) {
      const vendor = model.slice(0, slash);
      attempts.push({ model: model.slice(slash + 1), providerId: VENDOR_IDS[vendor] ?? vendor });
    }
    for (const attempt of attempts) {
      let result;
      try {
        result = calcPrice(ZERO, attempt.model, attempt.providerId ? { providerId: attempt.providerId } : {});
      } catch {
        result = null;
      }
      if (!result) continue;
      return {
        provider: oneModelProvider(result.provider, { ...result.model, match: ANY_NAME }),
        providerId: result.provider.id,
        source: `genai-prices:${result.provider.id}/${result.model.id}`,
      };
    }
    return null;
  }
}
