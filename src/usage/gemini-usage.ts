import type { Usage } from './types.js';

// Gemini API reference, `UsageMetadata` (https://ai.google.dev/api/generate-content#UsageMetadata):
// `promptTokenCount` counts the whole prompt, the cached part (`cachedContentTokenCount`)
// included; `toolUsePromptTokenCount` counts the tool-use prompts (search results the model
// read), billed as input; `candidatesTokenCount` counts the answer WITHOUT the thinking tokens
// (`thoughtsTokenCount`), which Google bills as output ("output price, including thinking
// tokens", https://ai.google.dev/gemini-api/docs/pricing). `promptTokensDetails` splits the
// prompt by modality (`TEXT`, `AUDIO`, `IMAGE`, `VIDEO`), and audio input has its own price.

function count(value: unknown): number | undefined {
  return typeof value === 'number' && value >= 0 && value <= Number.MAX_SAFE_INTEGER ? Math.trunc(value) + 0 : undefined;
}

function modalityCount(details: unknown, modality: string): number | undefined {
  if (!Array.isArray(details)) return undefined;
  let total: number | undefined;
  for (const item of details as Array<{ modality?: unknown; tokenCount?: unknown } | null>) {
    if (item?.modality !== modality) continue;
    total = (total ?? 0) + (count(item.tokenCount) ?? 0);
  }
  return total;
}

/**
 * Normalises Gemini's `usageMetadata` into a {@link Usage}, or `null` when it holds no token
 * count. Pure and total, like `parseUsage`: every part finite, non-negative and within its whole.
 *
 * - `inputTokens` = `promptTokenCount` + `toolUsePromptTokenCount`; `cacheReadTokens` =
 *   `cachedContentTokenCount`; `inputAudioTokens` = the prompt's `AUDIO` tokens.
 * - `outputTokens` = `candidatesTokenCount` + `thoughtsTokenCount`; `reasoningTokens` =
 *   `thoughtsTokenCount`.
 *
 * @example
 * parseGeminiUsage({ promptTokenCount: 1000, cachedContentTokenCount: 200, candidatesTokenCount: 20, thoughtsTokenCount: 30, totalTokenCount: 1050 })
 * // { inputTokens: 1000, cacheReadTokens: 200, cacheWriteTokens: 0, outputTokens: 50, reasoningTokens: 30 }
 */
export function parseGeminiUsage(metadata: unknown): Usage | null {
  if (typeof metadata !== 'object' || metadata === null) return null;
  const m = metadata as Record<string, unknown>;
  const prompt = count(m.promptTokenCount);
  const toolUse = count(m.toolUsePromptTokenCount);
  const candidates = count(m.candidatesTokenCount);
  const thoughts = count(m.thoughtsTokenCount);
  if ([prompt, toolUse, candidates, thoughts].every((value) => value === undefined)) return null;
  const inputTokens = Math.min((prompt ?? 0) + (toolUse ?? 0), Number.MAX_SAFE_INTEGER);
  const outputTokens = Math.min((candidates ?? 0) + (thoughts ?? 0), Number.MAX_SAFE_INTEGER);
  const usage: Usage = {
    inputTokens,
    cacheReadTokens: Math.min(count(m.cachedContentTokenCount) ?? 0, inputTokens),
    cacheWriteTokens: 0,
    outputTokens,
    reasoningTokens: Math.min(thoughts ?? 0, outputTokens),
  };
  const audio = modalityCount(m.promptTokensDetails, 'AUDIO');
  if (audio !== undefined) usage.inputAudioTokens = Math.min(audio, inputTokens);
  return usage;
}
