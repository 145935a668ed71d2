import type { Usage } from '../usage/types.js';

/** A usage as `@pydantic/genai-prices` reads it: counts by its unit names. */
export type BillableUsage = Record<string, number>;

/** The audio parts of cache reads and writes, which no provider reports apart. */
const AUDIO_CACHE_PARTS = ['cache_audio_read_tokens', 'cache_audio_write_tokens', 'cache_audio_write_1h_tokens', 'cache_audio_write_5m_tokens'];

/**
 * The usage in `@pydantic/genai-prices`' units, every part it can price: input (all of it), cache
 * reads, cache writes and their 1-hour part, audio in and out, output (all of it), reasoning, and
 * tool calls (`web_searches`, `storage_searches` for file search, `code_executions`). Parts not
 * reported, or 0, are left out: the calculation then prices those tokens at their whole's rate. Pure.
 */
export function billableUsage(usage: Usage): BillableUsage {
  const billable: BillableUsage = {
    input_tokens: usage.inputTokens,
    cache_read_tokens: usage.cacheReadTokens,
    cache_write_tokens: usage.cacheWriteTokens,
    output_tokens: usage.outputTokens,
  };
  // A part of 0 bills nothing: only parts with a count are given (the frequent call has none).
  if (usage.cacheWrite1hTokens) {
    billable.cache_write_1h_tokens = usage.cacheWrite1hTokens;
    billable.cache_write_5m_tokens = usage.cacheWriteTokens - usage.cacheWrite1hTokens;
  }
  if (usage.inputAudioTokens) {
    billable.input_audio_tokens = usage.inputAudioTokens;
    // Providers do not say how much of the cache reads and writes was audio: taken as none.
    for (const key of AUDIO_CACHE_PARTS) billable[key] = 0;
  }
  if (usage.outputAudioTokens) billable.output_audio_tokens = usage.outputAudioTokens;
  if (usage.reasoningTokens > 0 && !usage.outputAudioTokens) billable.output_reasoning_tokens = usage.reasoningTokens;
  if (usage.webSearches) billable.web_searches = usage.webSearches;
  if (usage.fileSearches) billable.storage_searches = usage.fileSearches;
  if (usage.codeExecutions) billable.code_executions = usage.codeExecutions;
  return billable;
}
