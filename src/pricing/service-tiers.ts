import { keyMatches } from './model-key.js';

/** The token rates of a tier, USD per million tokens, where a provider publishes them per model. */
export interface TierRates {
  input: number;
  cachedInput: number;
  output: number;
}

/**
 * A service tier's published price for some of a provider's models: a multiplier of every token
 * rate, or the tier's own rates. Per-call tool fees are not changed by a tier.
 */
export interface PublishedTier {
  provider: string;
  tier: string;
  /** Model keys, matched as price-file keys are (`gpt-4o` covers its snapshots, `gpt-5*` a prefix). */
  models: readonly string[];
  multiplier?: number;
  rates?: TierRates;
  source: string;
  /** When the rate was read from the source. */
  asOf: string;
}

/** Tier names that mean the standard price. */
export const STANDARD_TIERS: ReadonlySet<string> = new Set(['default', 'standard', 'auto', 'on_demand']);

const OPENAI_PRIORITY = 'https://openai.com/api-priority-processing/';
const OPENAI_FLEX = 'https://platform.openai.com/docs/guides/flex-processing';
const OPENAI_BATCH = 'https://platform.openai.com/docs/guides/batch';
const ANTHROPIC_PRICING = 'https://docs.anthropic.com/en/docs/about-claude/pricing';
const ANTHROPIC_US_ONLY = 'https://support.claude.com/en/articles/15422948-enable-us-only-inference-for-your-organization';
const GOOGLE_PRICING = 'https://ai.google.dev/gemini-api/docs/pricing';
const AS_OF = '2026-12-06';

function priority(models: string[], input: number, cachedInput: number, output: number): PublishedTier {
  return { provider: 'openai', tier: 'priority', models, rates: { input, cachedInput, output }, source: OPENAI_PRIORITY, asOf: AS_OF };
}

/**
 * Published service-tier prices that `@pydantic/genai-prices` does not carry yet (its issues
 * #390, #547). The price file's `serviceTiers` overrides them per model; a database price for
 * the tier (a `<model>:<tier>` entry, as OpenRouter's `:batch` routes) is preferred to them.
 */
export const PUBLISHED_TIERS: readonly PublishedTier[] = [
  priority(['gpt-5', 'gpt-5.1', 'gpt-5-codex', 'gpt-5.1-codex'], 2.5, 0.25, 20),
  priority(['gpt-5-mini'], 0.45, 0.045, 3.6),
  priority(['gpt-5.2'], 3.5, 0.35, 28),
  priority(['gpt-4.1'], 3.5, 0.875, 14),
  priority(['gpt-4.1-mini'], 0.7, 0.175, 2.8),
  priority(['gpt-4.1-nano'], 0.2, 0.05, 0.8),
  priority(['gpt-4o', 'gpt-4o-2024-11-20', 'gpt-4o-2024-08-06'], 4.25, 2.125, 17),
  priority(['gpt-4o-mini'], 0.25, 0.125, 1),
  priority(['o3'], 3.5, 0.875, 14),
  priority(['o4-mini'], 2, 0.5, 8),
  { provider: 'openai', tier: 'flex', models: ['*'], multiplier: 0.5, source: OPENAI_FLEX, asOf: AS_OF },
  { provider: 'openai', tier: 'batch', models: ['*'], multiplier: 0.5, source: OPENAI_BATCH, asOf: AS_OF },
  { provider: 'anthropic', tier: 'batch', models: ['*'], multiplier: 0.5, source: ANTHROPIC_PRICING, asOf: AS_OF },
  // Anthropic's Priority Tier bills the standard per-token rates against a committed spend.
  { provider: 'anthropic', tier: 'priority', models: ['*'], multiplier: 1, source: ANTHROPIC_PRICING, asOf: AS_OF },
  // US-only inference (`inference_geo: "us"`), which only Opus 4.6, Sonnet 4.6 and later accept.
  { provider: 'anthropic', tier: 'inference_geo:us', models: ['*'], multiplier: 1.1, source: ANTHROPIC_US_ONLY, asOf: AS_OF },
  { provider: 'google', tier: 'flex', models: ['*'], multiplier: 0.5, source: GOOGLE_PRICING, asOf: AS_OF },
  { provider: 'google', tier: 'batch', models: ['*'], multiplier: 0.5, source: GOOGLE_PRICING, asOf: AS_OF },
  { provider: 'google', tier: 'priority', models: ['*'], multiplier: 1.8, source: GOOGLE_PRICING, asOf: AS_OF },
];

/** The published price of `tier` for a provider's model: a model named in an entry before a `*` entry; `undefined` when none is known. */
export function publishedTier(options: { provider: string; model: string; tier: string }): PublishedTier | undefined {
  const candidates = PUBLISHED_TIERS.filter((entry) => entry.provider === options.provider && entry.tier === options.tier);
  return (
    candidates.find((entry) => entry.models.some((key) => key !== '*' && keyMatches(key, options.model))) ??
    candidates.find((entry) => entry.models.includes('*'))
  );
}
