import { intField, modelOf, streamOptionsOf, streamOptionsWithoutStream, SYSTEM_FINGERPRINT } from './endpoint.js';
import type { Endpoint } from './endpoint.js';
import { ids, obfuscation } from './ids.js';
import { planReply } from './plan.js';
import type { ReplyPlan } from './plan.js';
import { chatPrompt, lastUserText } from './prompt.js';
import type { RequestBody } from './prompt.js';
import { SSE_DONE, sseEvent } from './sse.js';
import type { SseFrames } from './sse.js';
import { countPromptTokens } from './tokenizer.js';
import { chatUsage } from './usage-shapes.js';

interface ChatReply {
  plan: ReplyPlan;
  id: string;
  created: number;
  finishReason: string;
}

function chatCompletion({ plan, id, created, finishReason }: ChatReply): unknown {
  return {
    id,
    object: 'chat.completion',
    created,
    model: plan.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: plan.text, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    ...(plan.usage ? { usage: plan.rawUsage ?? chatUsage(plan.usage) } : {}),
    service_tier: plan.serviceTier,
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

// The chunk sequence of a real stream: a role chunk with empty content, the content deltas, a
// chunk with an empty delta and the finish reason and, with `include_usage`, a chunk with no
// choices and the usage (every earlier chunk then says `"usage": null`), then `[DONE]`.
function chatStream(reply: ChatReply, body: RequestBody): SseFrames {
  const { plan, id, created, finishReason } = reply;
  const { includeUsage, includeObfuscation } = streamOptionsOf(body);
  const withUsage = includeUsage && plan.usage !== null;
  const chunk = (choices: unknown[], usage: unknown = null): string =>
    sseEvent({
      id,
      object: 'chat.completion.chunk',
      created,
      model: plan.model,
      service_tier: plan.serviceTier,
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices,
      ...(withUsage ? { usage } : {}),
      ...(includeObfuscation ? { obfuscation: obfuscation() } : {}),
    });
  const choice = (delta: unknown, finish: string | null = null): unknown => ({ index: 0, delta, logprobs: null, finish_reason: finish });
  return {
    head: [chunk([choice({ role: 'assistant', content: '', refusal: null })])],
    content: plan.pieces.map((piece) => chunk([choice({ content: piece })])),
    tail: [
      chunk([choice({}, finishReason)]),
      ...(withUsage && plan.usage ? [chunk([], plan.rawUsage ?? chatUsage(plan.usage))] : []),
      SSE_DONE,
    ],
  };
}

/** `POST /v1/chat/completions`: a `chat.completion`, or a stream of `chat.completion.chunk`s. */
export const chatCompletionsEndpoint: Endpoint = {
  provider: 'openai',
  handle({ body, script, now }) {
    const refused = streamOptionsWithoutStream(body);
    if (refused) return refused;
    const messages = chatPrompt(body);
    const plan = planReply({
      script,
      requestModel: modelOf(body),
      countInput: () => countPromptTokens(messages),
      lastUserText: lastUserText(messages),
      maxOutputTokens: intField(body, 'max_completion_tokens') ?? intField(body, 'max_tokens'),
    });
    const reply: ChatReply = {
      plan,
      id: ids.chatCompletion(),
      created: Math.floor(now() / 1000),
      finishReason: script.finishReason ?? (plan.truncated ? 'length' : 'stop'),
    };
    if (body.stream === true) return { kind: 'sse', frames: chatStream(reply, body) };
    return { kind: 'json', status: 200, body: chatCompletion(reply) };
  },
};
