/**
 * Which wire format a call speaks. `openai` covers every OpenAI-compatible API (Azure OpenAI
 * included); `gemini` is Google's native Gemini API (`models/{model}:generateContent`).
 */
export type Provider = 'openai' | 'anthropic' | 'gemini';

/**
 * The recorded operations, named after the GenAI semantic conventions where they have a name
 * (`generate_content`: Gemini's `:generateContent` and `:streamGenerateContent`).
 */
export type Operation = 'chat' | 'responses' | 'embeddings' | 'completions' | 'messages' | 'generate_content';

/**
 * Token usage of one call, normalised across providers: every part a provider bills.
 *
 * `inputTokens` counts every input token, cached or not; `cacheReadTokens` and
 * `cacheWriteTokens` are parts of it, `cacheWrite1hTokens` a part of `cacheWriteTokens`, and
 * `inputAudioTokens` a part of it. `outputTokens` counts every output token, including output
 * the provider counted outside its `completion_tokens` (see {@link parseUsage});
 * `reasoningTokens`, `outputAudioTokens` and the prediction counts are parts of it. Anthropic's
 * `input_tokens`, which excludes its cache fields, is converted to this shape by `parseUsage`.
 *
 * The optional parts are absent (or `null`) when the provider did not report them: unknown,
 * never taken for 0; the ledger stores them as `NULL`.
 */
export interface Usage {
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** Cache writes kept for 1 hour (Anthropic `cache_creation.ephemeral_1h_input_tokens`), billed above 5-minute ones. */
  cacheWrite1hTokens?: number | null;
  /** Audio input (`prompt_tokens_details.audio_tokens`). */
  inputAudioTokens?: number | null;
  /** Audio output (`completion_tokens_details.audio_tokens`). */
  outputAudioTokens?: number | null;
  /** Predicted-output tokens that matched (`completion_tokens_details.accepted_prediction_tokens`). */
  acceptedPredictionTokens?: number | null;
  /** Predicted-output tokens that did not match: billed as output, and already counted in it. */
  rejectedPredictionTokens?: number | null;
  /** Server-side web searches (Anthropic `server_tool_use.web_search_requests`, Responses `web_search_call` items). */
  webSearches?: number | null;
  /** File searches (Responses `file_search_call` items). */
  fileSearches?: number | null;
  /** Web fetches (Anthropic `server_tool_use.web_fetch_requests`). */
  webFetches?: number | null;
  /** Code-interpreter calls (Responses `code_interpreter_call` items). */
  codeExecutions?: number | null;
  /** The service tier that served the call (`flex`, `priority`, `batch`, `default`, `standard`...). */
  serviceTier?: string | null;
  /** Where inference ran when it changes the rate (Anthropic `usage.inference_geo`: `us`, `global`). */
  inferenceGeo?: string | null;
  /** The provider's own figure for the call's cost, USD (OpenRouter `usage.cost`, xAI `cost_in_usd_ticks` / 1e10). */
  providerCostUsd?: number | null;
}

/** A usage with every part zero. */
export const ZERO_USAGE: Readonly<Usage> = Object.freeze({
  inputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
});
