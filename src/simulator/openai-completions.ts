import { intField, modelOf, streamOptionsOf, streamOptionsWithoutStream } from './endpoint.js';
import type { Endpoint } from './endpoint.js';
import { ids } from './ids.js';
import { planReply } from './plan.js';
import { inputsOf } from './prompt.js';
import { SSE_DONE, sseEvent } from './sse.js';
import { countTokens } from './tokenizer.js';
import { legacyCompletionUsage } from './usage-shapes.js';

/** The legacy endpoint's `max_tokens` when the request sets none: 16, as on the real API. */
export const LEGACY_DEFAULT_MAX_TOKENS = 16;

/**
 * `POST /v1/completions` (legacy): a `text_completion`, or a stream of them ending in `[DONE]`.
 * Like the real API, `max_tokens` defaults to {@link LEGACY_DEFAULT_MAX_TOKENS}, so an unscripted
 * answer is usually cut short with `finish_reason: "length"`.
 */
export const completionsEndpoint: Endpoint = {
  provider: 'openai',
  handle({ body, script, now }) {
    const refused = streamOptionsWithoutStream(body);
    if (refused) return refused;
    const prompts = inputsOf(body.prompt);
    const plan = planReply({
      script,
      requestModel: modelOf(body),
      countInput: () => prompts.reduce<number>((sum, p) => sum + (typeof p === 'number' ? p : countTokens(p)), 0),
      lastUserText: prompts.find((p): p is string => typeof p === 'string') ?? '',
      maxOutputTokens: intField(body, 'max_tokens') ?? LEGACY_DEFAULT_MAX_TOKENS,
    });
    const id = ids.completion();
    const created = Math.floor(now() / 1000);
    const finishReason = script.finishReason ?? (plan.truncated ? 'length' : 'stop');
    const choice = (text: string, finish: string | null): unknown => ({ text, index: 0, logprobs: null, finish_reason: finish });

    if (body.stream !== true) {
      return {
        kind: 'json',
        status: 200,
        body: {
          id,
          object: 'text_completion',
          created,
          model: plan.model,
          choices: [choice(plan.text, finishReason)],
          ...(plan.usage ? { usage: legacyCompletionUsage(plan.usage) } : {}),
        },
      };
    }
    const withUsage = streamOptionsOf(body).includeUsage && plan.usage !== null;
    // Field order as the real stream sends it: `choices` before `model`.
    const chunk = (finish: string | null, text: string): string =>
      sseEvent({ id, object: 'text_completion', created, choices: [choice(text, finish)], model: plan.model, ...(withUsage ? { usage: null } : {}) });
    const usageChunk = plan.usage ? sseEvent({ id, object: 'text_completion', created, model: plan.model, usage: legacyCompletionUsage(plan.usage), choices: [] }) : '';
    return {
      kind: 'sse',
      frames: {
        head: [],
        content: plan.pieces.map((piece) => chunk(null, piece)),
        tail: [chunk(finishReason, ''), ...(withUsage ? [usageChunk] : []), SSE_DONE],
      },
    };
  },
};
