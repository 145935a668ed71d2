import type { SimScript } from '../../src/simulator/index.js';
import type { PriceFile } from '../../src/pricing/types.js';

/**
 * One way a bill goes wrong, as the provider documents the payload, with the cost a person
 * computed by hand from the provider's published prices (USD per million tokens unless said).
 */
export interface PitfallCase {
  name: string;
  /** The provider's page the payload shape and the prices come from. */
  source: string;
  wire: 'openai' | 'anthropic';
  operation: 'chat' | 'responses' | 'messages' | 'embeddings';
  model: string;
  /** Set as `--upstream-provider` (proxy) or `upstreamProvider` (wrapper): the local upstream's URL names none. */
  upstreamProvider?: string;
  /** What the simulated upstream answers: the usage object exactly as documented. */
  script: SimScript;
  /** A price file, when the case is about one. */
  prices?: PriceFile;
  expected: {
    costUsd: number;
    costSource: 'computed' | 'provider';
    computedCostUsd?: number;
    /** Ledger columns the case is about. */
    columns?: Record<string, string | number | null>;
  };
  /** What cpr-meter computed before this change, for the README's table. */
  before: string;
}

export const PITFALL_CASES: PitfallCase[] = [
  {
    name: 'OpenAI audio tokens at audio rates',
    source: 'https://platform.openai.com/docs/pricing (gpt-audio: text 2.50 / 10, audio 32 / 64)',
    wire: 'openai', operation: 'chat', model: 'gpt-audio', upstreamProvider: 'openai',
    script: { rawUsage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 800 }, completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 400, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 } } },
    // 200 text in x 2.5 + 800 audio in x 32 + 100 text out x 10 + 400 audio out x 64
    // = 500 + 25,600 + 1,000 + 25,600 = 52,700 per million = $0.0527.
    expected: { costUsd: 0.0527, costSource: 'computed', columns: { input_audio_tokens: 800, output_audio_tokens: 400 } },
    before: '$0.0075 (all text: 1000 x 2.5 + 500 x 10), 7x low',
  },
  {
    name: 'OpenAI flex tier at half price',
    source: 'https://platform.openai.com/docs/guides/flex-processing (Batch API rates: 50%); o3 2 / 8',
    wire: 'openai', operation: 'chat', model: 'o3', upstreamProvider: 'openai',
    script: { serviceTier: 'flex', rawUsage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, completion_tokens_details: { reasoning_tokens: 300 } } },
    // (1000 x 2 + 500 x 8) x 0.5 = 6,000 x 0.5 = 3,000 per million = $0.003.
    expected: { costUsd: 0.003, costSource: 'computed', columns: { service_tier: 'flex', reasoning_tokens: 300 } },
    before: '$0.006 (standard rate), 2x high',
  },
  {
    name: 'OpenAI priority tier at its own rates',
    source: 'https://openai.com/api-priority-processing/ (gpt-5 priority: 2.50 / 0.25 cached / 20)',
    wire: 'openai', operation: 'chat', model: 'gpt-5', upstreamProvider: 'openai',
    script: { serviceTier: 'priority', rawUsage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 } },
    // 1000 x 2.5 + 500 x 20 = 2,500 + 10,000 = 12,500 per million = $0.0125 (standard: 1.25 / 10 -> $0.00625).
    expected: { costUsd: 0.0125, costSource: 'computed', columns: { service_tier: 'priority' } },
    before: '$0.00625 (standard rate), 2x low',
  },
  {
    name: 'Responses web_search_call and file_search_call fees',
    source: 'https://platform.openai.com/docs/pricing#built-in-tools (web search $10 / 1k calls, file search $2.50 / 1k calls; gpt-4.1 2 / 8)',
    wire: 'openai', operation: 'responses', model: 'gpt-4.1', upstreamProvider: 'openai',
    script: {
      outputItems: [{ id: 'ws_1', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'parcel status' } }, { id: 'fs_1', type: 'file_search_call', status: 'completed', queries: ['refund policy'], results: null }],
      rawUsage: { input_tokens: 1000, input_tokens_details: { cached_tokens: 0 }, output_tokens: 100, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 1100 },
    },
    // 1000 x 2 + 100 x 8 = 2,800 per million = $0.0028; + $0.01 (one search) + $0.0025 (one file search) = $0.0153.
    expected: { costUsd: 0.0153, costSource: 'computed', columns: { web_searches: 1, file_searches: 1 } },
    before: '$0.0028 (fees ignored), 5.5x low',
  },
  {
    name: 'Responses cache_write_tokens at the cache-write rate',
    source: 'https://developers.openai.com/api/docs/models/gpt-5.6-sol (4 in, 0.40 cached, 5 cache write, 20 out since 2026-08-21)',
    wire: 'openai', operation: 'responses', model: 'gpt-5.6-sol', upstreamProvider: 'openai',
    script: { rawUsage: { input_tokens: 10000, input_tokens_details: { cached_tokens: 2000, cache_write_tokens: 4000 }, output_tokens: 500, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 10500 } },
    // 4000 uncached x 4 + 2000 cached x 0.4 + 4000 written x 5 + 500 x 20 = 16,000 + 800 + 20,000 + 10,000 = 46,800 per million = $0.0468.
    expected: { costUsd: 0.0468, costSource: 'computed', columns: { cache_write_tokens: 4000, cache_read_tokens: 2000 } },
    before: '$0.0428 (writes never read, billed as input)',
  },
  {
    name: 'Anthropic 1-hour cache writes at 2x input',
    source: 'https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#pricing (Sonnet 4: 3 in, 3.75 5m write, 6 1h write, 15 out)',
    wire: 'anthropic', operation: 'messages', model: 'claude-sonnet-4-20250514',
    script: { rawUsage: { input_tokens: 10, cache_creation_input_tokens: 10000, cache_read_input_tokens: 0, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 10000 }, output_tokens: 100, service_tier: 'standard' } },
    // 10 x 3 + 10,000 x 6 + 100 x 15 = 30 + 60,000 + 1,500 = 61,530 per million = $0.06153.
    expected: { costUsd: 0.06153, costSource: 'computed', columns: { cache_write_1h_tokens: 10000, service_tier: 'standard' } },
    before: '$0.03903 (all at the 5m rate), 36.6% low',
  },
  {
    name: 'Anthropic web search fee',
    source: 'https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-search-tool ($10 per 1,000 searches; Sonnet 4 3 / 15)',
    wire: 'anthropic', operation: 'messages', model: 'claude-sonnet-4-20250514',
    script: { rawUsage: { input_tokens: 1000, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 100, server_tool_use: { web_search_requests: 3 }, service_tier: 'standard' } },
    // 1000 x 3 + 100 x 15 = 4,500 per million = $0.0045; + 3 x $0.01 = $0.0345.
    expected: { costUsd: 0.0345, costSource: 'computed', columns: { web_searches: 3 } },
    before: '$0.0045 (fees ignored), 87% low',
  },
  {
    name: 'Anthropic web fetch: no fee, tokens only',
    source: 'https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-fetch-tool (no additional charge beyond tokens)',
    wire: 'anthropic', operation: 'messages', model: 'claude-sonnet-4-20250514',
    script: { rawUsage: { input_tokens: 1000, output_tokens: 100, server_tool_use: { web_search_requests: 0, web_fetch_requests: 2 } } },
    // 1000 x 3 + 100 x 15 = 4,500 per million = $0.0045; fetches free.
    expected: { costUsd: 0.0045, costSource: 'computed', columns: { web_fetches: 2, web_searches: 0 } },
    before: '$0.0045 (right, fetches not stored)',
  },
  {
    name: 'Anthropic long context: the whole call at the >200k rate',
    source: 'https://docs.anthropic.com/en/docs/about-claude/pricing#long-context-pricing (Sonnet 4.5 over 200k input: 6 / 22.50)',
    wire: 'anthropic', operation: 'messages', model: 'claude-sonnet-4-5',
    script: { rawUsage: { input_tokens: 250000, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1000 } },
    // 250,000 x 6 + 1,000 x 22.5 = 1,500,000 + 22,500 = 1,522,500 per million = $1.5225.
    expected: { costUsd: 1.5225, costSource: 'computed' },
    before: '$1.5225 (right)',
  },
  {
    name: 'Anthropic US-only inference (inference_geo "us") at 1.1x',
    source: 'https://support.claude.com/en/articles/15422948-enable-us-only-inference-for-your-organization (1.1x for Opus 4.6 and later); https://platform.claude.com/docs/en/build-with-claude/data-residency (usage.inference_geo); Opus 4.6 5 / 25',
    wire: 'anthropic', operation: 'messages', model: 'claude-opus-4-6',
    script: { rawUsage: { input_tokens: 1000, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 100, service_tier: 'standard', inference_geo: 'us' } },
    // (1000 x 5 + 100 x 25) x 1.1 = 7,500 x 1.1 = 8,250 per million = $0.00825.
    expected: { costUsd: 0.00825, costSource: 'computed', columns: { inference_geo: 'us' } },
    before: '$0.0075 (standard rate), 9% low',
  },
  {
    name: 'Gemini thinking seen only in total_tokens, billed as output',
    source: 'https://ai.google.dev/gemini-api/docs/pricing (gemini-2.5-flash 0.30 / 2.50, output price includes thinking tokens)',
    wire: 'openai', operation: 'chat', model: 'gemini-2.5-flash', upstreamProvider: 'google',
    script: { rawUsage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 1150 } },
    // Output = 1150 - 100 = 1,050 (50 visible + 1,000 thinking): 100 x 0.3 + 1,050 x 2.5 = 30 + 2,625 = 2,655 per million = $0.002655.
    expected: { costUsd: 0.002655, costSource: 'computed', columns: { output_tokens: 1050, reasoning_tokens: 1000 } },
    before: '$0.000155 (thinking not billed), 17x low',
  },
  {
    name: 'xAI reasoning_tokens outside completion_tokens, billed as output',
    source: 'https://docs.x.ai/docs/models (grok-3-mini 0.30 / 0.50; reasoning tokens billed as output)',
    wire: 'openai', operation: 'chat', model: 'grok-3-mini', upstreamProvider: 'x-ai',
    script: { rawUsage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 1150, completion_tokens_details: { reasoning_tokens: 1000 } } },
    // Output = 50 + 1,000: 100 x 0.3 + 1,050 x 0.5 = 30 + 525 = 555 per million = $0.000555.
    expected: { costUsd: 0.000555, costSource: 'computed', columns: { output_tokens: 1050, reasoning_tokens: 1000 } },
    before: '$0.000055 (reasoning clamped to completion), 10x low',
  },
  {
    name: "xAI cost_in_usd_ticks: the provider's figure is the cost",
    source: 'https://docs.x.ai/developers/cost-tracking (1 USD = 10^10 ticks)',
    wire: 'openai', operation: 'chat', model: 'grok-3-mini', upstreamProvider: 'x-ai',
    script: { rawUsage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 1150, completion_tokens_details: { reasoning_tokens: 1000 }, cost_in_usd_ticks: 5550000 } },
    // 5,550,000 / 1e10 = $0.000555, equal to the computed 555 per million.
    expected: { costUsd: 0.000555, costSource: 'provider', computedCostUsd: 0.000555, columns: { provider_cost_usd: 0.000555 } },
    before: '$0.000055 (figure ignored)',
  },
  {
    name: "OpenRouter usage.cost: the provider's figure is the cost",
    source: 'https://openrouter.ai/docs/use-cases/usage-accounting (usage.cost in credits = USD)',
    wire: 'openai', operation: 'chat', model: 'openai/gpt-4o-mini', upstreamProvider: 'openrouter',
    script: { model: 'openai/gpt-4o-mini', rawUsage: { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100, cost: 0.00021, is_byok: false } },
    // Reported $0.00021; computed 1000 x 0.15 + 100 x 0.6 = 150 + 60 = 210 per million = $0.00021.
    expected: { costUsd: 0.00021, costSource: 'provider', computedCostUsd: 0.00021 },
    before: 'unpriced (slug unknown), figure ignored',
  },
  {
    name: 'OpenRouter slug priced when no cost is reported',
    source: 'https://openrouter.ai/anthropic/claude-sonnet-4 (3 / 15)',
    wire: 'openai', operation: 'chat', model: 'anthropic/claude-sonnet-4', upstreamProvider: 'openrouter',
    script: { model: 'anthropic/claude-sonnet-4', rawUsage: { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 } },
    // 1000 x 3 + 100 x 15 = 4,500 per million = $0.0045.
    expected: { costUsd: 0.0045, costSource: 'computed', columns: { upstream_provider: 'openrouter' } },
    before: 'unpriced',
  },
  {
    name: "gpt-oss-120b on Cerebras at Cerebras' price",
    source: 'https://www.cerebras.ai/pricing (gpt-oss-120b 0.35 / 0.75)',
    wire: 'openai', operation: 'chat', model: 'gpt-oss-120b', upstreamProvider: 'cerebras',
    script: { model: 'gpt-oss-120b', rawUsage: { prompt_tokens: 1000, completion_tokens: 1000, total_tokens: 2000 } },
    // 1000 x 0.35 + 1000 x 0.75 = 1,100 per million = $0.0011.
    expected: { costUsd: 0.0011, costSource: 'computed', columns: { upstream_provider: 'cerebras' } },
    before: "$0.000219 (another host's price: 0.039 / 0.18), 5x low",
  },
  {
    name: "llama-3.3-70b-versatile on Groq at Groq's price",
    source: 'https://groq.com/pricing (llama-3.3-70b-versatile 0.59 / 0.79)',
    wire: 'openai', operation: 'chat', model: 'llama-3.3-70b-versatile', upstreamProvider: 'groq',
    script: { model: 'llama-3.3-70b-versatile', rawUsage: { prompt_tokens: 1000, completion_tokens: 1000, total_tokens: 2000 } },
    // 1000 x 0.59 + 1000 x 0.79 = 1,380 per million = $0.00138.
    expected: { costUsd: 0.00138, costSource: 'computed', columns: { upstream_provider: 'groq' } },
    before: 'unpriced',
  },
  {
    name: 'A price file "gpt-4o" does not price gpt-4o-mini',
    source: 'https://platform.openai.com/docs/pricing (gpt-4o-mini 0.15 / 0.60)',
    wire: 'openai', operation: 'chat', model: 'gpt-4o-mini', upstreamProvider: 'openai',
    prices: { models: { 'gpt-4o': { input: 2.5, output: 10 } } },
    script: { model: 'gpt-4o-mini-2024-07-18', rawUsage: { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 } },
    // 1000 x 0.15 + 100 x 0.6 = 210 per million = $0.00021 (the prefix rule gave 2,500 + 1,000 = $0.0035).
    expected: { costUsd: 0.00021, costSource: 'computed' },
    before: '$0.0035 (the prefix won), 16.7x high',
  },
  {
    name: 'A price file "o3" does not price o3-pro',
    source: 'https://platform.openai.com/docs/pricing (o3-pro 20 / 80)',
    wire: 'openai', operation: 'chat', model: 'o3-pro', upstreamProvider: 'openai',
    prices: { models: { o3: { input: 2, output: 8 } } },
    script: { model: 'o3-pro', rawUsage: { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 } },
    // 1000 x 20 + 100 x 80 = 28,000 per million = $0.028 (the prefix rule gave 2,000 + 800 = $0.0028).
    expected: { costUsd: 0.028, costSource: 'computed' },
    before: '$0.0028 (the prefix won), 10x low',
  },
  {
    name: 'An embedding model priced with input only',
    source: 'price file v2: "output" is optional',
    wire: 'openai', operation: 'embeddings', model: 'acme-embed-1',
    prices: { models: { 'acme-embed-1': { input: 0.1 } } },
    script: { model: 'acme-embed-1', usage: { input: 1000, output: 0 } },
    // 1000 x 0.1 = 100 per million = $0.0001.
    expected: { costUsd: 0.0001, costSource: 'computed' },
    before: '`serve` refused to start',
  },
  {
    name: 'Rejected prediction tokens are billed, inside completion_tokens',
    source: 'https://platform.openai.com/docs/guides/predicted-outputs (rejected tokens billed at completion rates; gpt-4o-mini 0.15 / 0.60)',
    wire: 'openai', operation: 'chat', model: 'gpt-4o-mini', upstreamProvider: 'openai',
    script: { rawUsage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 100, rejected_prediction_tokens: 200 } } },
    // 1000 x 0.15 + 500 x 0.6 = 150 + 300 = 450 per million = $0.00045 (the 200 rejected are among the 500).
    expected: { costUsd: 0.00045, costSource: 'computed', columns: { accepted_prediction_tokens: 100, rejected_prediction_tokens: 200 } },
    before: '$0.00045 (right, parts not stored)',
  },
];
