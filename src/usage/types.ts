/** Which wire format a call speaks. `openai` covers every OpenAI-compatible API. */
export type Provider = 'openai' | 'anthropic';

/** The recorded operations, named after the GenAI semantic conventions where they have a name. */
export type Operation = 'chat' | 'responses' | 'embeddings' | 'completions' | 'messages';

/**
 * Token usage of one call, normalised across providers.
 *
 * `inputTokens` counts every input token, cached or not; `cacheReadTokens` and
 * `cacheWriteTokens` are parts of it. `outputTokens` counts every output token;
 * `reasoningTokens` is a part of it. Anthropic's `input_tokens`, which excludes its cache
 * fields, is converted to this shape by {@link parseUsage}.
 */
export interface Usage {
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

/** A usage with every part zero. */
export const ZERO_USAGE: Readonly<Usage> = Object.freeze({
  inputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
});
