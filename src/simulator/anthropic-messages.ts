import { intField, modelOf } from './endpoint.js';
import type { Endpoint } from './endpoint.js';
import { anthropicError } from './errors.js';
import { ids } from './ids.js';
import { planReply } from './plan.js';
import type { ReplyPlan } from './plan.js';
import { anthropicPrompt, lastUserText } from './prompt.js';
import { sseEvent } from './sse.js';
import type { SseFrames } from './sse.js';
import { countPromptTokens } from './tokenizer.js';
import { anthropicUsage } from './usage-shapes.js';

interface MessageReply {
  plan: ReplyPlan;
  id: string;
  stopReason: string;
}

function message({ plan, id, stopReason }: MessageReply): unknown {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: plan.model,
    content: [{ type: 'text', text: plan.text }],
    stop_reason: stopReason,
    stop_sequence: null,
    ...(plan.usage ? { usage: plan.rawUsage ?? anthropicUsage(plan.usage) } : {}),
  };
}

/** A scripted usage as `message_start` has it: the input counts, `output_tokens: 1`, no server tool use yet. */
function rawStartUsage(usage: Record<string, unknown>): Record<string, unknown> {
  const { server_tool_use: _tools, ...start } = usage;
  return { ...start, output_tokens: 1 };
}

// `message_start` carries the input usage (and `output_tokens: 1`); the content block streams
// as text deltas; `message_delta` carries the stop reason and the final output token count.
function messageStream({ plan, id, stopReason }: MessageReply): SseFrames {
  const event = (data: { type: string } & Record<string, unknown>): string => sseEvent(data, data.type);
  const startUsage = plan.usage ? { usage: plan.rawUsage ? rawStartUsage(plan.rawUsage) : anthropicUsage(plan.usage, Math.min(1, plan.usage.output)) } : {};
  return {
    head: [
      event({
        type: 'message_start',
        message: { id, type: 'message', role: 'assistant', model: plan.model, content: [], stop_reason: null, stop_sequence: null, ...startUsage },
      }),
      event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      event({ type: 'ping' }),
    ],
    content: plan.pieces.map((text) => event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })),
    tail: [
      event({ type: 'content_block_stop', index: 0 }),
      event({
        type: 'message_delta',
        delta: { stop_reason: stopReason, stop_sequence: null },
        ...(plan.usage ? { usage: plan.rawUsage ?? { output_tokens: plan.usage.output } } : {}),
      }),
      event({ type: 'message_stop' }),
    ],
  };
}

/**
 * `POST /v1/messages` (Anthropic): a `message`, or its event stream. `max_tokens` is required, as
 * on the real API; a reply cut there stops with `max_tokens`.
 */
export const messagesEndpoint: Endpoint = {
  provider: 'anthropic',
  handle({ body, script, requestId }) {
    const maxTokens = intField(body, 'max_tokens');
    if (maxTokens === undefined) {
      return { kind: 'json', status: 400, body: anthropicError({ type: 'invalid_request_error', message: 'max_tokens: Field required', requestId }) };
    }
    const messages = anthropicPrompt(body);
    const plan = planReply({
      script,
      requestModel: modelOf(body),
      countInput: () => countPromptTokens(messages),
      lastUserText: lastUserText(messages),
      maxOutputTokens: maxTokens,
    });
    const reply: MessageReply = { plan, id: ids.anthropicMessage(), stopReason: script.finishReason ?? (plan.truncated ? 'max_tokens' : 'end_turn') };
    if (body.stream === true) return { kind: 'sse', frames: messageStream(reply) };
    return { kind: 'json', status: 200, body: message(reply) };
  },
};
