import type { Usage } from '../usage/types.js';

/**
 * The usage parts kept in columns of their own since migration 008, column and field: how every
 * store writes them (`callToRow`) and reads them back (reprice, copy).
 */
export const USAGE_PART_COLUMNS = [
  ['cache_write_1h_tokens', 'cacheWrite1hTokens'], ['input_audio_tokens', 'inputAudioTokens'],
  ['output_audio_tokens', 'outputAudioTokens'], ['accepted_prediction_tokens', 'acceptedPredictionTokens'],
  ['rejected_prediction_tokens', 'rejectedPredictionTokens'], ['web_searches', 'webSearches'],
  ['file_searches', 'fileSearches'], ['web_fetches', 'webFetches'], ['code_executions', 'codeExecutions'],
  ['service_tier', 'serviceTier'], ['inference_geo', 'inferenceGeo'], ['provider_cost_usd', 'providerCostUsd'],
] as const satisfies ReadonlyArray<readonly [string, keyof Usage]>;
